"""Defend: recognise door-in-the-face used on you, and keep your minimum.

The receiving end of the technique: a counterpart asks for a lot, then "concedes" to a
smaller request, and reciprocity makes a second no feel rude. :func:`defend` classifies the
sequence with its evidence (:func:`recognise`), estimates with the behavioural model how much
of your inclination to say yes comes from the sequence rather than the request
(:func:`estimate_pressure`), and checks the request against your limit, BATNA and benchmarks
with a reply that asks for the criterion behind the number (:func:`advise`).
See ``docs/defend.md``.
"""

from __future__ import annotations

from ditf.defend._advice import POSITIONS, VERDICTS, Advice, advise, choose_counter
from ditf.defend._case import DIRECTIONS, AskedRequest, DefendCase, Episode
from ditf.defend._defend import Defence, defend
from ditf.defend._mapping import defend_case_from_mapping
from ditf.defend._pressure import Pressure, estimate_pressure, explain_contributions
from ditf.defend._recognise import (
    PATTERNS,
    THRESHOLD,
    WEIGHTS,
    Component,
    Evidence,
    Recognition,
    recognise,
)
from ditf.defend._report import defence_report

__all__ = [
    "DIRECTIONS",
    "PATTERNS",
    "POSITIONS",
    "THRESHOLD",
    "VERDICTS",
    "WEIGHTS",
    "Advice",
    "AskedRequest",
    "Component",
    "Defence",
    "DefendCase",
    "Episode",
    "Evidence",
    "Pressure",
    "Recognition",
    "advise",
    "choose_counter",
    "defence_report",
    "defend",
    "defend_case_from_mapping",
    "estimate_pressure",
    "explain_contributions",
    "recognise",
]
