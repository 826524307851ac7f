"""Defend: recognise door-in-the-face used on you, its pressure, and a reply that keeps your limit.

A case (the format of ``ditf defend`` files) comes as JSON, as TOML typed into the page, or as
an uploaded file; :func:`ditf.defend.defend` recognises the pattern, estimates the pressure
and advises; :func:`ditf.defend.defence_report` is the answer. With a counterpart id, its
asks to you in the journal count as earlier episodes (:func:`ditf.store.journal_episodes`),
as in ``ditf defend --db``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from ditf.defend import Episode, defence_report, defend, defend_case_from_mapping
from ditf.plan import DOMAINS
from ditf.store import Journal, journal_episodes
from ditf.web._charts import mechanisms_chart
from ditf.web._deps import AppState, JournalDep, StateDep
from ditf.web._errors import API_ERRORS, JOURNAL_ERRORS, FormInvalid
from ditf.web._pages import Upload, form_values, parse_form, parse_mapping, read_upload
from ditf.web._routes._shape import Api, Show, Work, answer, page
from ditf.web._schemas.base import FieldErrorPublic
from ditf.web._schemas.defend import DefencePublic, DefendRequest, JournalReadPublic

router = APIRouter()
DEPTHS = ("beginner", "practitioner", "advanced")
#: What the page's form starts with: a made-up procurement case (edit it, or upload a file).
EXAMPLE = """\
# A vendor quotes 14,000 for a software rollout; you say it is too much; the sales rep drops
# at once to 11,500. You are the buyer: less is better for you. Illustrative figures.
domain = "procurement"
title = "Software rollout quote"
unit = "EUR"
direction = "less"       # you pay
minimum = 12000          # your limit: the most you will pay
batna = 12500            # the other vendor's written quote
interests = "I need the rollout done this quarter within a budget I can defend."

[[benchmarks]]
name = "three quotes for comparable rollouts, lowest"
kind = "market-low"
value = 9000

[[benchmarks]]
name = "three quotes for comparable rollouts, median"
kind = "market-median"
value = 11000

[[benchmarks]]
name = "three quotes for comparable rollouts, highest"
kind = "market-high"
value = 14500

[[requests]]
amount = 14000
requester = "Dana (sales)"
at_minutes = 0
explanation = "Full rollout with on-site training for all teams."

[[requests]]
amount = 11500
requester = "Dana (sales)"
at_minutes = 2
explanation = "Without the on-site training, 11,500."
"""


async def run_defend(state: AppState, journal: Journal, body: DefendRequest) -> DefencePublic:
    """The defence of a case, with the counterpart's earlier episodes from the journal."""
    case = defend_case_from_mapping(body.to_mapping())
    read = None
    past: tuple[Episode, ...] = ()
    if case.counterpart:
        found = await state.io.run(lambda: journal_episodes(journal, case.counterpart, case.unit))
        past = found.episodes
        read = JournalReadPublic(episodes=len(past), other_units=found.other_units)
    report = await state.worker.run(lambda: defence_report(defend(case, past_episodes=past)))
    return DefencePublic.from_report(report, read)


@Api(router, "defend", API_ERRORS | JOURNAL_ERRORS).route(
    "POST", "/api/defend", "Recognise door-in-the-face used on you, and keep your minimum"
)
async def defend_api(body: DefendRequest, state: StateDep, journal: JournalDep) -> DefencePublic:
    """The pattern with its evidence, the model's pressure estimate, advice and a reply.

    The body is a case in the format of ``ditf defend`` files; the last request is the one to
    answer. With ``counterpart``, its asks to you in the journal count as earlier episodes. The
    advice never recommends accepting beyond your minimum.
    """
    return await run_defend(state, journal, body)


# Pages ----------------------------------------------------------------------------------------


#: The short form's repeated fields: one request per row (how much, who asked, when).
QUICK_ROWS = ("ask_amount", "ask_who", "ask_minutes")
#: The short form's first values: the procurement example, as a person would type it.
QUICK_DEFAULTS: dict[str, Any] = {
    "domain": "procurement",
    "unit": "EUR",
    "direction": "less",
    "ask_amount": ["14,000", "11,500", ""],
    "ask_who": ["Dana (sales)", "Dana (sales)", ""],
    "ask_minutes": ["0", "2", ""],
    "limit": "12,000",
    "alternative": "12,500",
    "range_low": "9,000",
    "range_high": "14,500",
    "alone_answer": "",
    "depth": "practitioner",
}


