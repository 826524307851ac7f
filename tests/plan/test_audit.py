"""The audit: one check per rule in the data, each firing on the plan built to break it."""

from __future__ import annotations

import dataclasses

import pytest
from plan_factories import example_mapping, salary_mapping

from ditf._errors import DitfError, PlanRejected
from ditf.data import load_audit_rules
from ditf.plan import CHECKS, Finding, Plan, audit, plan, plan_scenario_from_mapping, require_clean

RULES = {rule.id: rule for rule in load_audit_rules()}
BLOCKING = {rule_id for rule_id, rule in RULES.items() if rule.severity == "blocking"}


def plan_of(data, prior_retreats: int = 0) -> Plan:
    return plan(plan_scenario_from_mapping(data), prior_retreats=prior_retreats)


def ids(p: Plan) -> list[str]:
    return [f.id for f in p.findings]


@pytest.fixture(scope="module")
def clean_plan() -> Plan:
    return plan_of(salary_mapping())


#: rule id -> (the scenario that breaks it, earlier retreats, every rule that plan breaks)
BROKEN = {
    "theatrical-opener": (salary_mapping(**{"honesty.honour_opener": False}), 0, set()),
    "absurd-opener": (salary_mapping(opener=400000), 0, {"opener-beyond-benchmarks"}),
    # 40 hours against a 30-hour precedent: beyond the benchmarks, yet the model still predicts a
    # lift (the credibility penalty is smaller than reciprocity and contrast), so not absurd.
    "opener-beyond-benchmarks": (example_mapping("volunteering", opener=40), 0, set()),
    "fallback-below-minimum": (salary_mapping(fallback=99000), 0, set()),
    "fallback-below-batna": (salary_mapping(fallback=97000), 0, {"fallback-below-minimum"}),
    "delayed-retreat": (salary_mapping(delay_hours=24), 0, set()),
    "different-requester": (salary_mapping(retreat_by="other"), 0, set()),
    "repeated-use": (salary_mapping(), 2, set()),
    # A fallback above every benchmark needs an opener beyond them too. 5% beyond the market
    # high, its anchor still pulls more than the credibility penalty takes: not absurd.
    "no-objective-criterion": (
        salary_mapping(fallback=126000, opener=130000),
        0,
        {"opener-beyond-benchmarks"},
    ),
    "unexplained-concession": (salary_mapping(explanation=None), 0, set()),
    "vulnerable-counterpart": (
        salary_mapping(**{"honesty.counterpart_vulnerable": True}),
        0,
        set(),
    ),
    "power-asymmetry": (salary_mapping(**{"honesty.power_asymmetry": True}), 0, set()),
}


def test_every_rule_in_the_data_has_a_check_and_vice_versa():
    assert list(CHECKS) == list(RULES)
    assert len(RULES) == 12
    assert set(BROKEN) == set(RULES)


@pytest.mark.parametrize("rule_id", list(RULES))
def test_each_rule_fires_on_a_plan_built_to_break_it(rule_id):
    data, retreats, also = BROKEN[rule_id]
    p = plan_of(data, retreats)
    assert set(ids(p)) == {rule_id} | also
    finding = next(f for f in p.findings if f.id == rule_id)
    rule = RULES[rule_id]
    assert (finding.severity, finding.title, finding.rationale, finding.source) == (
        rule.severity,
        rule.title,
        rule.rationale,
        rule.source,
    )
    assert finding.message == CHECKS[rule_id](p)
    assert finding.message.endswith(".")
    assert p.blocking == bool(BLOCKING & set(ids(p)))


@pytest.mark.parametrize("rule_id", list(RULES))
def test_each_rule_is_silent_on_a_clean_plan(clean_plan, rule_id):
    assert CHECKS[rule_id](clean_plan) is None
    assert clean_plan.findings == ()
    assert not clean_plan.blocking


def test_messages_give_the_numbers_behind_the_finding():
    delayed = plan_of(salary_mapping(delay_hours=24)).findings[0].message
    assert "24 h after the refusal" in delayed and "at once" in delayed
    repeated = plan_of(salary_mapping(), prior_retreats=3).findings[0].message
    assert "3 earlier retreat(s)" in repeated
    below = plan_of(salary_mapping(fallback=99000)).findings[0].message
    assert below == "The fallback (99,000 EUR) is worse than your minimum (100,000 EUR)."
    batna = next(
        f
        for f in plan_of(salary_mapping(fallback=97000)).findings
        if f.id == "fallback-below-batna"
    )
    assert batna.message == "The fallback (97,000 EUR) is worse than your BATNA (98,000 EUR)."
    absurd = plan_of(salary_mapping(opener=400000)).findings[0]
    assert absurd.id == "absurd-opener"
    assert "400,000 EUR" in absurd.message and "survey 90th percentile (124,000 EUR)" in (
        absurd.message
    )


