"""Charts for the command line (PNG, SVG or PDF via matplotlib, imported only when drawing)."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from scipy import stats

from ditf._errors import InvalidParameterError
from ditf._text import format_amount
from ditf.model import Replication
from ditf.negotiate import Negotiation, TournamentResult
from ditf.plan import Plan
from ditf.simulate import SimulationResult, SweepResult
from ditf.study import ComplianceReport, MetaResult, PowerCurve, TrimFill

__all__ = [
    "plot_forest",
    "plot_funnel",
    "plot_negotiation",
    "plot_plan_curve",
    "plot_power_curve",
    "plot_rates",
    "plot_replication",
    "plot_simulation",
    "plot_sweep",
    "plot_tournament",
    "save",
]


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def save(fig: Any, path: str | Path) -> None:
    """Write ``fig`` to ``path`` (format from the suffix) and close it.

    Raises
    ------
    InvalidParameterError
        If the format is unknown or the file cannot be written.
    """
    plt = _pyplot()
    suffix = Path(path).suffix.lower()
    if suffix not in (".png", ".svg", ".pdf"):
        plt.close(fig)
        raise InvalidParameterError(
            f"Cannot write the plot to {str(path)!r}: name a .png, .svg or .pdf file."
        )
    try:
        fig.savefig(path)
    except (OSError, ValueError) as exc:
        raise InvalidParameterError(f"Cannot write the plot to {str(path)!r}: {exc}.") from exc
    finally:
        plt.close(fig)


@contextmanager
def _figure(path: str | Path, *grid: int, **options: Any) -> Iterator[Any]:
    """The axes of a new figure (``subplots(*grid, **options)``), saved to ``path`` after.

    The figure is laid out and saved when the block ends, and closed unsaved if it fails.
    """
    plt = _pyplot()
    fig, axes = plt.subplots(*grid, **options)
    try:
        yield axes
    except BaseException:
        plt.close(fig)
        raise
    fig.tight_layout()
    save(fig, path)


def plot_simulation(result: SimulationResult, path: Path) -> None:
    """P(yes) to the target per condition with 95% intervals; per episode when there are many."""
    targets = [r for r in result.rows if r.is_target]
    episodes = max(r.episode for r in targets)
    with _figure(path, figsize=(7, 4)) as ax:
        if episodes == 1:
            names = [r.condition.replace("_", " ") for r in targets]
            ax.bar(names, [100 * r.p_yes for r in targets], color="#9ecae1")
            lo, hi = [100 * r.p_yes_lo for r in targets], [100 * r.p_yes_hi for r in targets]
            ax.vlines(names, lo, hi, color="#3182bd", linewidth=3, label="95% interval")
            ax.tick_params(axis="x", labelrotation=15)
        else:
            by_condition = defaultdict(list)
            for r in targets:
                by_condition[r.condition].append(r)
            for name, rows in by_condition.items():
                ax.plot([r.episode for r in rows], [100 * r.p_yes for r in rows], marker="o",
                        label=name.replace("_", " "))  # fmt: skip
            ax.set_xlabel("episode (the same people meet the same requester again)")
        ax.set_ylabel("% saying yes to the target")
        ax.set_title(f"Simulated population, {result.n_people:,} people per condition", fontsize=9)
        ax.legend(fontsize=8)


def plot_sweep(result: SweepResult, path: Path) -> None:
    """P(yes) to the target and the expected value against the first swept parameter."""
    first = result.axes[0]
    others = [a.name for a in result.axes[1:]]
    lines: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in result.rows:
        extra = ", ".join(f"{n}={row[n]:g}" for n in others)
        lines[row["condition"].replace("_", " ") + (f" ({extra})" if extra else "")].append(row)
    with _figure(path, 2, 1, figsize=(7, 6), sharex=True) as (top, bottom):
        for label, rows in lines.items():
            x = [r[first.name] for r in rows]
            top.plot(x, [100 * r["p_yes"] for r in rows], marker=".", label=label)
            top.fill_between(x, [100 * r["p_yes_lo"] for r in rows],
                             [100 * r["p_yes_hi"] for r in rows], alpha=0.2)  # fmt: skip
            bottom.plot(x, [r["expected_value"] for r in rows], marker=".", label=label)
        values = first.values
        if min(values) > 0 and max(values) / min(values) >= 20:
            bottom.set_xscale("log")
        top.set_ylabel("% yes to the target")
        bottom.set_ylabel("expected value per person\n(cost units obtained)")
        bottom.set_xlabel(first.name)
        top.legend(fontsize=7)


def plot_replication(rep: Replication, path: Path) -> None:
    """Observed rates as points on the fitted rates' bars with their rerun intervals."""
    labels = [c.condition_type.replace("_", " ") for c in rep.conditions]
    fitted = [c.predicted_pct for c in rep.conditions]
    with _figure(path, figsize=(7, 4)) as ax:
        x = list(range(len(labels)))
        ax.bar(x, fitted, color="#9ecae1", label="model (fitted)")
        ax.vlines(x, [c.lo for c in rep.conditions], [c.hi for c in rep.conditions],
                  color="#3182bd", linewidth=3,
                  label=f"{100 * rep.level:.0f}% rerun interval at the original n")  # fmt: skip
        observed = [c.observed_pct for c in rep.conditions]
        ax.scatter(x, observed, color="#de2d26", zorder=3, label="observed")
        ax.set_xticks(x, labels)
        ax.set_ylabel("% saying yes to the target")
        ax.set_title(f"{rep.key}\nchance a same-size rerun is significant: {100 * rep.power:.0f}%",
                     fontsize=9)  # fmt: skip
        ax.legend(fontsize=8)


