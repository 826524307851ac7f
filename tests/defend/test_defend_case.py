"""Reading a defend case: fields, the cost mapping, P(yes) alone, and every rejection."""

from __future__ import annotations

import datetime as dt

import pytest
from defend_factories import hours_mapping, retreat, vendor_mapping

from ditf import InvalidParameterError
from ditf.defend import AskedRequest, DefendCase, Episode, defend_case_from_mapping
from ditf.plan import Benchmark, CounterpartEstimate

# fields, cost mapping -----------------------------------------------------------------------


def test_vendor_case_reads_every_field():
    case = defend_case_from_mapping(vendor_mapping(interests="Budget.", counterpart="acme"))
    assert case.domain == "procurement" and case.direction == "less" and case.unit == "EUR"
    assert [r.amount for r in case.requests] == [14000.0, 11500.0]
    assert case.current.explained is True and case.requests[0].explained is False
    assert case.counterpart == "acme" and case.interests == "Budget."
    # You pay: the reference is the market low, and a request costs what it adds to it.
    assert case.reference == 9000.0
    assert case.cost(11500) == 2500.0
    assert case.better(11000, 11500) and not case.better(12000, 11500)
    assert case.worst_benchmark.name == "quotes, highest"
    assert case.plausible_max == 5500.0


def test_direction_defaults_to_less_and_more_flips_the_ordering():
    assert defend_case_from_mapping(vendor_mapping(direction=None)).direction == "less"
    seller = defend_case_from_mapping(
        vendor_mapping(
            direction="more", minimum=11000, batna=10000,
            requests=retreat(8000, 10500),
        )
    )  # fmt: skip
    # You receive: the reference is the market high and a lower amount costs you more.
    assert seller.reference == 14500.0
    assert seller.cost(8000) == 6500.0 > seller.cost(10500) == 4000.0
    assert seller.worst_benchmark.name == "quotes, lowest"
    assert seller.better(11000, 10500)


def test_count_like_reference_is_zero_and_explicit_reference_wins():
    case = defend_case_from_mapping(hours_mapping(retreat(16, 3)))
    assert case.reference == 0.0 and case.cost(3) == 3.0
    explicit = defend_case_from_mapping(vendor_mapping(reference=10000))
    assert explicit.cost(11500) == 1500.0


def test_plausible_max_is_none_when_the_worst_benchmark_costs_nothing():
    case = defend_case_from_mapping(
        vendor_mapping(
            benchmarks=[{"name": "list price", "kind": "market-low", "value": 9000}],
            alone_answer="no",
        )
    )
    assert case.plausible_max is None


# P(yes) alone -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "expected"), [("yes", 2 / 3), ("no", 1 / 3), (0.42, 0.42), (0, 1e-4), (1, 1 - 1e-4)]
)
def test_alone_answer_sets_the_baseline(answer, expected):
    case = defend_case_from_mapping(vendor_mapping(alone_answer=answer))
    assert case.baseline == pytest.approx(expected)
    assert "your answer" in case.baseline_source


def test_baseline_from_benchmarks_reads_them_as_a_central_90_percent_range():
    case = defend_case_from_mapping(vendor_mapping())
    market = CounterpartEstimate(accepts_low=9000, accepts_high=14500)
    assert case.baseline == pytest.approx(market.p_accepts(11500, "more"))
    assert "benchmarks" in case.baseline_source
    # At the favourable end most deals are worse for you: a likely yes; at the far end, not.
    low = defend_case_from_mapping(vendor_mapping(requests=retreat(14000, 9000.01)))
    high = defend_case_from_mapping(vendor_mapping(requests=retreat(16000, 14500)))
    assert low.baseline == pytest.approx(0.95, abs=1e-5)
    assert high.baseline == pytest.approx(0.05, abs=1e-9)


def test_baseline_for_a_seller_rises_with_the_amount():
    def seller(amount):
        return defend_case_from_mapping(
            vendor_mapping(
                direction="more", minimum=9000, batna=8000, requests=retreat(5000, amount)
            )
        )

    assert seller(9500).baseline < seller(12000).baseline < seller(14000).baseline


# times and episodes -------------------------------------------------------------------------


def test_at_date_times_become_minutes_since_the_first_request():
    t0 = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)
    requests = [
        {"amount": 14000, "requester": "Dana", "at": t0},
        {"amount": 12500, "requester": "Dana", "at": (t0 + dt.timedelta(minutes=90)).isoformat()},
        {"amount": 11500, "requester": "Dana", "at": t0 + dt.timedelta(days=1)},
    ]
    case = defend_case_from_mapping(vendor_mapping(requests=requests))
    assert [r.at_minutes for r in case.requests] == [0.0, 90.0, 1440.0]
    dates = [{"amount": 14000, "requester": "D", "at": dt.date(2026, 3, 2)},
             {"amount": 11500, "requester": "D", "at": dt.date(2026, 3, 4)}]  # fmt: skip
    assert defend_case_from_mapping(vendor_mapping(requests=dates)).current.at_minutes == 2880


