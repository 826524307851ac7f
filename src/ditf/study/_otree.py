"""An oTree app for the door-in-the-face experiment, rendered from a design.

The design is the standard three-arm experiment of Cialdini et al. (1975): door-in-the-face
(the large opener is asked and, usually, refused; then the target is asked), target only, and
exposure control (the opener is described but not asked; then the target is asked). The app is
rendered as text (relative path -> file contents) in oTree's "no-self" format (oTree 5 and 6);
writing it to disk is :func:`ditf.data.write_files`' job.

References
----------
Cialdini, R. B., Vincent, J. E., Lewis, S. K., Catalan, J., Wheeler, D., & Darby, B. L. (1975).
Reciprocal concessions procedure for inducing compliance: The door-in-the-face technique.
*Journal of Personality and Social Psychology*, 31(2), 206-215.

Chen, D. L., Schonger, M., & Wickens, C. (2016). oTree: An open-source platform for laboratory,
online, and field experiments. *Journal of Behavioral and Experimental Finance*, 9, 88-97.
"""

from __future__ import annotations

import hashlib
import html
import keyword
import re
import sys
from collections.abc import Mapping
from dataclasses import MISSING, dataclass, fields
from string import Template
from typing import Any

from ditf._errors import DataError, InvalidParameterError
from ditf._validation import check_int_range, check_keys, check_positive, check_type

__all__ = [
    "MAX_PARTICIPANTS",
    "OTREE_ARMS",
    "OtreeDesign",
    "otree_design_from_mapping",
    "render_otree_app",
]

#: The arms an exported app can have, named as in :data:`ditf.simulate.CONDITIONS`.
OTREE_ARMS = ("door_in_the_face", "target_only", "exposure_control")
#: Most participants one oTree session may have (all arms together). oTree keeps a session
#: in one database and one server process; a field study with more people runs several
#: sessions. Per arm the cap is this divided by the number of arms.
MAX_PARTICIPANTS = 30_000

# The generated app was run with `otree test` under oTree 5.11.5 and 6.0.15. oTree's bots need
# requests, which oTree does not install.
_REQUIREMENTS = """\
otree>=5.11,<7  # the app was tested with oTree 5.11.5 and 6.0.15
requests  # for oTree's bots (otree test)
"""

_APP_NAME = re.compile(r"[a-z][a-z0-9_]*\Z")
# The project folder comes first on sys.path when oTree runs, so an app named like a module
# oTree (or Python) imports would shadow it.
_RESERVED = frozenset(
    {
        "aiofiles", "click", "ditf", "h11", "itsdangerous", "markupsafe", "multipart", "otree",
        "project", "settings", "six", "sqlalchemy", "starlette", "tests", "uvicorn",
        "websockets", "wtforms", "wtforms_sqlalchemy",
    }
) | frozenset(sys.stdlib_module_names)  # fmt: skip

_DEFAULT_INTRO = "Thank you for taking part in this short survey. Please read each page carefully."
_DEFAULT_THANKS = (
    "Thank you for your answers. The requests in this survey were part of a study of how "
    "people respond to requests for help."
)


def _invalid(name: str, owner: str, constraint: str, value: Any) -> InvalidParameterError:
    # The message shape of ditf._validation.
    return InvalidParameterError(
        f"The {name!r} parameter of {owner} must be {constraint}. Got {value!r} instead."
    )


def _check_text(value: Any, name: str, owner: str, *, allow_empty: bool = False) -> str:
    constraint = "a string" if allow_empty else "a non-empty string"
    check_type(value, name, owner, str, constraint)
    if not allow_empty and not value.strip():
        raise _invalid(name, owner, constraint, value)
    return str(value)


def _check_app_name(value: Any, name: str, owner: str) -> str:
    constraint = (
        "a lower-case Python identifier (a-z, 0-9, _; starting with a letter) that is not a "
        "keyword and does not shadow a module oTree imports"
    )
    if (
        not isinstance(value, str)
        or not _APP_NAME.match(value)
        or keyword.iskeyword(value)
        or value in _RESERVED
    ):
        raise _invalid(name, owner, constraint, value)
    return value


