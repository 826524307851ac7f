"""The concession script and the plan as JSON-ready data."""

from __future__ import annotations

import json
import re

import pytest
from plan_factories import DOMAIN_EXAMPLES, example_mapping, salary_mapping

from ditf.plan import (
    Plan,
    concession_script,
    plan,
    plan_report,
    plan_scenario_from_mapping,
    prep_sheet,
)

ALL_EXAMPLES = (*DOMAIN_EXAMPLES, "theatrical", "absurd")
HEADLINE = {
    "opener",
    "fallback",
    "p_yes_sequence",
    "p_yes_direct",
    "expected_value_sequence",
    "expected_value_direct",
    "interval",
    "curve",
    "findings",
}
FINDING_KEYS = {"id", "severity", "message"}


def plan_of(data) -> Plan:
    return plan(plan_scenario_from_mapping(data))


def money(p: Plan, value: float) -> str:
    return f"{value:,.6g} {p.scenario.unit}"


@pytest.fixture(scope="module")
def example_plans() -> dict[str, Plan]:
    return {name: plan_of(example_mapping(name)) for name in ALL_EXAMPLES}


# The script ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", DOMAIN_EXAMPLES)
def test_the_retreat_names_its_criterion_and_what_was_given_up(example_plans, name):
    p = example_plans[name]
    opening, retreat, last = concession_script(p)
    assert opening.startswith(
        f'Open: "I am asking for {p.scenario.info.noun} {money(p, p.opener)}."'
    )
    assert f"{p.opener_basis.name} is {money(p, p.opener_basis.value)}" in opening
    assert retreat.startswith("Retreat at once, yourself, after the refusal")
    move = "come down to" if p.scenario.direction == "more" else "go up to"
    assert f"{move} {money(p, p.fallback)}" in retreat
    assert f"gives up {money(p, abs(p.opener - p.fallback))} of what I asked" in retreat
    assert p.fallback_criterion is not None
    assert f"{p.fallback_criterion.name} is {money(p, p.fallback_criterion.value)}" in retreat
    assert p.scenario.explanation in retreat
    assert last.startswith("If that is refused too")


def test_the_salary_retreat_in_full():
    p = plan_of(example_mapping("salary"))
    assert p.fallback_criterion is not None
    crit = p.fallback_criterion
    assert concession_script(p)[1] == (
        'Retreat at once, yourself, after the refusal: "I understand that is more than you can '
        f"do. I can come down to {money(p, p.fallback)}: that gives up "
        f"{money(p, p.opener - p.fallback)} of what I asked. I still need {money(p, p.fallback)}, "
        f"and {crit.name} is {money(p, crit.value)}. I can move on the base if we agree on the "
        'scope of the role."'
    )


def test_a_buyers_concession_is_a_positive_amount():
    p = plan_of(example_mapping("procurement"))
    assert p.opener < p.fallback
    assert f"gives up {money(p, p.fallback - p.opener)}" in concession_script(p)[1]


def test_the_last_offer_names_the_second_fallback():
    p = plan_of(salary_mapping())
    assert p.second_fallback is not None and p.second_criterion is not None
    last = concession_script(p)[2]
    assert f"My last offer is {money(p, p.second_fallback)}" in last
    crit = p.second_criterion
    assert f"with {crit.name} at {money(p, crit.value)}. Beyond that I would rather" in last


def test_without_a_second_fallback_the_script_says_to_walk_away():
    p = plan_of(salary_mapping(fallback=100000))  # the fallback is the minimum
    assert p.second_fallback is None
    last = concession_script(p)[2]
    assert "Then I would rather take my alternative" in last
    assert "Do not go past your minimum (100,000 EUR)" in last


def test_a_planned_delay_or_other_requester_shows_in_the_script():
    p = plan_of(salary_mapping(delay_hours=24, retreat_by="other"))
    retreat = concession_script(p)[1]
    assert retreat.startswith("Retreat (24 h after the refusal, by someone else as planned")


def test_a_fallback_without_a_criterion_asks_you_to_name_one():
    # A listed premium offer as the opener, so the technique stays the recommendation.
    p = plan_of(salary_mapping(fallback=126000, opener=160000, listed=True))
    assert p.recommendation == "door-in-the-face"
    assert p.fallback_criterion is None
    assert "(name the criterion behind this number before you ask)" in concession_script(p)[1]


