"""Advice: verdicts, the counter, the checks, the reply; never accept below your limit."""

from __future__ import annotations

import re

import pytest
from defend_factories import case_mappings, hours_mapping, retreat, vendor_mapping
from hypothesis import given, settings

from ditf import InvalidParameterError
from ditf.defend import POSITIONS, VERDICTS, choose_counter, defend, defend_case_from_mapping


def defended(mapping, **kwargs):
    return defend(defend_case_from_mapping(mapping), n_draws=100, **kwargs)


def test_honest_retreat_within_the_limit_is_negotiated_from_the_median():
    d = defended(vendor_mapping())
    a = d.advice
    assert (a.verdict, a.below_minimum, a.may_accept, a.beats_batna) == (
        "negotiate",
        False,
        True,
        True,
    )
    assert a.position == "within-benchmarks"
    assert a.counter == 11000 and a.counter_basis.name == "quotes, median"
    assert a.lines[0].startswith("11,500 EUR is within your limit (12,000 EUR)")
    assert "It beats your BATNA (12,500 EUR) by 1,000 EUR." in a.lines
    assert a.criterion == (
        "Ask for the basis of the number: which market figure or precedent gives 11,500 EUR?"
    )
    assert a.lines[-1] == "Keep your limit: do not go above 12,000 EUR, however the sequence feels."
    assert a.reply.startswith("Thank you for moving from 14,000 EUR to 11,500 EUR.")
    assert "What is 11,500 EUR based on: which market figure or precedent?" in a.reply
    assert a.reply.endswith("Quotes, median puts it at 11,000 EUR, so I propose 11,000 EUR.")


def test_a_request_beyond_the_limit_is_declined_and_countered_within_it():
    d = defended(vendor_mapping(requests=retreat(20000, 15000, explanation="")))
    a = d.advice
    assert (a.verdict, a.below_minimum, a.may_accept, a.beats_batna) == (
        "decline",
        True,
        False,
        False,
    )
    assert a.position == "beyond-benchmarks"
    assert a.lines[0] == (
        "Decline 15,000 EUR: it is above your limit of 12,000 EUR. A retreat is a move on their "
        "number, not a reason to move yours."
    )
    assert "None you know goes beyond quotes, highest (14,500 EUR)." in a.criterion
    assert "Your BATNA (12,500 EUR) is better: walking away beats this request." in a.lines
    assert "The opener lay beyond every benchmark" in a.lines[1]
    assert a.counter == 11000


def test_counter_rules():
    # The median qualifies: it is chosen.
    assert choose_counter(defend_case_from_mapping(vendor_mapping()))[0] == 11000
    # Your limit is stricter than every benchmark: counter at the limit, with no benchmark.
    strict = defend_case_from_mapping(
        vendor_mapping(minimum=8500, batna=8600, requests=retreat(14000, 12000))
    )
    assert choose_counter(strict) == (8500.0, None)
    d = defend(strict, n_draws=50)
    assert "Counter at your limit, 8,500 EUR" in "\n".join(d.advice.lines)
    assert d.advice.reply.endswith("The furthest I can go is 8,500 EUR.")
    # No median: the qualifying benchmark nearest their number.
    no_median = vendor_mapping(benchmarks=[
        {"name": "low", "kind": "market-low", "value": 9000},
        {"name": "precedent", "kind": "precedent", "value": 10500},
        {"name": "high", "kind": "market-high", "value": 14500},
    ])  # fmt: skip
    assert choose_counter(defend_case_from_mapping(no_median))[0] == 10500
    # Already better for you than every qualifying figure: no counter, and you may accept.
    cheap = vendor_mapping(reference=8000, requests=retreat(14000, 8500))
    assert choose_counter(defend_case_from_mapping(cheap)) == (None, None)
    d = defended(cheap)
    assert d.advice.verdict == "consider" and d.advice.counter is None
    assert d.advice.reply.endswith("If it holds up, 8,500 EUR can work for me.")


def test_seller_counters_upwards():
    d = defended(vendor_mapping(direction="more", minimum=11000, batna=10000,
                                requests=retreat(8000, 10500)))  # fmt: skip
    assert d.advice.below_minimum and d.advice.counter == 11000
    assert "below your limit of 11,000 EUR" in d.advice.lines[0]
    assert d.advice.counter_basis.name == "quotes, median"


def test_better_than_every_benchmark():
    d = defended(vendor_mapping(minimum=9500, batna=9600, requests=retreat(9800, 8900 + 200)))
    assert d.advice.position == "within-benchmarks"
    low = defended(vendor_mapping(reference=8000, requests=retreat(14000, 8500)))
    assert low.advice.position == "better-than-benchmarks"
    assert "better for you than every benchmark you know (quotes, lowest" in "\n".join(
        low.advice.lines
    )


def test_count_like_cases_have_no_batna_verdict():
    d = defended(hours_mapping(retreat(16, 3)))
    assert d.advice.beats_batna is None
    assert not any("BATNA" in line for line in d.advice.lines)