def _check_arms(value: Any, name: str, owner: str) -> tuple[str, ...]:
    constraint = (
        f"a list of distinct arms from {list(OTREE_ARMS)} with 'door_in_the_face' and at least one "
        "control"
    )
    if isinstance(value, str) or not isinstance(value, (list, tuple)):
        raise _invalid(name, owner, constraint, value)
    if (
        any(arm not in OTREE_ARMS for arm in value)
        or len(set(value)) != len(value)
        or "door_in_the_face" not in value
        or len(value) < 2
    ):
        raise _invalid(name, owner, constraint, value)
    return tuple(arm for arm in OTREE_ARMS if arm in value)  # one canonical order


def _check_cap(value: int, name: str, owner: str, cap: int) -> None:
    """Refuse a session larger than oTree can run (the number is written into settings.py)."""
    if value > cap:
        shown = str(value) if len(str(value)) <= 20 else f"a {len(str(value))}-digit number"
        raise InvalidParameterError(
            f"The {name!r} parameter of {owner} must be at most {cap:,} (at most "
            f"{MAX_PARTICIPANTS:,} participants in one oTree session). Got {shown} instead. "
            "Run several sessions for a larger study."
        )


def _validate(values: dict[str, Any], names: Mapping[str, str], owner: str) -> dict[str, Any]:
    """Check and normalise the fields of a design; ``names`` renames fields in messages."""

    def nm(field: str) -> str:
        return names.get(field, field)

    out = dict(values)
    out["app_name"] = _check_app_name(values["app_name"], nm("app_name"), owner)
    out["arms"] = arms = _check_arms(values["arms"], nm("arms"), owner)
    out["participants"] = check_int_range(
        values["participants"], nm("participants"), owner, len(arms)
    )
    _check_cap(out["participants"], nm("participants"), owner, MAX_PARTICIPANTS)
    out["unit"] = _check_text(values["unit"], nm("unit"), owner)
    for field in ("opener_cost", "target_cost"):
        out[field] = check_positive(values[field], nm(field), owner)
    if not out["opener_cost"] > out["target_cost"]:
        who = owner[:1].upper() + owner[1:]
        raise InvalidParameterError(
            f"{who} needs {nm('opener_cost')!r} > {nm('target_cost')!r}: the opener is the large "
            f"request. Got {out['opener_cost']:g} and {out['target_cost']:g}."
        )
    for field in ("title", "intro_text", "opener_text", "target_text", "thanks_text"):
        out[field] = _check_text(values[field], nm(field), owner)
    out["retreat_text"] = _check_text(
        values["retreat_text"], nm("retreat_text"), owner, allow_empty=True
    )
    out["exposure_text"] = _check_text(
        values["exposure_text"],
        nm("exposure_text"),
        owner,
        allow_empty="exposure_control" not in arms,
    )
    return out