def test_an_explanation_that_contradicts_the_plan_is_not_pasted():
    p = plan_of(salary_mapping(explanation="I cannot go below 115,000 EUR."))
    assert 115000 not in (p.opener, p.fallback)
    script = concession_script(p)
    assert "115,000" not in script[1] and script[1].endswith('percentile is 124,000 EUR."')
    assert script[-1].startswith("Your explanation is not in the script: it names 115,000")
    agreeing = plan_of(salary_mapping(explanation=f"{p.fallback:,.0f} is fair for the role."))
    assert f"{p.fallback:,.0f} is fair" in concession_script(agreeing)[1]
    small = plan_of(salary_mapping(explanation="I can start in 2 weeks, or 3 at most."))
    assert "start in 2 weeks" in concession_script(small)[1]  # no amount: nothing to clash


def test_a_count_of_seats_is_not_an_amount_that_clashes():
    """A buyer paying per seat commits to 200 seats: a quantity, said as it is."""
    seats = "We can commit to 200 seats."
    p = plan_of(example_mapping("procurement", explanation=seats))
    assert seats in concession_script(p)[1]
    price = plan_of(example_mapping("procurement", explanation="We pay 200 at most."))
    assert "We pay 200" not in concession_script(price)[1]


def test_amounts_read_as_words():
    from ditf.plan._script import amount_words

    assert amount_words(1, "hours") == "1 hour"
    assert amount_words(2, "hours") == "2 hours"
    assert amount_words(1, "EUR") == "1 EUR"
    assert amount_words(60, "% discount") == "60% discount"


def test_a_percentage_is_asked_for_as_a_percentage():
    p = plan_of(example_mapping("pricing") | {"unit": "% discount"})
    opening = concession_script(p)[0]
    assert opening.startswith(f'Open: "I am asking for a {p.opener:,.6g}% discount."')


def test_a_donation_script_does_not_say_i_still_need():
    p = plan_of(example_mapping("fundraising"))
    retreat = concession_script(p)[1]
    assert "I still need" not in retreat
    assert f"{money(p, p.fallback)} would still help" in retreat


def test_the_explanation_is_capitalised_and_optional():
    explained = plan_of(salary_mapping(explanation="  we can agree on the scope first."))
    assert concession_script(explained)[1].endswith(' We can agree on the scope first."')
    bare = plan_of(salary_mapping(explanation=None))
    assert concession_script(bare)[1].endswith('percentile is 124,000 EUR."')


# The report ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL_EXAMPLES)
def test_the_report_has_the_headline_keys_and_round_trips_through_json(example_plans, name):
    p = example_plans[name]
    report = plan_report(p)
    assert report.keys() >= HEADLINE
    text = json.dumps(report, allow_nan=False)
    assert json.loads(text) == report
    for finding in report["findings"]:
        assert finding.keys() >= FINDING_KEYS
        assert finding["severity"] in {"blocking", "warning"}


@pytest.mark.parametrize("name", ["salary", "absurd"])
def test_the_report_holds_the_plans_numbers(example_plans, name):
    p = example_plans[name]
    r = plan_report(p)
    assert (r["opener"], r["fallback"], r["second_fallback"]) == (
        p.opener,
        p.fallback,
        p.second_fallback,
    )
    assert (r["p_yes_sequence"], r["expected_value_sequence"]) == (
        p.sequence.p_yes,
        p.sequence.value,
    )
    assert (r["p_yes_direct"], r["expected_value_direct"]) == (p.direct.p_yes, p.direct.value)
    assert r["interval"] == {
        "level": 0.9,
        "p_yes_sequence": [p.sequence.p_lo, p.sequence.p_hi],
        "expected_value_sequence": [p.sequence.value_lo, p.sequence.value_hi],
        "p_fallback_after": [p.p_fallback_lo, p.p_fallback_hi],
    }
    assert [c["opener"] for c in r["curve"]] == [c.opener for c in p.curve]
    assert [c["expected_value"] for c in r["curve"]] == [c.estimate.value for c in p.curve]
    assert [c["defensible"] for c in r["curve"]] == [c.defensible for c in p.curve]
    assert [t["delay_hours"] for t in r["timing"]] == [t.delay_hours for t in p.timing]
    assert [f["id"] for f in r["findings"]] == [f.id for f in p.findings]
    assert r["script"] == list(concession_script(p))
    assert r["blocking"] == p.blocking
    assert r["contributions"] == p.contributions
    assert r["opener_basis"] == {"name": p.opener_basis.name, "value": p.opener_basis.value}
    assert r["domain"] == p.scenario.domain and r["unit"] == p.scenario.unit