def test_plain_and_foot_in_the_door_wording():
    plain = defended(hours_mapping(retreat(3, 3)[:1], interests="I have Saturdays free"))
    assert plain.advice.verdict == "consider"
    assert plain.advice.lines[1].startswith("A plain request (100% confidence): a single request.")
    assert plain.advice.reply.startswith("Thank you for the proposal. What matters to me is")
    assert "Saturdays" not in plain.advice.reply  # the interests note is private
    foot = defended(hours_mapping(retreat(0.25, 6, minutes=2880)))
    assert foot.pattern == "foot-in-the-door" and foot.advice.verdict == "decline"
    assert foot.advice.lines[0].endswith("An earlier yes is no reason to say yes to more.")
    assert foot.advice.reply.startswith("I was glad to help with 0.25 hours;")
    late = defended(hours_mapping(retreat(6, 5, minutes=4000)))
    assert late.pattern == "plain-request"
    assert "hardly a concession" in late.advice.lines[1]
    assert late.advice.lines[0].startswith("Decline 5 hours: it is above your limit of 4 hours.")
    up = defended(hours_mapping(retreat(3.5, 3.9, other=True)))
    assert "the step up is small or comes from someone else" in up.advice.lines[1]
    again = defended(hours_mapping(retreat(3, 3)))
    assert "the same amount asked again" in again.advice.lines[1]


def test_two_requesters_are_named_and_nobody_is_thanked_for_a_concession():
    d = defended(hours_mapping(retreat(40, 3, other=True)))
    assert d.pattern == "two-requesters"
    assert d.advice.lines[1].startswith("Two requesters, not door-in-the-face: A asked 40 hours")
    assert "nobody has conceded" in d.advice.lines[1]
    assert "moving from" not in d.advice.reply and "Thank you for the proposal." in d.advice.reply
    assert d.pressure.contributions["reciprocity"] == 0.0
    assert d.pressure.contributions["contrast"] == 0.0


def test_pressure_lines():
    up = defended(hours_mapping(retreat(16, 3)))
    assert "points of your inclination come from the sequence" in up.advice.lines[2]
    down = defended(hours_mapping(retreat(400, 3, explanation="")))
    assert "the sequence lowers it by about" in down.advice.lines[2]
    flat = defended(hours_mapping(retreat(3, 3)[:1]))
    assert flat.advice.lines[2].startswith("The sequence barely moves you")


def test_defend_validates_its_options():
    case = defend_case_from_mapping(vendor_mapping())
    with pytest.raises(InvalidParameterError, match="'level' parameter of defend"):
        defend(case, level=1.0)
    with pytest.raises(InvalidParameterError, match="'n_draws' parameter of defend"):
        defend(case, n_draws=5)


def test_same_case_same_answer():
    case = defend_case_from_mapping(vendor_mapping())
    assert defend(case, n_draws=100) == defend(case, n_draws=100)


_OFFER = re.compile(r"(?:I propose|The furthest I can go is) ([\d,.]+)")


@settings(max_examples=150, deadline=None)
@given(case_mappings(max_requests=2))
def test_advice_never_recommends_accepting_below_the_minimum(mapping):
    check_never_below(mapping)


@settings(max_examples=12, deadline=None)
@given(case_mappings(max_requests=4))
def test_advice_never_recommends_accepting_below_the_minimum_in_longer_sequences(mapping):
    check_never_below(mapping)  # more than two requests go through the Monte Carlo path


def check_never_below(mapping):
    case = defend_case_from_mapping(mapping)
    d = defend(case, n_draws=20)
    a = d.advice
    current = case.current.amount
    assert a.verdict in VERDICTS and a.position in POSITIONS
    assert a.below_minimum == (not case.better(current, case.minimum))
    assert a.may_accept == (not a.below_minimum)
    # A counter is never worse for you than your limit, and always better than their number.
    if a.counter is not None:
        assert case.better(a.counter, case.minimum)
        assert case.sign * (a.counter - current) > 0
    for offered in _OFFER.findall(a.reply):
        assert case.better(float(offered.rstrip(".").replace(",", "")), case.minimum) or (
            abs(float(offered.rstrip(".").replace(",", "")) - case.minimum)
            <= 5e-6 * max(1.0, abs(case.minimum))  # amounts are printed to 6 digits
        )
    if a.below_minimum:
        assert a.verdict == "decline"
        assert a.counter is not None
        assert "can work for me" not in a.reply
        assert not any(line.lower().startswith("accept") for line in a.lines)
        assert a.lines[0].startswith("Decline")


def test_the_reply_never_quotes_the_private_interests_note():
    note = "I secretly have budget up to 13,000 and need this before my review."
    d = defended(vendor_mapping(interests=note))
    assert "secretly" not in d.advice.reply and "13,000" not in d.advice.reply


def test_rather_nothing_at_most_a_limit_is_a_buyers_case():
    """'I'd rather buy nothing, but would pay up to 300': a BATNA of 0 with a minimum of 300."""
    d = defended(
        vendor_mapping(
            minimum=300, batna=0, alone_answer="no",
            benchmarks=[
                {"name": "shop price, lowest", "kind": "market-low", "value": 250},
                {"name": "shop price, highest", "kind": "market-high", "value": 320},
            ],
            requests=[
                {"amount": 600, "requester": "seller", "at_minutes": 0},
                {"amount": 350, "requester": "seller", "at_minutes": 1},
            ],
        )
    )  # fmt: skip
    assert d.advice.verdict == "decline" and d.advice.below_minimum
    assert d.advice.beats_batna is None
    assert not any("walking away beats" in line for line in d.advice.lines)
    ok = defended(
        vendor_mapping(
            minimum=300, batna=0, alone_answer="no",
            benchmarks=[
                {"name": "shop price, lowest", "kind": "market-low", "value": 250},
                {"name": "shop price, highest", "kind": "market-high", "value": 320},
            ],
            requests=[{"amount": 280, "requester": "seller", "at_minutes": 0}],
        )
    )  # fmt: skip
    assert not ok.advice.below_minimum