@dataclass(frozen=True, slots=True, kw_only=True)
class OtreeDesign:
    """A door-in-the-face experiment to run in oTree: its arms, requests and wording.

    Every participant sees an introduction, then, by arm: door-in-the-face, the opener (asked,
    yes/no), then the target; target only, the target; exposure control, a description of the
    opener that asks nothing ("Some people are asked to ..."), then the target. The target is
    worded the same in every arm; in the door-in-the-face arm a refusal of the opener is
    followed by ``retreat_text`` above it. Arms are assigned at random, balanced within each
    session (arm sizes differ by at most one).

    Parameters
    ----------
    app_name : str
        The oTree app and session config name: a lower-case Python identifier that is not a
        keyword nor a module oTree imports (``json``, ``settings``, ``otree``...).
    opener_text, target_text : str
        The large request and the target request, as asked (each ends with its question).
    unit : str
        Unit of the costs (hours, dollars...).
    opener_cost, target_cost : float
        What complying costs, in ``unit``; ``opener_cost > target_cost > 0``. Recorded in the
        app's constants and session description for the analysis; not shown to participants.
    participants : int
        Participants per session in total (``num_demo_participants``): at least one per arm,
        at most :data:`MAX_PARTICIPANTS` (30,000).
    exposure_text : str, default ""
        The description of the opener in the exposure-control arm; required with that arm.
    retreat_text : str, default ""
        Shown above the target after a refused opener ("We understand. ..."); may be empty.
    title : str, default "A short survey"
        Page title and the session's display name.
    intro_text, thanks_text : str
        The first page and the last page (which should debrief).
    arms : tuple of str, default OTREE_ARMS
        Arms to run: ``door_in_the_face`` and at least one of ``target_only`` and
        ``exposure_control``; stored in the order of :data:`OTREE_ARMS`.

    Raises
    ------
    InvalidParameterError
        If a field is of the wrong type or out of range.

    Notes
    -----
    In Cialdini et al.'s (1975) Exp. 1 the exposure-control participants heard both requests
    and were asked to do either; here, as in ditf's ``exposure_control`` condition
    (``described_only``), the opener is only described and the target is asked alone.

    Examples
    --------
    >>> design = OtreeDesign(
    ...     app_name="ditf_zoo", opener_text="Would you counsel ... for two years?",
    ...     exposure_text="Some students are asked to counsel ... for two years.",
    ...     target_text="Would you chaperone a two-hour zoo trip?",
    ...     unit="hours", opener_cost=208, target_cost=2, participants=72,
    ... )
    >>> design.arms
    ('door_in_the_face', 'target_only', 'exposure_control')
    """

    app_name: str
    opener_text: str
    target_text: str
    unit: str
    opener_cost: float
    target_cost: float
    participants: int
    exposure_text: str = ""
    retreat_text: str = ""
    title: str = "A short survey"
    intro_text: str = _DEFAULT_INTRO
    thanks_text: str = _DEFAULT_THANKS
    arms: tuple[str, ...] = OTREE_ARMS

    def __post_init__(self) -> None:
        values = _validate({f.name: getattr(self, f.name) for f in fields(self)}, {}, "OtreeDesign")
        for name, value in values.items():
            object.__setattr__(self, name, value)


# The keys of a design file: dataclass field -> its path in the file.
_PATHS = {
    "app_name": "app_name",
    "title": "title",
    "arms": "arms",
    "participants": "participants",
    "unit": "costs.unit",
    "opener_cost": "costs.opener",
    "target_cost": "costs.target",
    "intro_text": "texts.intro",
    "opener_text": "texts.opener",
    "exposure_text": "texts.exposure",
    "retreat_text": "texts.retreat",
    "target_text": "texts.target",
    "thanks_text": "texts.thanks",
}
_TOP_KEYS = {"app_name", "title", "arms", "participants", "participants_per_arm", "costs", "texts"}
_TABLE_KEYS = {
    "costs": {"unit", "opener", "target"},
    "texts": {"intro", "opener", "exposure", "retreat", "target", "thanks"},
}
_REQUIRED = (
    "app_name", "costs.unit", "costs.opener", "costs.target", "texts.opener", "texts.target",
)  # fmt: skip
_OWNER = "the oTree design"