def plot_rates(report: ComplianceReport, path: str | Path) -> None:
    """Compliance per arm with its Wilson interval.

    Parameters
    ----------
    report : ComplianceReport
        From :func:`ditf.study.analyze`.
    path : str or Path
        Output file; the suffix picks the format (``.png``, ``.svg``, ``.pdf``).

    Raises
    ------
    InvalidParameterError
        If the format is unknown or the file cannot be written.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from ditf.study import analyze
    >>> report = analyze([("target_only", 24, 4), ("door_in_the_face", 24, 12)])
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "rates.png"
    >>> plot_rates(report, out)
    >>> out.stat().st_size > 0
    True
    """
    names = [a.name.replace("_", " ") for a in report.arms]
    rates = [100 * a.rate for a in report.arms]
    below = [100 * (a.rate - a.lo) for a in report.arms]
    above = [100 * (a.hi - a.rate) for a in report.arms]
    with _figure(path, figsize=(max(4.0, 1.4 * len(names) + 1.5), 4)) as ax:
        ax.bar(names, rates, color="#9ecae1")
        ax.errorbar(names, rates, yerr=[below, above], fmt="none", ecolor="#3182bd", elinewidth=2,
                    capsize=6, label=f"{report.level:.0%} Wilson interval")  # fmt: skip
        for name, rate, arm in zip(names, rates, report.arms, strict=True):
            ax.annotate(f"{arm.yes}/{arm.n}", (name, rate), textcoords="offset points",
                        xytext=(0, 4), ha="center", fontsize=8)  # fmt: skip
        ax.set_ylabel("% saying yes to the target")
        ax.set_ylim(0, 105)
        ax.tick_params(axis="x", labelrotation=15)
        ax.legend(fontsize=8, loc="upper left")


def plot_power_curve(curve: PowerCurve, path: str | Path) -> None:
    """Simulated power against people per arm: each planned contrast and all of them.

    Parameters
    ----------
    curve : PowerCurve
        From :func:`ditf.study.power_curve`.
    path : str or Path
        Output file; the suffix picks the format (``.png``, ``.svg``, ``.pdf``).

    Raises
    ------
    InvalidParameterError
        If the format is unknown or the file cannot be written.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from ditf.study import power_curve
    >>> curve = power_curve([50, 100, 200], n_studies=200, rng=0)
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "power.svg"
    >>> plot_power_curve(curve, out)
    >>> out.stat().st_size > 0
    True
    """
    points = sorted(curve.points, key=lambda p: p.n_per_arm)
    n = [p.n_per_arm for p in points]
    with _figure(path, figsize=(7, 4)) as ax:
        first = points[0]
        for i, contrast in enumerate(first.contrasts):
            label = f"{contrast.treatment} > {contrast.control}".replace("_", " ")
            ax.plot(n, [p.contrasts[i].power for p in points], marker="o", label=label)
        if len(first.contrasts) > 1:
            ax.plot(n, [p.power_all for p in points], marker="s", color="black",
                    label="all planned contrasts")  # fmt: skip
        ax.axhline(0.8, color="grey", linestyle=":", linewidth=1)
        ax.set_xscale("log" if n[-1] > 4 * n[0] else "linear")
        ax.set_xlabel("people per arm")
        ax.set_ylabel(f"power (Holm, alpha = {first.alpha:g}, {first.alternative})")
        ax.set_ylim(0, 1.02)
        ax.set_title(f"{first.n_studies:,} simulated studies per size, {first.measure} compliance",
                     fontsize=9)  # fmt: skip
        ax.legend(fontsize=8)


