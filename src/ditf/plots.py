"""Charts for the command line (PNG, SVG or PDF via matplotlib, imported only when drawing)."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

from ditf._errors import InvalidParameterError
from ditf.model import Replication
from ditf.simulate import SimulationResult, SweepResult

__all__ = ["plot_replication", "plot_simulation", "plot_sweep", "save"]


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def save(fig: Any, path: Path) -> None:
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