def quick_case(values: dict[str, Any]) -> dict[str, Any]:
    """The short form as a case in the format of ``ditf defend`` files.

    Each filled row is a request (a row without an amount is skipped). The usual range
    becomes two benchmarks, its low and high end; a BATNA of 0 when you pay reads as "rather
    nothing" (:attr:`ditf.defend.DefendCase.nothing_instead`).
    """
    rows = zip(*(values.get(k) or [] for k in QUICK_ROWS), strict=False)
    requests = [
        {"amount": amount, "requester": who or "they", "at_minutes": minutes or "0"}
        for amount, who, minutes in rows
        if amount
    ]
    benchmarks = [
        {"name": f"the usual range, {end}", "kind": f"market-{end}", "value": values[key]}
        for key, end in (("range_low", "low"), ("range_high", "high"))
        if values.get(key)
    ]
    names = {"limit": "minimum", "alternative": "batna"}
    data = {
        names.get(k, k): values[k]
        for k in ("domain", "unit", "direction", "limit", "alternative", "alone_answer")
        if values.get(k, "") != ""
    }
    return data | {"benchmarks": benchmarks, "requests": requests}


def quick_errors(values: dict[str, Any], errors: list[FieldErrorPublic]) -> list[FieldErrorPublic]:
    """The case's errors named as the short form's fields (its rows by their place)."""
    ends = [key for key in ("range_low", "range_high") if values.get(key)]
    filled = [i for i, amount in enumerate(values.get("ask_amount") or []) if amount]
    rename = {"minimum": "limit", "batna": "alternative", "benchmarks": "range_low"}
    rename |= {f"benchmarks[{i}].value": key for i, key in enumerate(ends)}
    rename |= {"requests": "ask_amount[0]"}
    for i, row in enumerate(filled):
        for part, field in (("amount", "ask_amount"), ("at_minutes", "ask_minutes")):
            rename[f"requests[{i}].{part}"] = f"{field}[{row}]"
        rename[f"requests[{i}].requester"] = f"ask_who[{row}]"
    return [e.model_copy(update={"field": rename.get(e.field, e.field)}) for e in errors]


def _page(request: Request, values: dict[str, Any], form: str = "case", **quick: Any) -> Show:
    """The defend page with the typed case (``values``), or the short ``form``'s values."""
    depth = values.get("depth") or "practitioner"
    lists = {"domains": tuple(DOMAINS), "depths": DEPTHS}
    context = {"quick": QUICK_DEFAULTS, "result": None, "chart": None} | quick
    return page(request, "defend.html", values=values, form=form, depth=depth, **lists, **context)


def _answer(state: AppState, journal: Journal, body: Callable[[], DefendRequest]) -> Work:
    """The defence of the case ``body()`` parses, and the chart of its mechanisms."""

    async def work() -> dict[str, Any]:
        result = await run_defend(state, journal, body())
        points = {m.mechanism: m.points / 100 for m in result.mechanisms}
        chart = mechanisms_chart(points, "Points of your P(yes) each mechanism adds")
        return {"result": result, "chart": chart}

    return work


@router.get("/defend", include_in_schema=False)
async def defend_page(request: Request) -> Response:
    """The case form, with an example to edit."""
    return await _page(request, {"case": EXAMPLE, "depth": "practitioner"})()


@router.post("/defend/quick", include_in_schema=False)
async def defend_quick(request: Request, state: StateDep, journal: JournalDep) -> Response:
    """The defence of the short form's case (requests, limit, alternative, usual range)."""
    quick, _ = await form_values(request, multi=QUICK_ROWS)
    quick["depth"] = quick.get("depth") if quick.get("depth") in DEPTHS else "practitioner"

    def body() -> DefendRequest:
        try:
            return parse_form(DefendRequest, quick_case(quick))
        except FormInvalid as exc:
            raise FormInvalid(quick_errors(quick, exc.errors)) from None

    values = {"case": EXAMPLE, "depth": quick["depth"]}
    show = _page(request, values, "quick", quick=quick)
    return await answer(show, _answer(state, journal, body))


@router.post("/defend", include_in_schema=False)
async def defend_form(request: Request, state: StateDep, journal: JournalDep) -> Response:
    """The defence of the typed (or uploaded) case, at the chosen depth."""
    values, uploads = await form_values(request)
    upload = uploads.get("file")
    values["depth"] = values.get("depth") if values.get("depth") in DEPTHS else "practitioner"

    def body() -> DefendRequest:
        if upload is not None and upload.filename:
            mapping = read_upload(upload, "case")
            values["case"] = upload.content.decode("utf-8-sig")
        else:
            text = str(values.get("case", ""))
            name = "case.json" if text.lstrip().startswith("{") else "case.toml"
            mapping = read_upload(Upload(name, text.encode()), "case")
        return parse_mapping(DefendRequest, mapping)

    return await answer(_page(request, values), _answer(state, journal, body))