_SCALE_LABELS = {
    "OR": "odds ratio (log scale)",
    "RR": "risk ratio (log scale)",
    "RD": "risk difference",
    "ZCOR": "correlation r",
    "generic": "effect",
}


def _display(x: float, measure: str) -> float:
    if measure in ("OR", "RR"):
        return math.exp(x)
    if measure == "ZCOR":
        return math.tanh(x)
    return x


def plot_forest(result: MetaResult, labels: Sequence[str], path: str | Path) -> None:
    """Draw a forest plot of the studies, the pooled estimate and the prediction interval.

    Each study's effect and confidence interval (marker size by weight), the pooled diamond
    and the prediction interval, on the natural scale of ``result.measure``.

    Parameters
    ----------
    result : MetaResult
        From :func:`ditf.study.meta_analyze`.
    labels : sequence of str
        One label per study, in the order of ``result.effects``.
    path : str or Path
        Output file; the format follows the suffix (.png, .svg, .pdf).

    Raises
    ------
    InvalidParameterError
        If the number of labels differs from the number of studies, or the file cannot be
        written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from ditf.study import meta_analyze
    >>> res = meta_analyze([0.1, 0.3, 0.5], [0.01, 0.02, 0.04])
    >>> with tempfile.TemporaryDirectory() as d:
    ...     plot_forest(res, ["A", "B", "C"], pathlib.Path(d, "forest.png"))
    """
    if len(labels) != result.k:
        raise InvalidParameterError(
            f"The 'labels' parameter of plot_forest must be {result.k} labels (one per "
            f"study). Got {len(labels)} instead."
        )
    z = float(stats.norm.ppf(0.5 + result.level / 2))
    m = result.measure
    k = result.k
    with _figure(path, figsize=(7.5, 1.2 + 0.32 * (k + 3))) as ax:
        max_w = max(result.weights)
        for i, (y, v, w) in enumerate(
            zip(result.effects, result.variances, result.weights, strict=True)
        ):
            row = k + 1 - i
            half = z * math.sqrt(v)
            ax.plot([_display(y - half, m), _display(y + half, m)], [row, row], color="#555555")
            ax.plot(
                _display(y, m), row, "s", color="#3182bd", markersize=4 + 8 * math.sqrt(w / max_w)
            )
        lo, est, hi = (_display(x, m) for x in (result.ci_lo, result.estimate, result.ci_hi))
        ax.fill([lo, est, hi, est], [0, 0.3, 0, -0.3], color="#08519c")
        if result.pi_lo is not None and result.pi_hi is not None:
            ax.plot(
                [_display(result.pi_lo, m), _display(result.pi_hi, m)],
                [0, 0],
                color="#08519c",
                linewidth=1,
                linestyle="--",
                label=f"{result.level:.0%} prediction interval",
            )
            ax.legend(loc="lower right", fontsize=8, frameon=False)
        ax.axvline(_display(0.0, m), color="#999999", linewidth=0.8)
        pooled = f"{result.method} pooled ({result.level:.0%} CI)"
        ax.set_yticks([k + 1 - i for i in range(k)] + [0], [*labels, pooled])
        ax.set_ylim(-1, k + 2)
        if m in ("OR", "RR"):
            ax.set_xscale("log")
        ax.set_xlabel(_SCALE_LABELS.get(m, "effect"))
        ax.set_title(
            f"k = {k}, I² = {result.i2:.0f}%, tau² = {result.tau2:.3g}", fontsize=9, loc="left"
        )


