"""Trainer: practise as the requester or as the target; every round is stored in the journal.

As the requester the trainee reads the briefing and picks the opener (or none), the fallback,
the timing and the explanation; :func:`ditf.train.play_round` answers. As the target the page
shows :func:`ditf.train.make_pitch`'s pitch without saying whether it is honest, and keeps the
seed in the form, so the same pitch is rebuilt to score the answer with
:func:`ditf.train.score_target`. Forms answer with a redirect to the stored round's page.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Annotated, Any, Literal
from urllib.parse import quote, unquote, urlencode

import numpy as np
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import Field
from starlette.exceptions import HTTPException

from ditf._errors import DitfError
from ditf.plan import DOMAINS
from ditf.store import Journal
from ditf.train import (
    LEVELS,
    Choice,
    ClassProgress,
    TargetResponse,
    TrainerScenario,
    choose_scenario,
    class_csv,
    class_progress,
    load_trainer_scenarios,
    make_pitch,
    play_round,
    score_target,
    trainee_progress,
    trainer_scenario,
)
from ditf.web._charts import mechanisms_chart
from ditf.web._deps import AppState, JournalDep, StateDep
from ditf.web._errors import API_ERRORS, JOURNAL_ERRORS
from ditf.web._pages import form_values, parse_form, render
from ditf.web._routes._shape import Api, Show, answer, page
from ditf.web._schemas.base import Request as RequestSchema
from ditf.web._schemas.journal import KEY_PATTERN, Key
from ditf.web._schemas.plan import DomainName
from ditf.web._schemas.train import (
    PITCHES_HONEST,
    ClassPublic,
    Level,
    PickRequest,
    Pitches,
    PitchPublic,
    PitchRequest,
    ProgressPublic,
    RoundPublic,
    RoundRequest,
    TargetPublic,
    TargetRequest,
    TrainerScenarioPublic,
)

router = APIRouter()
#: The operations that store rounds or read them, and those that only ask the model.
api = Api(router, "train", API_ERRORS | JOURNAL_ERRORS)
model_api = Api(router, "train", API_ERRORS)
#: A played round's feedback, with its id in the journal, the trainee and the seed.
Played = dict[str, Any]
#: The cookie that remembers the trainee's name (a convenience, not an identity).
TRAINEE_COOKIE = "ditf_trainee"
TRAINEE_DAYS = 365
#: Scenario draws use their own stream of the round's seed, so the scenario drawn and the
#: counterpart's answers (or the pitch) are not correlated.
PICK_STREAM = 1
TraineeQuery = Annotated[
    str, Query(min_length=1, max_length=100, pattern=KEY_PATTERN, description="Who played.")
]


def fresh_seed() -> int:
    """A seed for a new round (returned, so the round can be replayed)."""
    return secrets.randbelow(2**32)


def choose(body: PickRequest, seed: int) -> TrainerScenario:
    """The scenario a request names, or one drawn for its domain (or any) and level.

    Raises
    ------
    InvalidParameterError
        If no bundled scenario has the id.
    """
    gen = np.random.default_rng([seed, PICK_STREAM])
    return choose_scenario(body.scenario, domain=body.domain, level=body.level, rng=gen)


def _requester(body: RoundRequest) -> tuple[TrainerScenario, int, Callable[[], Any]]:
    """The scenario, the seed and the play of a round as the requester."""
    seed = fresh_seed() if body.seed is None else body.seed
    scenario = choose(body, seed)
    choice = Choice(
        opener=body.opener,
        fallback=body.fallback,
        delay_hours=body.delay_hours,
        explanation=body.explanation,
        honour_opener=body.honour_opener,
    )
    return scenario, seed, lambda: play_round(scenario, choice, rng=seed)


def _target(body: TargetRequest) -> tuple[TrainerScenario, int, Callable[[], Any]]:
    """The scenario, the seed and the scoring of an answer to the pitch they rebuild."""
    scenario = trainer_scenario(body.scenario)
    response = TargetResponse(
        decision=body.decision, counter=body.counter, flag_theatrical=body.flag_theatrical
    )

    def score() -> Any:
        pitch = make_pitch(scenario, honest=PITCHES_HONEST[body.pitches], rng=body.seed)
        return score_target(pitch, response)

    return scenario, body.seed, score


async def play(state: AppState, journal: Journal, body: RoundRequest | TargetRequest) -> Played:
    """Play a round as the requester, or score an answer as the target; store it.

    Returns the feedback as data, with the stored round's id, the trainee and the seed.
    """
    scenario, seed, compute = _requester(body) if isinstance(body, RoundRequest) else _target(body)
    result = await state.worker.run(compute)
    details: dict[str, Any] = result.to_dict()
    stored = await state.io.run(
        lambda: journal.add_training_round(
            body.trainee,
            domain=scenario.domain,
            level=scenario.level,
            role=result.role,
            score=result.points,
            details=details,
        )
    )
    return details | {"round_id": stored.id, "trainee": body.trainee, "seed": seed}


async def progress(state: AppState, journal: Journal, trainee: str) -> ProgressPublic:
    """A trainee's stored rounds and their average score per level."""
    rounds = await state.io.run(lambda: journal.training_rounds(trainee))
    return ProgressPublic.from_core(trainee_progress(trainee, rounds))


