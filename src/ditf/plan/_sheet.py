"""The prep sheet: a plan as Markdown, to print or take into the meeting.

Pure: it renders a :func:`ditf.plan.plan_report` dict, so ``ditf plan --format md`` and the
web page's download give the same sheet.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ditf._text import format_amount
from ditf.plan._plan import DOOR
from ditf.plan._script import amount_words

__all__ = ["SHEET_SECTIONS", "prep_sheet"]

#: The sheet's sections, in order (each a ``## `` heading).
SHEET_SECTIONS = ("The answer", "The asks", "The script", "The odds", "The opener curve",
                  "The audit")  # fmt: skip
#: Most rows of the opener curve the sheet lists (evenly spaced, the chosen opener always).
CURVE_ROWS = 10


def _pct(value: float) -> str:
    return f"{100 * value:.0f}%"


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")


def _odds_rows(report: Mapping[str, Any]) -> list[tuple[str, Mapping[str, Any], bool]]:
    rows: list[tuple[str, Mapping[str, Any], bool]] = [
        ("opener, then fallback", report["sequence"], True)
    ]
    if report.get("with_second_fallback"):
        rows.append(("... and the last offer", report["with_second_fallback"], True))
    if report.get("fallback_direct") and report["fallback_direct"] != report["direct"]:
        rows.append(("fallback asked alone (your estimate)", report["fallback_direct"], False))
    rows.append(("target asked directly (your estimate)", report["direct"], False))
    rows.append(("foot-in-the-door, then fallback", report["foot_in_the_door"], True))
    return rows


def _curve_rows(curve: Sequence[Mapping[str, Any]], chosen: float) -> list[Mapping[str, Any]]:
    step = max(1, -(-len(curve) // CURVE_ROWS))
    return [c for i, c in enumerate(curve) if i % step == 0 or c["opener"] == chosen]


def prep_sheet(report: Mapping[str, Any]) -> str:
    """The plan as a Markdown prep sheet: answer, asks, script, odds, curve and audit.

    Parameters
    ----------
    report : mapping
        :func:`ditf.plan.plan_report` of a plan.

    Returns
    -------
    str
        Markdown, with one ``## `` heading per entry of :data:`SHEET_SECTIONS`.

    Examples
    --------
    >>> from ditf.plan import plan, plan_report, plan_scenario_from_mapping
    >>> s = plan_scenario_from_mapping({
    ...     "domain": "salary", "unit": "EUR", "target": 110000, "minimum": 100000,
    ...     "batna": 98000, "counterpart": {"accepts_low": 96000, "accepts_high": 118000},
    ...     "benchmarks": [{"name": "survey low", "kind": "market-low", "value": 92000},
    ...                    {"name": "survey median", "kind": "market-median", "value": 104000},
    ...                    {"name": "survey, 90th", "kind": "market-high", "value": 124000}]})
    >>> sheet = prep_sheet(plan_report(plan(s)))
    >>> sheet.splitlines()[0]
    '# Prep sheet: salary'
    """
    r = report
    unit = r["unit"]
    level = _pct(r["interval"]["level"])
    lines = [f"# Prep sheet: {r['title'] or r['domain']}", ""]
    lines += ["## The answer", "", f"**{r['headline']}**", ""]
    if r.get("why"):
        lines += [r["why"], ""]
    lines += ["## The asks", ""]
    plain = r["recommendation"] != DOOR
    if plain:
        lines.append(f"- Ask plainly for **{amount_words(r['plain_ask'], unit)}**.")
        lines.append("- The technique's asks, not recommended here:")
    basis = r["opener_basis"]
    bullet = "  - " if plain else "- "
    lines.append(
        f"{bullet}Open with **{amount_words(r['opener'], unit)}** (basis: {basis['name']}, "
        f"{amount_words(basis['value'], unit)})."
    )
    crit = r.get("fallback_criterion")
    why = f"criterion: {crit['name']}" if crit else "no objective criterion"
    retreat = r["retreat"][:1].upper() + r["retreat"][1:]
    lines.append(f"{bullet}{retreat} to **{amount_words(r['fallback'], unit)}** ({why}).")
    if r.get("second_fallback") is not None:
        lines.append(f"{bullet}Last offer: **{amount_words(r['second_fallback'], unit)}**.")
    if r.get("chosen_by_you"):
        lines.append("- The asks are yours (from the scenario); the curve shows the alternatives.")
    if r.get("prior_retreats"):
        lines.append(f"- Earlier retreats on this counterpart (journal): {r['prior_retreats']}.")
    lines += ["", "## The script", ""]
    lines += [f"{i}. {line}" for i, line in enumerate(r["script"], start=1)]
    lines += ["", "## The odds", ""]
    lines.append(
        f"P(agreement) is the chance they say yes; the expected value is what you gain beyond "
        f"your BATNA (your best alternative), on average, in {unit}. Intervals are central "
        f"{level} intervals of the model's uncertainty."
    )
    lines += ["", f"| | P(agreement) | {level} interval | expected value ({unit}) | interval |"]
    lines.append("|---|---|---|---|---|")
    for name, e, ranged in _odds_rows(r):
        p_int, v_int = "your estimate", "your estimate"
        if ranged:
            p_int = f"{_pct(e['p_lo'])}-{_pct(e['p_hi'])}"
            low, high = e["expected_value_lo"], e["expected_value_hi"]
            v_int = f"{format_amount(low, 4)} to {format_amount(high, 4)}"
        lines.append(
            f"| {name} | {_pct(e['p_yes'])} | {p_int} | {format_amount(e['expected_value'], 4)} "
            f"| {v_int} |"
        )
    lo, hi = r["interval"]["p_fallback_after"]
    lines += [
        "",
        f"P(yes) to the fallback: {_pct(r['p_fallback_alone'])} asked alone, "
        f"{_pct(r['p_fallback_after'])} ({_pct(lo)}-{_pct(hi)}) after the opener is refused.",
        "",
        "## The opener curve",
        "",
        "The fallback is fixed; each row is a different opener.",
        "",
        f"| opener ({unit}) | P(yes to the opener) | P(agreement) | {level} interval "
        "| expected value | |",
        "|---|---|---|---|---|---|",
    ]
    for c in _curve_rows(r["curve"], r["opener"]):
        mark = "**chosen**" if c["opener"] == r["opener"] else ""
        if not mark and not c["defensible"]:
            mark = "beyond the benchmarks"
        lines.append(
            f"| {format_amount(c['opener'])} | {_pct(c['p_yes_opener'])} | {_pct(c['p_yes'])} | "
            f"{_pct(c['p_lo'])}-{_pct(c['p_hi'])} | {format_amount(c['expected_value'], 4)} "
            f"| {mark} |"
        )
    lines += ["", "## The audit", ""]
    findings = r["findings"]
    if not findings:
        lines.append("No findings: the plan breaks none of the audit's rules.")
    else:
        lines += ["| rule | severity | finding | source |", "|---|---|---|---|"]
        lines += [
            f"| `{f['id']}` | {f['severity']} | {_cell(f['message'])} | {_cell(f['source'])} |"
            for f in findings
        ]
    lines += ["", "*Made with ditf: the odds come from the model fitted to the bundled evidence.*"]
    return "\n".join(lines) + "\n"