def test_first_request_time_defaults_to_zero():
    requests = [{"amount": 14000, "requester": "D"},
                {"amount": 11500, "requester": "D", "at_minutes": 4}]  # fmt: skip
    case = defend_case_from_mapping(vendor_mapping(requests=requests))
    assert case.requests[0].at_minutes == 0.0
    single = defend_case_from_mapping(vendor_mapping(requests=[{"amount": 11500,
                                                                "requester": "D"}]))  # fmt: skip
    assert len(single.requests) == 1


def test_episodes_as_lists_or_tables():
    episodes = [
        retreat(14000, 11000),
        {"label": "2025", "requests": retreat(13800, 11200)},
    ]
    case = defend_case_from_mapping(vendor_mapping(episodes=episodes))
    assert len(case.episodes) == 2
    assert case.episodes[1].label == "2025"
    assert case.episodes[0].requests[1].amount == 11000.0


def test_episode_from_ask_reads_a_journal_record():
    e = Episode.from_ask(opener=125000, fallback=108000, delay_hours=0.5, requester="acme")
    assert [r.amount for r in e.requests] == [125000.0, 108000.0]
    assert e.requests[1].at_minutes == 30.0
    assert all(r.explanation is None and r.explained is None for r in e.requests)
    direct = Episode.from_ask(opener=None, fallback=108000, label="direct")
    assert len(direct.requests) == 1 and direct.label == "direct"


def test_python_api_accepts_dataclasses_directly():
    case = DefendCase(
        domain="fundraising",
        minimum=30,
        batna=0,
        benchmarks=(
            Benchmark(name="typical", kind="norm", value=25),
            Benchmark(name="major", kind="norm", value=250),
        ),
        requests=[AskedRequest(amount=20, requester="canvasser")],
        episodes=[],
    )
    assert isinstance(case.requests, tuple) and case.episodes == ()


# rejections ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "match"),
    [
        ({"colour": "red"}, "Unknown field(s) colour"),
        ({"requests": None}, "missing requests"),
        ({"domain": "poker"}, "Unknown domain 'poker'"),
        ({"direction": "up"}, "'direction' parameter of DefendCase"),
        ({"minimum": -5}, "minimum must be a finite amount >= 0"),
        ({"minimum": "lots"}, "minimum must be a number"),
        ({"batna": 11000}, "minimum (12000) is worse for you than batna (11000)"),
        ({"benchmarks": []}, "at least one [[benchmarks]]"),
        ({"benchmarks": "high"}, "benchmarks must be a list of tables"),
        ({"benchmarks": [{"name": "x", "kind": "norm"}]}, "missing: value"),
        ({"benchmarks": [{"name": "x", "kind": "norm", "value": 1, "year": 2}]}, "unknown: year"),
        (
            {
                "benchmarks": [
                    {"name": "lo", "kind": "market-low", "value": 15000},
                    {"name": "hi", "kind": "market-high", "value": 9000},
                ]
            },
            "benchmarks are out of order",
        ),
        ({"requests": []}, "[[requests]] needs at least one request"),
        ({"requests": ["14000"]}, "must be a table with amount"),
        ({"requests": [{"amount": 1}]}, "[[requests]] entry 1: missing requester"),
        ({"requests": [{"amount": 9500, "requester": "D", "size": 2}]}, "unknown field(s) size"),
        ({"requests": retreat(14000, -3)}, "[[requests]] entry 2: amount must be a finite"),
        ({"requests": retreat(14000, 11500, minutes=-1)}, "at_minutes must be between 0"),
        ({"requests": retreat(14000, 11500, minutes=True)}, "at_minutes must be a number"),
        ({"requests": [{"amount": 1, "requester": "  "}]}, "requester must say who asked"),
        ({"requests": [{"amount": 10000, "requester": "D", "explanation": 3}]}, "explanation"),
        (
            {
                "requests": [
                    {"amount": 14000, "requester": "D", "at_minutes": 5},
                    {"amount": 11500, "requester": "D", "at_minutes": 2},
                ]
            },
            "must be listed in the order they were made",
        ),
        (
            {
                "requests": [
                    {"amount": 14000, "requester": "D", "at_minutes": 0},
                    {"amount": 11500, "requester": "D"},
                ]
            },
            "[[requests]] entry 2 has no at_minutes",
        ),
        (
            {
                "requests": [
                    {"amount": 14000, "requester": "D", "at_minutes": 0},
                    {"amount": 11500, "requester": "D", "at": "2026-01-01T10:00"},
                ]
            },
            "either as at_minutes or as at",
        ),
        (
            {
                "requests": [
                    {"amount": 14000, "requester": "D"},
                    {"amount": 11500, "requester": "D", "at": "2026-01-01T10:00"},
                ]
            },
            "[[requests]] entry 1 has no at",
        ),
        (
            {"requests": [{"amount": 14000, "requester": "D", "at": "yesterday"}]},
            "at must be a date-time",
        ),
        (
            {
                "requests": [
                    {"amount": 14000, "requester": "D", "at": "2026-01-02T10:00"},
                    {"amount": 11500, "requester": "D", "at": "2026-01-01T10:00"},
                ]
            },
            "must be listed in the order they were made",
        ),
        (
            {
                "requests": [
                    {"amount": 14000, "requester": "D", "at": "2026-01-02T10:00"},
                    {"amount": 11500, "requester": "D", "at": "2026-01-02T11:00+01:00"},
                ]
            },
            "mix of date-times",
        ),
        ({"requests": retreat(14000, 8000)}, "entry 2: amount 8000 is at or below the reference"),
        ({"alone_answer": "maybe"}, "alone_answer must be 'yes', 'no'"),
        ({"alone_answer": [1]}, "alone_answer must be 'yes', 'no'"),
        ({"alone_answer": 1.5}, "'alone_answer' parameter of DefendCase"),
        ({"title": 3}, "title must be text"),
        ({"episodes": {"a": 1}}, "episodes must be a list"),
        ({"episodes": [{"requests": retreat(1, 2), "when": 1}]}, "episode 1 must be a table"),
        ({"episodes": [{"requests": retreat(14000, 11000), "label": 5}]}, "label must be text"),
        ({"episodes": [retreat(14000, 5000)]}, "episode 1 entry 2: amount 5000 is at or below"),
        ({"episodes": [[]]}, "episode 1 needs at least one request"),
    ],
)
def test_inconsistent_cases_are_rejected_naming_the_field(changes, match):
    with pytest.raises(InvalidParameterError, match=_literal(match)):
        defend_case_from_mapping(vendor_mapping(**changes))