@model_api.route("GET", "/api/train/scenarios", "The bundled trainer scenarios")
async def scenarios_api(
    domain: Annotated[DomainName | None, Query(description="One of the planner's domains.")] = None,
    level: Annotated[Level | None, Query(description="beginner, practitioner or advanced.")] = None,
) -> list[TrainerScenarioPublic]:
    """What a trainee is told before a round, for every bundled scenario (or some)."""
    found = load_trainer_scenarios(domain, level)
    return [TrainerScenarioPublic.model_validate(s.to_dict()) for s in found]


@api.route("POST", "/api/train/round", "Play a round as the requester", status_code=201)
async def round_api(body: RoundRequest, state: StateDep, journal: JournalDep) -> RoundPublic:
    """A counterpart drawn from the model answers your opener and fallback; the feedback.

    The scenario is ``scenario`` (an id), or drawn for ``domain`` (default: any) and
    ``level`` with the seed. The round is stored in the journal under ``trainee``. The same
    seed replays the same round.
    """
    return RoundPublic.model_validate(await play(state, journal, body))


@model_api.route("POST", "/api/train/pitch", "Be the one asked: the counterpart's pitch")
async def pitch_api(body: PitchRequest) -> PitchPublic:
    """A simulated counterpart's opener and retreat, without whether it is honest.

    Answer it with ``POST /api/train/target``, sending back ``scenario`` and ``seed``.
    """
    seed = fresh_seed() if body.seed is None else body.seed
    scenario = choose(body, seed)
    pitch = make_pitch(scenario, honest=PITCHES_HONEST[body.pitches], rng=seed)
    return PitchPublic.model_validate(
        {"scenario": scenario.id, "seed": seed, "pitch": pitch.to_dict(reveal=False)}
    )


@api.route("POST", "/api/train/target", "Answer a pitch as the target", status_code=201)
async def target_api(body: TargetRequest, state: StateDep, journal: JournalDep) -> TargetPublic:
    """Score your answer: keeping your limit, and spotting a theatrical opener.

    The feedback gives the model's estimate of the pressure the sequence put on you. The
    round is stored in the journal under ``trainee``.
    """
    return TargetPublic.model_validate(await play(state, journal, body))


@api.route("GET", "/api/train/progress", "A trainee's rounds and scores")
async def progress_api(
    trainee: TraineeQuery, state: StateDep, journal: JournalDep
) -> ProgressPublic:
    """Every stored round of a trainee, oldest first, and the average score per level."""
    return await progress(state, journal, trainee)


