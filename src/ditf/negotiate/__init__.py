"""Multi-round bargaining: door-in-the-face against a human-like counterpart, at scale.

Alternating offers over one or several issues, each side with a reservation value (BATNA);
requester strategies (door-in-the-face, time-based concession, tit-for-tat, a direct ask); a
counterpart driven by ditf's fitted behavioural model; a win-win report; a batch engine that
runs many negotiations at once; tournaments; and an adapter to NegMAS
(``pip install 'ditf[negmas]'``, imported only when used). See ``docs/negotiate.md``.

Examples
--------
>>> from ditf.negotiate import OutcomeSpace, Problem, negotiate
>>> problem = Problem(space=OutcomeSpace.single(0, 100, unit="EUR"), target=40,
...                   requester_reservation=30, counterpart_reservation=60)
>>> negotiate(problem, "door_in_the_face", "human", rng=1).status
'agreement'
"""

from __future__ import annotations

from ditf.negotiate._anchoring import (
    FirstOfferAssociation,
    anchoring_link,
    first_offer_association,
)
from ditf.negotiate._batch import COUNTERPARTS, BatchResult, make_counterpart, negotiate_batch
from ditf.negotiate._counterpart import HumanCounterpart
from ditf.negotiate._interop import (
    NegmasClasses,
    negmas_classes,
    negmas_tournament,
    run_negmas,
    to_negmas,
)
from ditf.negotiate._negotiation import Move, Negotiation, negotiate
from ditf.negotiate._scenario import BargainingScenario, scenario_from_mapping
from ditf.negotiate._space import Issue, OutcomeSpace, Problem
from ditf.negotiate._strategies import (
    CONCESSION_EXPONENTS,
    STRATEGIES,
    DirectAsk,
    DoorInTheFace,
    Strategy,
    TimeBased,
    TitForTat,
    make_strategy,
)
from ditf.negotiate._tournament import TournamentResult, TournamentRow, tournament
from ditf.negotiate._welfare import WinWin

__all__ = [
    "CONCESSION_EXPONENTS",
    "COUNTERPARTS",
    "STRATEGIES",
    "BargainingScenario",
    "BatchResult",
    "DirectAsk",
    "DoorInTheFace",
    "FirstOfferAssociation",
    "HumanCounterpart",
    "Issue",
    "Move",
    "NegmasClasses",
    "Negotiation",
    "OutcomeSpace",
    "Problem",
    "Strategy",
    "TimeBased",
    "TitForTat",
    "TournamentResult",
    "TournamentRow",
    "WinWin",
    "anchoring_link",
    "first_offer_association",
    "make_counterpart",
    "make_strategy",
    "negmas_classes",
    "negmas_tournament",
    "negotiate",
    "negotiate_batch",
    "run_negmas",
    "scenario_from_mapping",
    "to_negmas",
    "tournament",
]