def otree_design_from_mapping(mapping: Mapping[str, Any]) -> OtreeDesign:
    """Build an :class:`OtreeDesign` from a mapping (a parsed TOML or JSON design file).

    The mapping has ``app_name``, ``participants_per_arm`` or ``participants`` (in total),
    optional ``title`` and ``arms``; a ``costs`` table (``unit``, ``opener``, ``target``) and a
    ``texts`` table (``opener``, ``target``, ``exposure`` with the exposure-control arm,
    optional ``retreat``, ``intro``, ``thanks``). See ``examples/otree_design.toml``.

    Parameters
    ----------
    mapping : mapping
        The parsed design, for example from :func:`ditf.data.read_mapping`.

    Returns
    -------
    OtreeDesign
        The validated design.

    Raises
    ------
    DataError
        If a key is missing, unknown, of the wrong type or out of range; the message names it
        (``'costs.opener'``, ``'texts.target'``...).

    Examples
    --------
    >>> design = otree_design_from_mapping({
    ...     "app_name": "ditf_zoo", "participants_per_arm": 24,
    ...     "costs": {"unit": "hours", "opener": 208, "target": 2},
    ...     "texts": {"opener": "Would you counsel ... for two years?",
    ...               "exposure": "Some students are asked to counsel ... for two years.",
    ...               "target": "Would you chaperone a two-hour zoo trip?"},
    ... })
    >>> design.participants, design.opener_cost
    (72, 208.0)
    >>> otree_design_from_mapping({"app_name": "json"})
    Traceback (most recent call last):
    ...
    ditf._errors.DataError: The 'app_name' parameter of the oTree design must be ...
    """
    if not isinstance(mapping, Mapping):
        raise DataError(f"An oTree design must be a table/object; got {type(mapping).__name__}.")
    check_keys(mapping, _TOP_KEYS, "The oTree design")
    flat: dict[str, Any] = {k: v for k, v in mapping.items() if k not in _TABLE_KEYS}
    for table, keys in _TABLE_KEYS.items():
        sub = mapping.get(table, {})
        if not isinstance(sub, Mapping):
            raise DataError(
                f"The oTree design's {table!r} must be a table/object with keys {sorted(keys)}; "
                f"got {type(sub).__name__}."
            )
        check_keys(sub, keys, f"The oTree design's {table!r} table")
        flat.update({f"{table}.{k}": v for k, v in sub.items()})

    try:
        # app_name first: a bad one is the likeliest mistake and names nothing else.
        if "app_name" in flat:
            _check_app_name(flat["app_name"], "app_name", _OWNER)
        missing = [path for path in _REQUIRED if path not in flat]
        if missing:
            raise DataError(
                f"The oTree design is missing {missing}. Every design needs {list(_REQUIRED)}, "
                "and 'texts.exposure' with the exposure_control arm."
            )
        arms = _check_arms(flat.get("arms", list(OTREE_ARMS)), "arms", _OWNER)
        if "exposure_control" in arms and "texts.exposure" not in flat:
            raise DataError(
                "The oTree design has the 'exposure_control' arm but no 'texts.exposure': the "
                "description of the opener that arm sees. Add it, or drop the arm from 'arms'."
            )
        if ("participants" in flat) == ("participants_per_arm" in flat):
            got = "both" if "participants" in flat else "neither"
            raise DataError(
                "The oTree design needs exactly one of 'participants' (per session, in total) "
                f"and 'participants_per_arm'. Got {got}."
            )
        if "participants_per_arm" in flat:
            per_arm = flat.pop("participants_per_arm")
            per_arm = check_int_range(per_arm, "participants_per_arm", _OWNER, 1)
            _check_cap(per_arm, "participants_per_arm", _OWNER, MAX_PARTICIPANTS // len(arms))
            flat["participants"] = per_arm * len(arms)
        values = {field: flat[path] for field, path in _PATHS.items() if path in flat}
        defaults = {
            f.name: f.default
            for f in fields(OtreeDesign)
            if f.name not in values and f.default is not MISSING
        }
        _validate(values | defaults, _PATHS, _OWNER)
    except InvalidParameterError as exc:
        raise DataError(str(exc)) from exc
    return OtreeDesign(**values)


# Rendering ------------------------------------------------------------------------------------


def _escape(text: str) -> str:
    """Escape ``text`` for an oTree template, on one line.

    Braces are escaped too: oTree's template engine does not autoescape, and a ``{{`` in the
    wording would otherwise be read as template code.
    """
    one_line = " ".join(text.split())
    return html.escape(one_line).replace("{", "&#123;").replace("}", "&#125;")


def _html_text(text: str, indent: str = "    ", attrs: str = "") -> str:
    """``text`` as escaped HTML paragraphs; blank lines separate paragraphs."""
    paragraphs = [_escape(p) for p in re.split(r"\n\s*\n", text.strip())]
    return "\n".join(f"{indent}<p{attrs}>{p}</p>" for p in paragraphs if p)


def _page(title: str, body: str) -> str:
    return (
        "{{ block title }}\n"
        f"    {_escape(title)}\n"
        "{{ endblock }}\n"
        "{{ block content }}\n"
        f"{body}\n"
        "{{ endblock }}\n"
    )


def _templates(design: OtreeDesign) -> dict[str, str]:
    form = "    {{ formfields }}\n    {{ next_button }}"
    next_only = "    {{ next_button }}"
    retreat = ""
    if design.retreat_text.strip():
        # The bots find the retreat by this class.
        paragraphs = _html_text(design.retreat_text, indent="    ", attrs=' class="retreat"')
        retreat = f"    {{{{ if show_retreat }}}}\n{paragraphs}\n    {{{{ endif }}}}\n"
    pages = {
        "Intro": f"{_html_text(design.intro_text)}\n{next_only}",
        "Opener": f"{_html_text(design.opener_text)}\n{form}",
        "ExposureDescription": f"{_html_text(design.exposure_text)}\n{next_only}",
        "Target": f"{retreat}{_html_text(design.target_text)}\n{form}",
        "Thanks": _html_text(design.thanks_text),
    }
    if "exposure_control" not in design.arms:
        del pages["ExposureDescription"]
    return {name: _page(design.title, body) for name, body in pages.items()}


_APP = Template('''\
"""A door-in-the-face experiment, generated by ditf.

Arms: $arm_list.
Each participant is assigned one at random in creating_session, balanced within the session
(arm sizes differ by at most one), and sees:

$arm_pages

The outcome is player.target_answer; player.opener_answer is set in the door_in_the_face arm
only. The arm is stored on the player and on the participant (participant.arm).
"""

import random

from otree.api import BaseConstants, BaseGroup, BasePlayer, BaseSubsession, Page, models, widgets

doc = $doc

YES_NO = [[True, 'Yes'], [False, 'No']]


class C(BaseConstants):
    NAME_IN_URL = $app_name
    PLAYERS_PER_GROUP = None
    NUM_ROUNDS = 1
    DOOR_IN_THE_FACE = 'door_in_the_face'
    TARGET_ONLY = 'target_only'
    EXPOSURE_CONTROL = 'exposure_control'
    OTREE_ARMS = $arms
    # What complying costs, for the analysis (participants see only the wording).
    COST_UNIT = $unit
    OPENER_COST = $opener_cost
    TARGET_COST = $target_cost


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    pass


class Player(BasePlayer):
    arm = models.StringField(doc='The arm assigned in creating_session.')
    opener_answer = models.BooleanField(
        label='Your answer', choices=YES_NO, widget=widgets.RadioSelectHorizontal
    )
    target_answer = models.BooleanField(
        label='Your answer', choices=YES_NO, widget=widgets.RadioSelectHorizontal
    )


def balanced_arms(n, rng):
    """n arms in random order, each arm n // k or n // k + 1 times."""
    k = len(C.OTREE_ARMS)
    arms = list(C.OTREE_ARMS) * (n // k) + rng.sample(C.OTREE_ARMS, n % k)
    rng.shuffle(arms)
    return arms


def creating_session(subsession: Subsession):
    players = subsession.get_players()
    for player, arm in zip(players, balanced_arms(len(players), random.SystemRandom())):
        player.arm = arm
        player.participant.arm = arm


# PAGES
class Intro(Page):
    pass


class Opener(Page):
    form_model = 'player'
    form_fields = ['opener_answer']

    @staticmethod
    def is_displayed(player: Player):
        return player.arm == C.DOOR_IN_THE_FACE

$exposure_page
class Target(Page):
    form_model = 'player'
    form_fields = ['target_answer']

    @staticmethod
    def vars_for_template(player: Player):
        refused = player.arm == C.DOOR_IN_THE_FACE and not player.opener_answer
        return dict(show_retreat=refused)


class Thanks(Page):
    pass


page_sequence = [$page_sequence]
''')

_EXPOSURE_PAGE = """
class ExposureDescription(Page):
    @staticmethod
    def is_displayed(player: Player):
        return player.arm == C.EXPOSURE_CONTROL

"""

_BOTS = Template('''\
"""Bots that walk every arm: run them with `otree test $app_name` (a multiple of $k players).

Each case is one session in which every participant answers the same way; every arm occurs
in every session of at least $k participants. The bots check the page order of each arm, that
the answers are required and recorded, that the arms are balanced, and that the retreat text
follows a refused opener only.
"""

from collections import Counter

from otree.api import Bot, SubmissionMustFail, expect

from . import $imports

HAS_RETREAT = $has_retreat


class PlayerBot(Bot):
    cases = ['refuse_opener_accept_target', 'refuse_both', 'accept_both']

    def play_round(self):
        arm = self.player.arm
        expect(arm, 'in', C.OTREE_ARMS)
        expect(self.participant.arm, arm)
        counts = Counter(p.arm for p in self.subsession.get_players())
        sizes = [counts[a] for a in C.OTREE_ARMS]
        expect(max(sizes) - min(sizes), '<=', 1)

        accept_opener = self.case == 'accept_both'
        accept_target = self.case != 'refuse_both'
        in_door = arm == C.DOOR_IN_THE_FACE

        yield Intro
        if in_door:
            yield SubmissionMustFail(Opener)
            yield Opener, dict(opener_answer=accept_opener)
$exposure_step
        retreat_shown = 'class="retreat"' in self.html
        expect(retreat_shown, HAS_RETREAT and in_door and not accept_opener)
        yield SubmissionMustFail(Target)
        yield Target, dict(target_answer=accept_target)

        expect(self.player.target_answer, accept_target)
        expect(self.player.field_maybe_none('opener_answer'), accept_opener if in_door else None)
''')

_EXPOSURE_STEP = """\
        if arm == C.EXPOSURE_CONTROL:
            expect('opener_answer', 'not in', self.html)
            yield ExposureDescription
"""

_SETTINGS = Template('''\
"""oTree settings for $app_name, generated by ditf.

For a server, set OTREE_PRODUCTION=1, OTREE_AUTH_LEVEL=STUDY, OTREE_ADMIN_PASSWORD and
OTREE_SECRET_KEY in the environment.
"""

from os import environ

SESSION_CONFIGS = [
    dict(
        name=$app_name,
        display_name=$title,
        app_sequence=[$app_name],
        num_demo_participants=$participants,
        doc=$doc,
    ),
]

SESSION_CONFIG_DEFAULTS = dict(real_world_currency_per_point=1.00, participation_fee=0.00, doc='')

# The arm, also on the participant, so the wide export has it next to the session.
PARTICIPANT_FIELDS = ['arm']
SESSION_FIELDS = []

LANGUAGE_CODE = 'en'
REAL_WORLD_CURRENCY_CODE = 'USD'
USE_POINTS = True

ADMIN_USERNAME = 'admin'
ADMIN_PASSWORD = environ.get('OTREE_ADMIN_PASSWORD')

DEMO_PAGE_INTRO_HTML = ''

# oTree signs with SECRET_KEY + ADMIN_PASSWORD; this fallback is derived from the design.
SECRET_KEY = environ.get('OTREE_SECRET_KEY', $secret)
''')

_README = Template("""\
# $heading

An oTree project written by `ditf study export-otree`: a door-in-the-face experiment with
$k arms and $participants participants per session, each assigned an arm at random, balanced
within the session (arm sizes differ by at most one).

| arm | pages |
| --- | --- |
$arm_rows

Opener: $opener_cost $unit; target: $target_cost $unit (recorded in `C`, not shown).

Run the bots, which walk every arm, then try it in a browser (http://localhost:8000):

```console
pip install -r requirements.txt
otree test $app_name
otree devserver
```

Data: the `$app_name` export has `player.arm`, `player.opener_answer` (door-in-the-face arm
only) and `player.target_answer` (the outcome; 1 = yes). Participants who accept the opener
still see the target: decide before collecting data whether to keep them.
""")


_GITIGNORE = """\
venv
db.sqlite3
*.sqlite3
_static_root
_bots*s
__temp*
__pycache__/
*.py[cod]
.DS_Store
*.otreezip
"""

_ARM_PAGES = {
    "door_in_the_face": "Intro, Opener (the large request, asked), Target, Thanks",
    "target_only": "Intro, Target, Thanks",
    "exposure_control": "Intro, ExposureDescription (the large request, described), Target, Thanks",
}


def render_otree_app(design: OtreeDesign) -> dict[str, str]:
    """Render an oTree project that runs ``design``: relative path -> file text.

    The project has ``settings.py`` (one session config named after the app, the participant
    field ``arm``), ``requirements.txt``, ``Procfile``, ``.gitignore``, ``README.md``, and the
    app folder: ``__init__.py`` (constants ``C``, random balanced assignment in
    ``creating_session``, the fields ``arm``, ``opener_answer`` and ``target_answer``, the
    pages), one template per page, and ``tests.py`` with bots that walk every arm. Pure: no
    I/O, and the same design always gives the same text.

    Parameters
    ----------
    design : OtreeDesign
        The experiment.

    Returns
    -------
    dict of str to str
        File texts keyed by POSIX paths relative to the project folder.

    Raises
    ------
    InvalidParameterError
        If ``design`` is not an :class:`OtreeDesign`.

    Examples
    --------
    >>> design = OtreeDesign(
    ...     app_name="ditf_zoo", opener_text="Would you counsel ... for two years?",
    ...     target_text="Would you chaperone a two-hour zoo trip?", unit="hours",
    ...     opener_cost=208, target_cost=2, participants=48,
    ...     arms=("door_in_the_face", "target_only"),
    ... )
    >>> files = render_otree_app(design)
    >>> sorted(p.removeprefix("ditf_zoo/") for p in files if p.startswith("ditf_zoo/"))
    ['Intro.html', 'Opener.html', 'Target.html', 'Thanks.html', '__init__.py', 'tests.py']
    """
    check_type(design, "design", "render_otree_app", OtreeDesign, "an OtreeDesign")
    app, arms = design.app_name, design.arms
    has_exposure = "exposure_control" in arms
    arm_list = ", ".join(arms)
    doc = (
        f"Door-in-the-face ({arm_list}): opener {design.opener_cost:g} {design.unit}, "
        f"target {design.target_cost:g} {design.unit}. Generated by ditf."
    )
    pages = ["Intro", "Opener", *(["ExposureDescription"] if has_exposure else []), "Target"]
    common = {
        "app_name": repr(app),
        "title": repr(design.title),
        "doc": repr(doc),
        "arms": repr(arms),
        "participants": design.participants,
    }
    files = {
        "settings.py": _SETTINGS.substitute(
            common,
            # Not a secret: a stable default so restarts keep sessions; override in production.
            secret=repr(hashlib.sha256(repr(design).encode()).hexdigest()[:32]),
        ),
        "requirements.txt": _REQUIREMENTS,
        "Procfile": "web: otree prodserver1of2\nworker: otree prodserver2of2\n",
        # oTree refuses to start without a _static folder (its static-files app needs one).
        "_static/global/empty.css": "",
        ".gitignore": _GITIGNORE,
        "README.md": _README.substitute(
            heading=" ".join(design.title.split()),
            app_name=app,
            participants=design.participants,
            k=len(arms),
            arm_rows="\n".join(f"| `{a}` | {_ARM_PAGES[a]} |" for a in arms),
            opener_cost=f"{design.opener_cost:g}",
            target_cost=f"{design.target_cost:g}",
            unit=design.unit,
        ),
        f"{app}/__init__.py": _APP.substitute(
            common,
            arm_list=arm_list,
            unit=repr(design.unit),
            opener_cost=repr(design.opener_cost),
            target_cost=repr(design.target_cost),
            arm_pages="\n".join(f"- {a}: {_ARM_PAGES[a]}" for a in arms),
            exposure_page=_EXPOSURE_PAGE if has_exposure else "\n",
            page_sequence=", ".join([*pages, "Thanks"]),
        ),
        f"{app}/tests.py": _BOTS.substitute(
            app_name=app,
            k=len(arms),
            imports=", ".join(["C", *sorted(pages)]),
            has_retreat=bool(design.retreat_text.strip()),
            exposure_step=_EXPOSURE_STEP if has_exposure else "",
        ),
    }
    files |= {f"{app}/{name}.html": text for name, text in _templates(design).items()}
    return files
