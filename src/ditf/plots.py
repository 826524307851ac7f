"""Charts for the command line (PNG, SVG or PDF via matplotlib, imported only when drawing)."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

from ditf._errors import InvalidParameterError
from ditf.model import Replication
from ditf.simulate import SimulationResult, SweepResult
from ditf.study import ComplianceReport, PowerCurve

__all__ = [
    "plot_power_curve",
    "plot_rates",
    "plot_replication",
    "plot_simulation",
    "plot_sweep",
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
    try:
        fig.savefig(path)
    except (OSError, ValueError) as exc:
        raise InvalidParameterError(f"Cannot write the plot to {str(path)!r}: {exc}.") from exc
    finally:
        plt.close(fig)


def plot_simulation(result: SimulationResult, path: Path) -> None:
    """P(yes) to the target per condition with 95% intervals; per episode when there are many."""
    plt = _pyplot()
    targets = [r for r in result.rows if r.is_target]
    episodes = max(r.episode for r in targets)
    fig, ax = plt.subplots(figsize=(7, 4))
    if episodes == 1:
        names = [r.condition.replace("_", " ") for r in targets]
        ax.bar(names, [100 * r.p_yes for r in targets], color="#9ecae1")
        ax.vlines(names, [100 * r.p_yes_lo for r in targets], [100 * r.p_yes_hi for r in targets],
                  color="#3182bd", linewidth=3, label="95% interval")  # fmt: skip
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
    fig.tight_layout()
    save(fig, path)


def plot_sweep(result: SweepResult, path: Path) -> None:
    """P(yes) to the target and the expected value against the first swept parameter."""
    plt = _pyplot()
    first = result.axes[0]
    others = [a.name for a in result.axes[1:]]
    lines: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in result.rows:
        extra = ", ".join(f"{n}={row[n]:g}" for n in others)
        lines[row["condition"].replace("_", " ") + (f" ({extra})" if extra else "")].append(row)
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(7, 6), sharex=True)
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
    fig.tight_layout()
    save(fig, path)


def plot_replication(rep: Replication, path: Path) -> None:
    """Observed rates as points on the fitted rates' bars with their rerun intervals."""
    plt = _pyplot()
    labels = [c.condition_type.replace("_", " ") for c in rep.conditions]
    fitted = [c.predicted_pct for c in rep.conditions]
    fig, ax = plt.subplots(figsize=(7, 4))
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
    fig.tight_layout()
    save(fig, path)


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
    plt = _pyplot()
    names = [a.name.replace("_", " ") for a in report.arms]
    rates = [100 * a.rate for a in report.arms]
    below = [100 * (a.rate - a.lo) for a in report.arms]
    above = [100 * (a.hi - a.rate) for a in report.arms]
    fig, ax = plt.subplots(figsize=(max(4.0, 1.4 * len(names) + 1.5), 4))
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
    fig.tight_layout()
    save(fig, path)


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
    plt = _pyplot()
    points = sorted(curve.points, key=lambda p: p.n_per_arm)
    n = [p.n_per_arm for p in points]
    fig, ax = plt.subplots(figsize=(7, 4))
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
    fig.tight_layout()
    save(fig, path)
