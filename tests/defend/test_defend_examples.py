"""Every file in examples/defend/ is classified as intended and keeps your minimum."""

from __future__ import annotations

from pathlib import Path

import pytest

from ditf.data import read_mapping
from ditf.defend import defence_report, defend, defend_case_from_mapping

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "defend"
#: file -> (pattern, below your minimum, opener beyond the benchmarks)
EXPECTED = {
    "honest_retreat.toml": ("door-in-the-face", False, False),
    "theatrical_opener.toml": ("door-in-the-face", True, True),
    "foot_in_the_door.toml": ("foot-in-the-door", True, True),
    "repeated_retreat.toml": ("repeated-retreat", True, True),
    "freelance_discount.json": ("door-in-the-face", True, True),
}


def test_every_example_is_listed():
    assert sorted(p.name for p in EXAMPLES.iterdir()) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example_is_classified_and_keeps_the_minimum(name):
    case = defend_case_from_mapping(read_mapping(EXAMPLES / name))
    d = defend(case)
    pattern, below, beyond = EXPECTED[name]
    assert d.pattern == pattern and d.confidence == d.recognition.confidence
    assert d.below_minimum is below
    assert d.recognition.evidence.peak_beyond is beyond
    a = d.advice
    assert a.may_accept is not below
    if below:
        assert a.verdict == "decline" and a.lines[0].startswith("Decline")
    if a.counter is not None:
        assert case.better(a.counter, case.minimum)
    report = defence_report(d)
    assert report["pattern"] == pattern and report["below_minimum"] is below


def test_honest_retreat_is_a_genuine_concession_within_the_limit():
    d = defend(defend_case_from_mapping(read_mapping(EXAMPLES / "honest_retreat.toml")))
    parts = {c.name: c.score for c in d.recognition.components}
    assert parts["no_explanation"] == 0.0 and parts["opener_beyond_benchmarks"] == 0.0
    assert d.advice.verdict == "negotiate" and d.advice.beats_batna is True


def test_theatrical_opener_backfires_in_the_model():
    d = defend(defend_case_from_mapping(read_mapping(EXAMPLES / "theatrical_opener.toml")))
    # The opener lies far beyond every settlement: the model's credibility penalty dominates.
    assert d.pressure.contributions["credibility"] < -0.1
    assert d.pressure.p_alone == pytest.approx(1 / 3)  # a stated "no", rule of succession


def test_repeated_retreat_counts_the_inline_episodes():
    d = defend(defend_case_from_mapping(read_mapping(EXAMPLES / "repeated_retreat.toml")))
    assert d.recognition.prior_retreats == 2
    assert d.pressure.prior_retreats == 2