def plot_funnel(result: MetaResult, path: str | Path, *, trim_fill: TrimFill | None = None) -> None:
    """Draw a funnel plot: effects against their standard errors.

    With pseudo-confidence limits around the pooled estimate, and the studies trim and fill
    imputed when given.

    Parameters
    ----------
    result : MetaResult
    path : str or Path
        Output file; the format follows the suffix.
    trim_fill : TrimFill or None
        From :func:`ditf.study.trim_and_fill`; its imputed studies are drawn hollow.

    Raises
    ------
    InvalidParameterError
        If the file cannot be written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from ditf.study import meta_analyze
    >>> res = meta_analyze([0.1, 0.3, 0.5], [0.01, 0.02, 0.04])
    >>> with tempfile.TemporaryDirectory() as d:
    ...     plot_funnel(res, pathlib.Path(d, "funnel.svg"))
    """
    z = float(stats.norm.ppf(0.5 + result.level / 2))
    se = [math.sqrt(v) for v in result.variances]
    imputed_se = [] if trim_fill is None else [math.sqrt(v) for v in trim_fill.imputed_variances]
    top = max([*se, *imputed_se]) * 1.05
    with _figure(path, figsize=(6, 4.5)) as ax:
        est = result.estimate
        ax.plot([est - z * top, est, est + z * top], [top, 0, top], color="#999999", linewidth=0.8)
        ax.axvline(est, color="#08519c", linewidth=1, label=f"{result.method} pooled")
        ax.plot(result.effects, se, "o", color="#3182bd", label="studies")
        if trim_fill is not None and trim_fill.k0 > 0:
            ax.plot(
                trim_fill.imputed_effects,
                imputed_se,
                "o",
                markerfacecolor="white",
                color="#3182bd",
                label=f"imputed by trim and fill ({trim_fill.k0})",
            )
            ax.axvline(
                trim_fill.filled.estimate, color="#de2d26", linewidth=1, linestyle="--",
                label="filled pooled",
            )  # fmt: skip
        ax.set_ylim(top, 0)
        ax.set_ylabel("standard error")
        scale = {"OR": "log odds ratio", "RR": "log risk ratio", "ZCOR": "Fisher's z"}
        ax.set_xlabel(scale.get(result.measure, _SCALE_LABELS.get(result.measure, "effect")))
        ax.legend(fontsize=8, frameon=False)


# ---------------------------------------------------------------- plan


def plot_plan_curve(plan: Plan, path: str | Path) -> None:
    """P(agreement) and expected value against the opener, with the chosen plan marked.

    Both panels shade the central interval; the dashed line is the defensible limit (the
    boldest benchmark) and the dotted line asking for the target directly, so that "a bigger
    opener is not always better" is visible.
    """
    s = plan.scenario
    x = [c.opener for c in plan.curve]
    with _figure(path, 1, 2, figsize=(10, 4), sharex=True) as axes:
        panels = (
            ("P(agreement)", [c.estimate for c in plan.curve], "p", plan.direct.p_yes),
            (f"expected value beyond BATNA ({s.unit})", [c.estimate for c in plan.curve], "value",
             plan.direct.value),
        )  # fmt: skip
        for ax, (label, est, key, direct) in zip(axes, panels, strict=True):
            mid = [getattr(e, "p_yes" if key == "p" else "value") for e in est]
            lo = [getattr(e, "p_lo" if key == "p" else "value_lo") for e in est]
            hi = [getattr(e, "p_hi" if key == "p" else "value_hi") for e in est]
            ax.fill_between(x, lo, hi, alpha=0.25, label=f"{plan.level:.0%} interval")
            ax.plot(x, mid, label="opener, then fallback")
            ax.axhline(direct, linestyle=":", color="grey", label="target asked directly")
            ax.axvline(plan.defensible_limit, linestyle="--", color="firebrick",
                       label=f"defensible limit ({plan.opener_basis.name})")  # fmt: skip
            chosen = plan.sequence.p_yes if key == "p" else plan.sequence.value
            ax.plot([plan.opener], [chosen], "o", color="black", label="chosen opener")
            ax.set_xlabel(f"opener ({s.unit})")
            ax.set_ylabel(label)
        if s.direction == "less":
            axes[0].invert_xaxis()
        axes[0].legend(fontsize="small")
        axes[0].figure.suptitle(
            f"{s.title or s.domain}: fallback {format_amount(plan.fallback)} {s.unit}"
        )


# ---------------------------------------------------------------- negotiate