def _literal(text: str) -> str:
    import re

    return re.escape(text)


def test_minimum_against_batna_is_not_checked_for_count_like_asks():
    # Giving 4 hours is "worse" than the BATNA of giving none, yet a perfectly sensible limit.
    case = defend_case_from_mapping(hours_mapping(retreat(16, 3), minimum=4, batna=0))
    assert case.minimum == 4.0


@pytest.mark.parametrize(
    ("mapping", "match"),
    [
        (hours_mapping(retreat(16, 3), direction="more"), "needs an explicit 'reference'"),
        (
            vendor_mapping(benchmarks=[{"name": "median", "kind": "market-median",
                                        "value": 11000}], alone_answer="no"),
            "needs a 'market-low' benchmark or an explicit 'reference'",
        ),
        (
            vendor_mapping(benchmarks=[{"name": "low", "kind": "market-low", "value": 9000}]),
            "alone_answer is missing and the benchmarks hold a single value",
        ),
        ("not a table", "must hold a table/object"),
    ],
)  # fmt: skip
def test_more_rejections(mapping, match):
    with pytest.raises(InvalidParameterError, match=_literal(match)):
        defend_case_from_mapping(mapping)


def test_constructors_reject_wrong_types():
    good = {"domain": "fundraising", "minimum": 30, "batna": 0, "alone_answer": "no",
            "benchmarks": (Benchmark(name="typical", kind="norm", value=25),)}  # fmt: skip
    with pytest.raises(InvalidParameterError, match="needs at least one request"):
        DefendCase(**good, requests=())
    with pytest.raises(InvalidParameterError, match="episodes must be a list"):
        DefendCase(**good, requests=(AskedRequest(amount=1, requester="a"),), episodes=(1,))
    with pytest.raises(InvalidParameterError, match="at least one"):
        DefendCase(
            **{**good, "benchmarks": ("x",)}, requests=(AskedRequest(amount=1, requester="a"),)
        )
    with pytest.raises(InvalidParameterError, match="'requester' parameter of AskedRequest"):
        AskedRequest(amount=1, requester=3)
    with pytest.raises(InvalidParameterError, match="'label' parameter of Episode"):
        Episode(requests=(AskedRequest(amount=1, requester="a"),), label=2)
    with pytest.raises(InvalidParameterError, match="Unknown domain"):
        DefendCase(**{**good, "domain": 3}, requests=(AskedRequest(amount=1, requester="a"),))
