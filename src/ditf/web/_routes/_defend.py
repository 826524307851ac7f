"""Defend: recognise door-in-the-face used on you, its pressure, and a reply that keeps your limit.

A case (the format of ``ditf defend`` files) comes as JSON, as TOML typed into the page, or as
an uploaded file; :func:`ditf.defend.defend` recognises the pattern, estimates the pressure
and advises; :func:`ditf.defend.defence_report` is the answer. With a counterpart id, its
earlier asks in the journal count as earlier episodes, as in ``ditf defend --db``.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from ditf._errors import DitfError
from ditf.defend import Episode, defence_report, defend, defend_case_from_mapping
from ditf.store import Journal
from ditf.web._charts import mechanisms_chart
from ditf.web._deps import AppState, JournalDep, StateDep
from ditf.web._errors import API_ERRORS, JOURNAL_ERRORS, message_for, status_for
from ditf.web._pages import Upload, form_values, read_upload, render, validate_mapping
from ditf.web._schemas import DefencePublic, DefendRequest, JournalReadPublic

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


def journal_episodes(journal: Journal, counterpart: str, unit: str) -> tuple[list[Episode], int]:
    """The counterpart's asks in the journal as earlier episodes, and how many had another unit.

    As ``ditf defend --db`` reads them: one episode per ask in the case's unit.
    """
    records = journal.asks(counterpart)
    episodes = [
        Episode.from_ask(
            opener=r.opener, fallback=r.fallback, delay_hours=r.delay_hours,
            requester=counterpart, label=f"journal ask {r.id} ({r.technique})",
        )
        for r in records
        if r.unit == unit
    ]  # fmt: skip
    return episodes, len(records) - len(episodes)


async def run_defend(state: AppState, journal: Journal, body: DefendRequest) -> DefencePublic:
    """The defence of a case, with the counterpart's earlier episodes from the journal."""
    case = defend_case_from_mapping(body.to_mapping())
    read = None
    past: list[Episode] = []
    if case.counterpart:
        past, other = await state.io.run(
            lambda: journal_episodes(journal, case.counterpart, case.unit)
        )
        read = JournalReadPublic(episodes=len(past), other_units=other)
    report = await state.worker.run(lambda: defence_report(defend(case, past_episodes=past)))
    return DefencePublic.from_report(report, read)


@router.post(
    "/api/defend",
    tags=["defend"],
    summary="Recognise door-in-the-face used on you, and keep your minimum",
    responses=API_ERRORS | JOURNAL_ERRORS,
)
async def defend_api(body: DefendRequest, state: StateDep, journal: JournalDep) -> DefencePublic:
    """The pattern with its evidence, the model's pressure estimate, advice and a reply.

    The body is a case in the format of ``ditf defend`` files; the last request is the one to
    answer. With ``counterpart``, its asks in the journal count as earlier episodes. The
    advice never recommends accepting beyond your minimum.
    """
    return await run_defend(state, journal, body)


# Pages ----------------------------------------------------------------------------------------


def _page(values: dict[str, Any], **context: Any) -> dict[str, Any]:
    page: dict[str, Any] = {
        "values": values,
        "errors": [],
        "error": None,
        "result": None,
        "chart": None,
        "depth": values.get("depth") or "practitioner",
        "depths": DEPTHS,
    }
    return page | context


@router.get("/defend", include_in_schema=False)
async def defend_page(request: Request) -> HTMLResponse:
    """The case form, with an example to edit."""
    return render(request, "defend.html", **_page({"case": EXAMPLE, "depth": "practitioner"}))


@router.post("/defend", include_in_schema=False)
async def defend_form(request: Request, state: StateDep, journal: JournalDep) -> HTMLResponse:
    """The defence of the typed (or uploaded) case, at the chosen depth."""
    values, uploads = await form_values(request)
    upload = uploads.get("file")
    values["depth"] = values.get("depth") if values.get("depth") in DEPTHS else "practitioner"
    try:
        if upload is not None and upload.filename:
            mapping = read_upload(upload, "case")
            values["case"] = upload.content.decode("utf-8-sig")
        else:
            text = str(values.get("case", ""))
            name = "case.json" if text.lstrip().startswith("{") else "case.toml"
            mapping = read_upload(Upload(name, text.encode()), "case")
        body, errors = validate_mapping(DefendRequest, mapping)
        if body is None:
            return render(request, "defend.html", status_code=422, **_page(values, errors=errors))
        result = await run_defend(state, journal, body)
    except DitfError as exc:
        page = _page(values, error=message_for(exc))
        return render(request, "defend.html", status_code=status_for(exc), **page)
    points = {m.mechanism: m.points / 100 for m in result.mechanisms}
    chart = mechanisms_chart(points, "Points of your P(yes) each mechanism adds")
    return render(request, "defend.html", **_page(values, result=result, chart=chart))