def test_the_report_marks_missing_parts_as_null():
    r = plan_report(plan_of(salary_mapping(fallback=126000, opener=130000)))
    assert r["fallback_criterion"] is None
    r = plan_report(plan_of(salary_mapping(fallback=100000)))
    assert r["second_fallback"] is None and r["with_second_fallback"] is None
    assert r["chosen_by_you"] is True


def test_amounts_in_the_millions_read_in_full_in_the_plan_script_and_sheet():
    """A yen salary: 9,000,000 in the headline, the script and the prep sheet, never 9e+06."""
    yen = salary_mapping(
        unit="JPY", target=8_000_000, minimum=7_200_000, batna=7_000_000, explanation="",
        benchmarks=[{"name": "low", "kind": "market-low", "value": 6_500_000},
                    {"name": "median", "kind": "market-median", "value": 7_500_000},
                    {"name": "high", "kind": "market-high", "value": 9_000_000}],
        counterpart={"accepts_low": 7_000_000, "accepts_high": 8_500_000},
    )  # fmt: skip
    p = plan(plan_scenario_from_mapping(yen))
    report = plan_report(p)
    texts = [report["headline"], report["why"], *concession_script(p), prep_sheet(report)]
    assert not [t for t in texts if re.search(r"\de[+-]\d", t)]
    assert "9,000,000 JPY" in report["headline"]


def test_a_plain_recommendation_has_a_plain_script_not_the_techniques():
    """A vulnerable counterpart blocks the technique: the lines are the plain ask, not a retreat."""
    p = plan_of(salary_mapping(**{"honesty.counterpart_vulnerable": True}))
    assert p.recommendation == "plain request"
    script = concession_script(p)
    assert (
        script[0] == f'Ask plainly: "I am asking for a salary of {money(p, p.plain_ask)}. '
        'I can move on the base if we agree on the scope of the role."'
    )
    assert not any(line.startswith(("Open", "Retreat")) for line in script)
    report = plan_report(p)
    assert report["headline"] == p.why and report["plain_ask"] == p.plain_ask
    assert f"- Ask plainly for **{money(p, p.plain_ask)}**." in prep_sheet(report)


def test_the_plain_ask_is_the_target_unless_the_fallback_alone_is_worth_more():
    for name in ALL_EXAMPLES:
        p = plan_of(example_mapping(name))
        better = p.direct.value >= p.fallback_direct.value
        assert p.plain_ask == (p.scenario.target if better else p.fallback)


def test_a_delayed_retreat_by_someone_else_is_named_so_in_the_headline_and_sheet():
    p = plan_of(salary_mapping(delay_hours=48, retreat_by="other"))
    assert p.recommendation == "door-in-the-face"
    report = plan_report(p)
    assert "have someone else retreat 48 h later to" in report["headline"]
    assert "at once" not in report["headline"]
    assert "- Have someone else retreat 48 h later to **" in prep_sheet(report)


def test_a_buyer_is_told_the_most_they_will_pay_not_a_minimum():
    buyer = plan_of(example_mapping("procurement", **{"honesty.counterpart_vulnerable": True}))
    seller = plan_of(salary_mapping(**{"honesty.counterpart_vulnerable": True}))
    assert buyer.scenario.direction == "less" and seller.scenario.direction == "more"
    most = f"Do not go past the most you will pay ({money(buyer, buyer.scenario.minimum)})."
    assert concession_script(buyer)[-1].endswith(most)
    assert concession_script(seller)[-1].endswith(
        f"Do not go past your minimum ({money(seller, seller.scenario.minimum)})."
    )


def test_a_plain_ask_never_goes_past_your_minimum():
    """Your own fallback below your minimum: the plain ask is the target, not that fallback."""
    p = plan_of(
        salary_mapping(
            batna=90000,
            fallback=95000,
            **{"counterpart.accepts_low": 80000, "counterpart.accepts_high": 100000},
        )
    )
    assert p.recommendation == "plain request" and p.fallback == 95000
    assert p.fallback_direct.value > p.direct.value  # alone, the fallback would be worth more
    assert p.plain_ask == p.scenario.target
    assert concession_script(p)[0].startswith('Ask plainly: "I am asking for a salary of 110,000')


def test_a_count_in_the_plans_own_unit_is_an_amount_that_can_clash():
    hours = plan_of(example_mapping("volunteering", explanation="The stall needs 6 hours."))
    assert 6 not in (hours.opener, hours.fallback, hours.scenario.target)
    assert "The stall needs 6 hours" not in concession_script(hours)[1]