# Pages ----------------------------------------------------------------------------------------


class PlayRequest(RequestSchema):
    """The trainer page's start form."""

    trainee: Key
    domain: str = ""
    level: Literal["beginner", "practitioner", "advanced"] = "beginner"
    role: Literal["requester", "target"] = "requester"
    scenario: str = Field(default="", max_length=80)
    pitches: Pitches = "mixed"


def trainee_of(request: Request) -> str:
    """The trainee's name, from their cookie."""
    return unquote(request.cookies.get(TRAINEE_COOKIE, ""))


def remember(response: Response, request: Request, trainee: str) -> Response:
    """Keep the trainee's name in a cookie for the next visit."""
    response.set_cookie(
        TRAINEE_COOKIE,
        quote(trainee, safe=""),  # any name, as cookie-safe ASCII
        max_age=TRAINEE_DAYS * 24 * 3600,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    return response


def _setup(request: Request, state: AppState, journal: Journal, values: dict[str, Any]) -> Show:
    """The trainer's start page showing ``values``, with the trainee's progress."""

    async def show(status_code: int = 200, **context: Any) -> Response:
        trainee = values.get("trainee", "")
        shown = await progress(state, journal, trainee) if trainee else None
        lists = {"domains": tuple(DOMAINS), "levels": LEVELS, "scenarios": load_trainer_scenarios()}
        start = page(request, "train.html", values=values, progress=shown, **lists)
        return await start(status_code, **context)

    return show


@router.get("/train", include_in_schema=False)
async def train_page(request: Request, state: StateDep, journal: JournalDep) -> Response:
    """Choose a domain, a level and a side; the trainee's progress."""
    values = {"trainee": trainee_of(request), "domain": "", "level": "beginner"}
    return await _setup(request, state, journal, values | {"role": "requester"})()


def _round_page(
    request: Request, play: PlayRequest, scenario: TrainerScenario, seed: int, **context: Any
) -> Show:
    """The round's page: the briefing and the choices, or the pitch and the answer."""
    pitch = None
    if play.role == "target":
        honest = PITCHES_HONEST[play.pitches]
        pitch = make_pitch(scenario, honest=honest, rng=seed).to_dict(reveal=False)
    values = {"delay_hours": "0", "honour_opener": True}
    round_ = {"play": play, "scenario": scenario.to_dict(), "seed": seed, "pitch": pitch}
    return page(request, "train_round.html", **(round_ | {"values": values} | context))


@router.get("/train/play", include_in_schema=False)
async def play_page(request: Request, state: StateDep, journal: JournalDep) -> Response:
    """A new round: a scenario for the chosen domain and level, and a fresh seed."""
    values = dict(request.query_params)

    async def work() -> Response:
        play = parse_form(PlayRequest, values)
        wanted = {"scenario": play.scenario or None, "domain": play.domain or None}
        pick = parse_form(PickRequest, wanted | {"level": play.level})
        seed = fresh_seed()
        shown = await _round_page(request, play, choose(pick, seed), seed)()
        return remember(shown, request, play.trainee)

    return await answer(_setup(request, state, journal, values), work)


def _result_url(trainee: str, round_id: int) -> str:
    return "/train/result?" + urlencode({"trainee": trainee, "round": round_id})


async def _answer_form(request: Request, state: AppState, journal: Journal, role: str) -> Response:
    """Score a submitted round and redirect to it, or show the round again with the errors."""
    booleans = ("honour_opener",) if role == "requester" else ("flag_theatrical",)
    values, _ = await form_values(request, booleans=booleans)
    hidden = {k: values.get(k, "") for k in ("trainee", "scenario", "level", "domain")}
    pitches = values.get("pitches", "mixed")
    hidden["pitches"] = pitches if pitches in PITCHES_HONEST else "mixed"
    try:
        seed = int(values.get("seed", ""))
        scenario = trainer_scenario(str(values.get("scenario", "")))
    except (ValueError, DitfError):
        raise HTTPException(404, "This round is unknown: start a new one on /train.") from None
    chosen = PlayRequest.model_construct(**hidden, role=role)
    data = values | {"seed": seed}

    async def work() -> Response:
        body: RoundRequest | TargetRequest
        if role == "requester":
            body = parse_form(RoundRequest, data)
        else:
            body = parse_form(TargetRequest, data)
        played = await play(state, journal, body)
        found = RedirectResponse(_result_url(played["trainee"], played["round_id"]), 303)
        return remember(found, request, played["trainee"])

    return await answer(_round_page(request, chosen, scenario, seed, values=values), work)


@router.post("/train/round", include_in_schema=False)
async def round_form(request: Request, state: StateDep, journal: JournalDep) -> Response:
    """Play the round as the requester, store it, and show it."""
    return await _answer_form(request, state, journal, "requester")


@router.post("/train/target", include_in_schema=False)
async def target_form(request: Request, state: StateDep, journal: JournalDep) -> Response:
    """Score the answer to the pitch, store it, and show it."""
    return await _answer_form(request, state, journal, "target")


@router.get("/train/result", include_in_schema=False)
async def result_page(
    request: Request,
    state: StateDep,
    journal: JournalDep,
    trainee: TraineeQuery,
    round_id: Annotated[int, Query(alias="round", ge=1)],
) -> HTMLResponse:
    """A stored round's feedback, and the trainee's progress."""
    rounds = await state.io.run(lambda: journal.training_rounds(trainee))
    found = next((r for r in rounds if r.id == round_id), None)
    if found is None:
        raise HTTPException(404, f"No round {round_id} of {trainee!r} in the journal.")
    shown = ProgressPublic.from_core(trainee_progress(trainee, rounds))
    details = found.details
    if found.role == "requester":
        summary = details["scenario"]
        points = {m["mechanism"]: m["points"] for m in details["mechanisms"]}
        title = "Points of P(yes) to your fallback each mechanism added"
    else:
        summary = details["pitch"]["scenario"]
        points = details["pressure"]["contributions"]
        title = "Points each mechanism pulled you toward yes"
    again = {"trainee": trainee, "domain": found.domain, "level": found.level, "role": found.role}
    context: dict[str, Any] = {
        "stored": found,
        "r": details,
        "summary": summary,
        "progress": shown,
        "again": "/train/play?" + urlencode(again),
        "chart": mechanisms_chart(points, title) if points else None,
    }
    return render(request, "train_result.html", **context)


# The class view (a teacher's) ------------------------------------------------------------------


async def class_view(state: AppState, journal: Journal) -> ClassProgress:
    """Every trainee's stored rounds, summed up per trainee and level."""
    return class_progress(await state.io.run(journal.training_rounds))


@api.route("GET", "/api/train/class", "The class: every trainee's rounds and averages")
async def class_api(state: StateDep, journal: JournalDep) -> ClassPublic:
    """Per trainee: rounds (as requester and as target), average score, and per level."""
    return ClassPublic.from_core(await class_view(state, journal))


@router.get("/train/class", include_in_schema=False)
async def class_page(request: Request, state: StateDep, journal: JournalDep) -> HTMLResponse:
    """The class view: rounds per trainee and level, averages, and the CSV export."""
    overview = ClassPublic.from_core(await class_view(state, journal))
    return render(request, "train_class.html", overview=overview)


@router.get("/train/class.csv", include_in_schema=False)
async def class_csv_file(state: StateDep, journal: JournalDep) -> Response:
    """The class view as CSV: one row per trainee and level played."""
    text = class_csv(await class_view(state, journal))
    headers = {"Content-Disposition": 'attachment; filename="class.csv"'}
    return Response(text, media_type="text/csv; charset=utf-8", headers=headers)