def test_a_delay_is_flagged_with_the_models_cost_of_waiting():
    p = plan_of(salary_mapping(delay_hours=24, opener=118000, fallback=104000))
    message = p.findings[0].message
    assert (
        f"{p.sequence.p_yes:.0%} then against {p.timing[0].estimate.p_yes:.0%} at once" in message
    )
    assert p.sequence.p_yes < p.timing[0].estimate.p_yes


def test_the_audit_examples_are_flagged():
    theatrical = plan_of(example_mapping("theatrical"))
    assert {"theatrical-opener", "vulnerable-counterpart"} <= set(ids(theatrical))
    absurd = plan_of(example_mapping("absurd"))
    assert {"absurd-opener", "opener-beyond-benchmarks", "delayed-retreat"} <= set(ids(absurd))
    assert theatrical.blocking and absurd.blocking


@pytest.mark.parametrize(
    ("name", "blocking"),
    [
        ("theatrical", ["theatrical-opener", "vulnerable-counterpart"]),
        ("absurd", ["absurd-opener"]),
    ],
)
def test_strict_mode_rejects_the_audit_examples_naming_the_blocking_rules(name, blocking):
    p = plan_of(example_mapping(name))
    with pytest.raises(PlanRejected, match="Strict mode refused the plan") as caught:
        require_clean(p)
    assert isinstance(caught.value, DitfError)
    message = str(caught.value)
    for rule_id in blocking:
        assert f"{rule_id}: " in message
    for f in p.findings:
        if f.severity != "blocking":
            assert f.id not in message


def test_require_clean_passes_plans_without_blocking_findings(clean_plan):
    assert require_clean(clean_plan) is clean_plan
    warned = plan_of(salary_mapping(delay_hours=24, retreat_by="other"))
    assert warned.findings and not warned.blocking
    assert require_clean(warned) is warned


def test_findings_are_sorted_blocking_first_then_in_the_rules_order():
    data = salary_mapping(
        opener=400000,
        delay_hours=24,
        explanation=None,
        **{
            "honesty.honour_opener": False,
            "honesty.power_asymmetry": True,
            "honesty.counterpart_vulnerable": True,
        },
    )
    p = plan_of(data, prior_retreats=1)
    severities = [f.severity for f in p.findings]
    assert severities == sorted(severities, key=lambda s: s != "blocking")
    assert severities[0] == "blocking" and severities[-1] == "warning"
    order = list(RULES)
    for severity in ("blocking", "warning"):
        found = [f.id for f in p.findings if f.severity == severity]
        assert found == sorted(found, key=order.index)
    assert set(ids(p)) == {
        "theatrical-opener",
        "absurd-opener",
        "opener-beyond-benchmarks",
        "delayed-retreat",
        "repeated-use",
        "unexplained-concession",
        "vulnerable-counterpart",
        "power-asymmetry",
    }


def test_audit_recomputes_the_findings_of_a_plan():
    p = plan_of(example_mapping("absurd"))
    assert audit(p) == p.findings
    assert all(isinstance(f, Finding) for f in p.findings)
    honest = dataclasses.replace(
        p.scenario, retreat_by_same_person=True, delay_hours=0.0, explanation="Scope first."
    )
    assert ids(plan(honest)) == ["absurd-opener", "opener-beyond-benchmarks"]


def test_an_opener_just_beyond_the_benchmarks_is_not_absurd():
    p = plan_of(salary_mapping(opener=125000, fallback=104000))
    lift = p.contributions["reciprocity"] + p.contributions["contrast"]
    assert -p.contributions["credibility"] < lift / 10  # the backfire is negligible here
    assert "absurd-opener" not in ids(p)


def test_an_absurd_opener_names_an_anchor_past_its_reversal_as_a_penalty():
    p = plan_of(example_mapping("absurd"))
    anchor = p.contributions["anchoring"]
    assert anchor < 0
    message = CHECKS["absurd-opener"](p)
    assert message is not None
    assert f"and the anchor, pushed past its reversal ({100 * -anchor:.1f} points)" in message
    assert "what reciprocity and contrast add" in message


@pytest.mark.parametrize(("credibility", "flagged"), [(-1e-12, False), (-0.0009, False),
                                                      (-0.0011, True)])  # fmt: skip
def test_an_opener_is_absurd_only_when_the_penalty_wins_by_more_than_the_margin(
    credibility, flagged
):
    beyond = plan_of(salary_mapping(opener=400000))
    p = dataclasses.replace(beyond, contributions={"credibility": credibility})
    assert (CHECKS["absurd-opener"](p) is not None) is flagged


def test_a_buyers_fallback_past_their_limit_names_the_most_they_will_pay():
    p = plan_of(example_mapping("procurement", fallback=46, opener=30))
    [message] = [f.message for f in p.findings if f.id == "fallback-below-minimum"]
    assert (
        message == "The fallback (46 EUR per seat) is worse than the most you will pay "
        "(44 EUR per seat)."
    )