def plot_negotiation(negotiation: Negotiation, path: str | Path) -> None:
    """Draw one negotiation in utility space: the offers, the Pareto frontier and the deal.

    Every outcome is a grey dot (requester utility across, counterpart utility up), the Pareto
    frontier a line, each side's offers a path in the order made, the reservation values dashed
    lines, and the agreement a star.

    Parameters
    ----------
    negotiation : Negotiation
        From :func:`ditf.negotiate.negotiate` or :func:`ditf.negotiate.run_negmas`.
    path : str or Path
        Output file; the suffix picks the format (``.png``, ``.svg``, ``.pdf``).

    Raises
    ------
    InvalidParameterError
        If the format is unknown or the file cannot be written.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from ditf.negotiate import OutcomeSpace, Problem, negotiate
    >>> problem = Problem(space=OutcomeSpace.single(0, 100), target=40,
    ...                   requester_reservation=30, counterpart_reservation=60)
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "deal.svg"
    >>> plot_negotiation(negotiate(problem, rng=0), out)
    >>> out.stat().st_size > 0
    True
    """
    problem = negotiation.problem
    arrays = problem.space.arrays()
    with _figure(path, figsize=(6, 5)) as ax:
        ax.scatter(arrays.requester, arrays.counterpart, s=4, color="#d9d9d9", label="outcomes")
        front = arrays.pareto.nonzero()[0]
        order = front[arrays.requester[front].argsort()]
        ax.plot(arrays.requester[order], arrays.counterpart[order], color="#636363", linewidth=1,
                label="Pareto frontier")  # fmt: skip
        for side, color in (("requester", "#3182bd"), ("counterpart", "#e6550d")):
            moves = [m for m in negotiation.moves if m.side == side and m.action == "offer"]
            ax.plot([m.requester_utility for m in moves], [m.counterpart_utility for m in moves],
                    marker="o", markersize=3, color=color, label=f"{side} offers")  # fmt: skip
        res_r, res_c = problem.reservation_utilities
        ax.axvline(res_r, color="#3182bd", linestyle="--", linewidth=0.8)
        ax.axhline(res_c, color="#e6550d", linestyle="--", linewidth=0.8)
        if negotiation.agreement_index >= 0:
            i = negotiation.agreement_index
            ax.plot(arrays.requester[i], arrays.counterpart[i], marker="*", markersize=14,
                    color="black", linestyle="none", label="agreement")  # fmt: skip
        ax.set_xlabel(f"requester utility ({negotiation.requester})")
        ax.set_ylabel(f"counterpart utility ({negotiation.counterpart})")
        ax.set_title(f"{negotiation.status} after {negotiation.rounds} round(s); dashed: "
                     "reservation values", fontsize=9)  # fmt: skip
        ax.legend(fontsize=8, loc="lower left")


def plot_tournament(result: TournamentResult, path: str | Path) -> None:
    """Draw a tournament: requester utility and agreement rate per strategy and counterpart.

    Left: mean requester utility with its 95% interval, one bar group per strategy, one bar per
    counterpart population (first episode, or per episode with several). Right: agreement and
    walk-away rates.

    Parameters
    ----------
    result : TournamentResult
        From :func:`ditf.negotiate.tournament`.
    path : str or Path
        Output file; the suffix picks the format.

    Raises
    ------
    InvalidParameterError
        If the format is unknown or the file cannot be written.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from ditf.negotiate import OutcomeSpace, Problem, tournament
    >>> problem = Problem(space=OutcomeSpace.single(0, 100), target=40,
    ...                   requester_reservation=30, counterpart_reservation=60)
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "tournament.png"
    >>> plot_tournament(tournament(problem, n=50, rng=0), out)
    >>> out.stat().st_size > 0
    True
    """
    strategies = list(dict.fromkeys(r.strategy for r in result.rows))
    groups = list(dict.fromkeys((r.counterpart, r.episode) for r in result.rows))
    by = {(r.strategy, r.counterpart, r.episode): r for r in result.rows}
    width = 0.8 / len(groups)
    with _figure(path, 1, 2, figsize=(11, 4.5)) as (left, right):
        for g, (other, episode) in enumerate(groups):
            rows = [by[(s, other, episode)] for s in strategies]
            x = [i + (g - (len(groups) - 1) / 2) * width for i in range(len(strategies))]
            label = other if result.episodes == 1 else f"{other}, episode {episode}"
            mid = [r.requester_utility for r in rows]
            err = [[r.requester_utility - r.requester_utility_lo for r in rows],
                   [r.requester_utility_hi - r.requester_utility for r in rows]]  # fmt: skip
            err = [[0.0 if math.isnan(v) else v for v in side] for side in err]
            left.bar(x, mid, width=width, yerr=err, capsize=2, label=label)
            right.bar(x, [100 * r.agreement_rate for r in rows], width=width, label=label)
            right.scatter(x, [100 * r.walk_away_rate for r in rows], color="black", marker="x",
                          s=16, zorder=3)  # fmt: skip
        res_r = result.problem.reservation_utilities[0]
        left.axhline(res_r, color="grey", linestyle=":", linewidth=1, label="requester reservation")
        for ax in (left, right):
            ax.set_xticks(range(len(strategies)), [s.replace("_", " ") for s in strategies])
            ax.tick_params(axis="x", labelrotation=20)
        left.set_ylabel("requester utility (mean, 95% interval)")
        right.set_ylabel("% agreements (bars), % walk-aways (x)")
        right.set_ylim(0, 105)
        left.legend(fontsize=8)
        left.figure.suptitle(f"{result.n:,} negotiations per cell", fontsize=10)
