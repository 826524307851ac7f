"""First offers anchor the human-like counterpart as much as the published meta-analyses say.

The bounds are the verified meta-analytic first-offer/settlement correlations bundled in
negotiation.csv (Orr & Guthrie, 2006; Petrowsky et al., 2025), read from the data, not typed in.
"""

from __future__ import annotations

import numpy as np
import pytest
from negotiate_factories import single

from ditf._errors import InvalidParameterError
from ditf.data import load_negotiation_evidence
from ditf.model import Mechanisms
from ditf.negotiate import FirstOfferAssociation, first_offer_association
from ditf.negotiate._counterpart import HumanCounterpart, _HumanAgent
from ditf.negotiate._seat import seats

NO_PULL = Mechanisms().without("anchoring")


def published_range() -> tuple[float, float]:
    rows = [
        f.value for f in load_negotiation_evidence()
        if f.finding == "first_offer_settlement_r" and f.metric == "r" and f.verified
        and f.condition.startswith("meta-analysis") and "preliminary" not in f.condition
    ]  # fmt: skip
    assert len(rows) >= 2
    return min(rows), max(rows)


@pytest.fixture(scope="module")
def measured() -> tuple[FirstOfferAssociation, FirstOfferAssociation]:
    return first_offer_association(rng=2026), first_offer_association(mechanisms=NO_PULL, rng=2026)


def test_first_offers_predict_settlements_inside_the_published_range(measured):
    low, high = published_range()
    on, _ = measured
    assert (low, high) == pytest.approx((0.497, 0.62))  # the rows the range comes from
    # The simulated r sits at the range's lower edge (0.49-0.51 over seeds, see
    # docs/negotiate.md): its 95% interval overlaps the published range, and it is no further
    # below the range than sampling explains.
    assert on.low <= high and on.high >= low
    assert on.r >= low - 2 * (on.high - on.low)
    assert on.low < on.r < on.high and on.n == round(on.agreement_rate * on.negotiations)
    assert on.anchoring and on.n > 10_000


def test_without_anchoring_first_offers_barely_predict_settlements(measured):
    on, off = measured
    assert not off.anchoring
    assert off.high < on.low  # clearly lower: the intervals do not overlap
    assert abs(off.r) < 0.1


def test_the_association_is_reproducible_and_validated():
    a = first_offer_association(n=200, grid=4, levels=101, rounds=10, rng=3)
    b = first_offer_association(n=200, grid=4, levels=101, rounds=10, rng=3)
    assert a == b and set(a.to_dict()) == {"r", "low", "high", "n", "negotiations",
                                           "agreement_rate", "anchoring"}  # fmt: skip
    with pytest.raises(InvalidParameterError, match="must all lie above the 'limits'"):
        first_offer_association(openers=(40, 60), limits=(30, 50))
    with pytest.raises(InvalidParameterError, match="'openers' parameter"):
        first_offer_association(openers=(60, 40))


def agent(n=1, **spec):
    return _HumanAgent(HumanCounterpart(**spec), seats(single(), n)[1], np.random.default_rng(0))


def test_the_largest_ask_pulls_the_limit_part_of_the_way_and_never_past_it():
    human = agent(3)
    limit = human.anchored_limit(np.array([0.5, 0.8, 1.0]))  # the reservation costs 0.6
    assert limit[0] == 0.6  # an ask within the limit pulls nothing
    assert 0.6 < limit[1] < limit[2] < 0.8  # pulled toward the ask, not all the way
    share = np.log(limit[1] / 0.6) / np.log(0.8 / 0.6)
    assert 0.3 < share < human.params.anchoring + 1e-9  # insufficient adjustment, saturating
    assert np.all(agent(3, mechanisms=NO_PULL).anchored_limit(np.array([0.5, 0.8, 1.0])) == 0.6)


def test_past_the_plausible_maximum_the_pull_weakens_then_reverses():
    problem = single(plausible_max=70)
    human = _HumanAgent(HumanCounterpart(), seats(problem, 1)[1], np.random.default_rng(0))
    reversal = human.params.anchor_reversal
    at = lambda cost: float(human.anchored_limit(np.array([cost]))[0])  # noqa: E731
    free = agent()  # the same counterpart with no plausible maximum known
    ask = 0.7 * np.exp(reversal / 2)
    assert float(free.anchored_limit(np.array([ask]))[0]) > at(ask) > 0.6  # weaker past it
    tight = _HumanAgent(HumanCounterpart(), seats(single(plausible_max=45), 1)[1],
                        np.random.default_rng(0))  # fmt: skip
    cancelled = tight.anchored_limit(np.array([0.45 * np.exp(reversal)]))
    assert float(cancelled[0]) == pytest.approx(0.6, abs=1e-6)  # cancelled at the reversal
    assert float(tight.anchored_limit(np.array([1.0]))[0]) < 0.6  # then reversed: gives less


def test_an_anchored_counterpart_counters_and_accepts_more_but_never_beyond_its_limit():
    human, plain = agent(), agent(mechanisms=NO_PULL)
    for a in (human, plain):
        a.respond(np.array([100]), 0.01, 0)
    assert human.propose(0.01, 0)[0] > plain.propose(0.01, 0)[0]
    limit = float(human.limit[0])
    beyond = int(np.ceil(limit * 100 + 1e-9))
    assert not agent(baseline=0.99).respond(np.array([100]), 0.01, 0).accept[0]
    human.respond(np.array([beyond]), 0.02, 1)
    assert not human.respond(np.array([beyond + 1]), 0.03, 2).accept[0]
