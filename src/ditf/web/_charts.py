"""Chart specifications for the pages: plain JSON that ``static/ditf.js`` draws as inline SVG.

Three kinds: ``bars`` (signed values, e.g. mechanism contributions), ``intervals`` (a point
with an interval per category, optionally a second marker such as an observed rate) and
``lines`` (series over a numeric axis, with an optional band, and optional vertical
``markers``). Probabilities stay in [0, 1]; the script shows them as percentages. A ``lines``
chart with ``"y_kind": "value"`` plots amounts instead (signed, labelled ``y_label``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from ditf._text import format_amount
from ditf.web._schemas.evidence import ReplicationPublic
from ditf.web._schemas.predict import PredictionPublic
from ditf.web._schemas.simulate import SimulationPublic, SweepPublic
from ditf.web._schemas.study import AnalysisPublic, PowerPublic

Chart = dict[str, Any]


def label(name: str) -> str:
    """A code name as words: ``door_in_the_face`` -> ``door in the face``."""
    return name.replace("_", " ")


def mechanisms_chart(
    contributions: Mapping[str, float],
    title: str = "What each mechanism adds (probability points)",
) -> Chart:
    """Probability points per mechanism, as signed bars."""
    items = [{"label": label(k), "value": v} for k, v in contributions.items()]
    return {"type": "bars", "title": title, "items": items}


def contributions_chart(prediction: PredictionPublic) -> Chart:
    """Probability points each mechanism adds to P(yes) after the sequence."""
    return mechanisms_chart(prediction.contributions)


def plan_charts(
    report: Mapping[str, Any], free: Mapping[str, Any] | None = None
) -> tuple[Chart, Chart]:
    """P(agreement) and the expected value against the opener, with their interval bands.

    The defensible limit (the boldest benchmark) and the chosen opener are marked; a flat
    line shows the target asked directly. When you chose the opener, ``free`` is the plan of
    the same scenario without it: its curve (a fixed opener alone is one point) is drawn, with
    your opener and the planner's marked.
    """
    source = report if free is None else free
    curve = source["curve"]
    unit = report["unit"]
    openers = [c["opener"] for c in curve]
    low, high = min(openers), max(openers)
    markers = [{"x": report["defensible_limit"], "label": "defensible limit"}]
    if report["chosen_by_you"]:
        markers.append({"x": report["opener"], "label": "your opener"})
        if free is not None and free["opener"] != report["opener"]:
            markers.append({"x": free["opener"], "label": "planner's opener"})
    else:
        markers.append({"x": report["opener"], "label": "chosen opener"})
    level = f"{100 * report['interval']['level']:.0f}%"
    common = {
        "type": "lines",
        "x_label": f"opener ({unit})",
        "log_x": low > 0 and high / low >= 100,
        "markers": markers,
    }
    odds = common | {
        "title": f"P(agreement) against the opener (fallback {format_amount(source['fallback'])} "
        f"{unit}), with {level} intervals",
        "series": [
            {
                "name": "opener, then fallback",
                "points": [[c["opener"], c["p_yes"], c["p_lo"], c["p_hi"]] for c in curve],
            },
            {
                "name": "target asked directly",
                "points": [[low, report["p_yes_direct"]], [high, report["p_yes_direct"]]],
            },
        ],
    }
    band = [
        [c["opener"], c["expected_value"], c["expected_value_lo"], c["expected_value_hi"]]
        for c in curve
    ]
    direct = report["expected_value_direct"]
    value = common | {
        "title": f"Expected value beyond your BATNA against the opener, with {level} intervals",
        "y_kind": "value",
        "y_label": unit,
        "series": [
            {"name": "opener, then fallback", "points": band},
            {"name": "target asked directly", "points": [[low, direct], [high, direct]]},
        ],
    }
    return odds, value


def simulation_chart(result: SimulationPublic) -> Chart:
    """P(yes) to the target by condition (one episode), or over episodes (several)."""
    targets = [r for r in result.rows if r.is_target]
    if result.episodes == 1:
        return {
            "type": "intervals",
            "title": "P(yes) to the target, with 95% intervals",
            "series": ["simulated"],
            "items": [
                {"label": label(r.condition), "points": [[r.p_yes, r.p_yes_lo, r.p_yes_hi]]}
                for r in targets
            ],
        }
    by_condition: dict[str, list[list[float]]] = defaultdict(list)
    for r in targets:
        by_condition[r.condition].append([r.episode, r.p_yes, r.p_yes_lo, r.p_yes_hi])
    return {
        "type": "lines",
        "title": "P(yes) to the target as the same people meet the sequence again",
        "x_label": "episode",
        "log_x": False,
        "series": [{"name": label(c), "points": pts} for c, pts in by_condition.items()],
    }


def sweep_chart(result: SweepPublic) -> Chart:
    """P(yes) against the first swept parameter; one line per condition and other values."""
    first = result.axes[0]
    others = [a.name for a in result.axes[1:]]
    series: dict[str, list[list[float]]] = defaultdict(list)
    for row in result.rows:
        extra = ", ".join(f"{n} = {row.values[n]:g}" for n in others)
        name = label(row.condition) + (f" ({extra})" if extra else "")
        series[name].append([row.values[first.name], row.p_yes, row.p_yes_lo, row.p_yes_hi])
    low, high = min(first.values), max(first.values)
    return {
        "type": "lines",
        "title": f"P(yes) to the target against {label(first.name)}",
        "x_label": label(first.name),
        "log_x": low > 0 and high / low >= 100,
        "series": [{"name": n, "points": pts} for n, pts in series.items()],
    }


def power_chart(result: PowerPublic, target: float | None = None) -> Chart:
    """Power against people per arm: every contrast, and all of them together.

    A horizontal line marks the power aimed at (``target``, else the customary 80%); the
    sample size found for it, if one was asked, is on the curve and marked.
    """
    series: dict[str, list[list[float]]] = defaultdict(list)
    points = list(result.points)
    if result.sample_size is not None and all(
        p.n_per_arm != result.sample_size.n_per_arm for p in points
    ):
        points.append(result.sample_size)
    for point in sorted(points, key=lambda p: p.n_per_arm):
        series["all contrasts (Holm)"].append([point.n_per_arm, point.power_all])
        for c in point.contrasts:
            series[f"{label(c.treatment)} > {label(c.control)}"].append([point.n_per_arm, c.power])
    aim = 0.8 if target is None else target
    markers = []
    if result.sample_size is not None:
        size = result.sample_size.n_per_arm
        markers.append({"x": size, "label": f"{aim:.0%} power at {size:,} per arm"})
    return {
        "type": "lines",
        "title": "Simulated power against people per arm",
        "x_label": "people per arm",
        "log_x": False,
        "series": [{"name": n, "points": pts} for n, pts in series.items()],
        "guides": [{"y": aim, "label": f"{aim:.0%} power"}],
        "markers": markers,
    }


def rates_chart(report: AnalysisPublic) -> Chart:
    """Compliance per arm with Wilson intervals."""
    level = f"{100 * report.level:.0f}%"
    return {
        "type": "intervals",
        "title": f"Compliance by arm, with {level} Wilson intervals",
        "series": ["observed"],
        "items": [{"label": a.name, "points": [[a.rate, a.lo, a.hi]]} for a in report.arms],
    }


def replication_chart(rep: ReplicationPublic) -> Chart:
    """Observed compliance next to the model's: fitted rate and where a rerun would fall."""
    level = f"{100 * rep.level:.0f}%"
    return {
        "type": "intervals",
        "title": f"Observed vs fitted, with the {level} range of same-size reruns",
        "series": ["fitted (rerun range)", "observed"],
        "items": [
            {
                "label": c.condition,
                "points": [
                    [c.predicted_pct / 100, c.lo / 100, c.hi / 100],
                    [c.observed_pct / 100],
                ],
            }
            for c in rep.conditions
        ],
    }
