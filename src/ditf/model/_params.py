"""The model's parameters and the switches that turn each mechanism on or off."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import NamedTuple

import numpy as np

from ditf._errors import InvalidParameterError
from ditf._types import FloatArray
from ditf._validation import check_positive, check_probability, check_type
from ditf.model._priors import ANCHORING_MAX, PRIORS

__all__ = ["MECHANISMS", "Mechanisms", "ModelParams", "ParamArrays"]

MECHANISMS = (
    "reciprocity",
    "contrast",
    "credibility",
    "consistency",
    "follow_through",
    "prosocial_moderation",
    "anchoring",
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Mechanisms:
    """Which mechanisms are on. Switching one off removes exactly its contribution.

    Examples
    --------
    >>> Mechanisms().without("contrast").contrast
    False
    """

    reciprocity: bool = True
    contrast: bool = True
    credibility: bool = True
    consistency: bool = True
    follow_through: bool = True
    prosocial_moderation: bool = True
    anchoring: bool = True

    def __post_init__(self) -> None:
        for name in MECHANISMS:
            check_type(getattr(self, name), name, "Mechanisms", bool, "a bool (True or False)")

    def without(self, *names: str) -> Mechanisms:
        """Return a copy with the named mechanisms switched off.

        Raises
        ------
        InvalidParameterError
            If a name is not one of :data:`MECHANISMS`.
        """
        unknown = sorted(set(names) - set(MECHANISMS))
        if unknown:
            raise InvalidParameterError(
                f"Unknown mechanism(s) {unknown}. Choose from {list(MECHANISMS)}."
            )
        return replace(self, **dict.fromkeys(names, False))

    @classmethod
    def only(cls, *names: str) -> Mechanisms:
        """Return switches with only the named mechanisms on.

        Examples
        --------
        >>> Mechanisms.only("reciprocity").contrast
        False
        """
        cls().without(*names)  # validates the names
        return cls().without(*(m for m in MECHANISMS if m not in names))

    @property
    def active(self) -> tuple[str, ...]:
        """Names of the mechanisms that are on."""
        return tuple(m for m in MECHANISMS if getattr(self, m))


@dataclass(frozen=True, slots=True, kw_only=True)
class ModelParams:
    """Parameters of the behavioural model, on their natural scale.

    Person ``i`` says yes to step ``k`` iff
    ``a + theta_i - cost_sensitivity * ln(c_k) + M_ik + e_ik > 0`` with
    ``theta_i ~ N(0, trait_share)`` and ``e_ik ~ N(0, 1 - trait_share)`` (a probit model).
    ``M_ik`` sums the mechanisms; see ``docs/model.md`` for each term and its source.

    Parameters
    ----------
    cost_sensitivity : float
        Probit drop per unit of log cost (> 0).
    trait_share : float
        Share of the latent variance that is a stable willingness, shared across steps; also
        the latent correlation between two answers of one person. In (0, 0.9].
    reciprocity : float
        Largest lift from a retreat by the same requester (reciprocal concessions;
        Cialdini et al., 1975), probit units (>= 0).
    saturation : float
        Log concession ratio at which the reciprocity and contrast lifts reach half their
        maximum (> 0).
    contrast : float
        Largest lift from having seen a larger anchor, asked or described, by anyone
        (perceptual contrast; Cialdini et al., 1975, exposure control), probit units (>= 0).
    consistency_yes : float
        Lift after a performed yes (self-perception; Freedman & Fraser, 1966) (>= 0).
    agree_only_share : float
        Share of ``consistency_yes`` that a yes which was only agreed to carries, in [0, 1].
    consistency_no : float
        Drop after a refusal (self-perception: "I am not someone who helps") (>= 0).
    half_life_hours : float
        Hours over which the reciprocity and contrast lifts halve (> 0).
    habituation : float
        Share of the reciprocity lift left after each earlier retreat this person saw from
        the same requester, in [0, 1].
    bad_faith : float
        Probit penalty per unit of log excess of an opener over the plausible maximum (>= 0).
    follow_through : float
        P(a verbal yes becomes behaviour), in [0, 1].
    pressure_discount : float
        Relative drop of ``follow_through`` for a yes won by a retreat, in [0, 1].
    non_prosocial : float
        Factor on the sequential lifts when the target is not prosocial, in [0, 1].
    heterogeneity : float
        SD of the study-level log strength of the sequential lifts (>= 0).
    anchoring : float
        Share of the way an opener pulls the counterpart's limit toward it in a negotiation
        over an amount, in [0, 0.9) (first-offer anchoring with insufficient adjustment;
        Galinsky & Mussweiler, 2001). Default: its prior's centre.
    anchor_cap : float
        Largest distance (latent SD of the counterpart's limit) an anchor's pull counts: the
        pull is linear near the ask and saturates toward this (``cap * tanh(d / cap)``), so
        implausibly far anchors lose power (> 0). Default: its prior's centre.
    anchor_heterogeneity : float
        SD of a context's pull share around ``anchoring`` on the logit scale: a new
        negotiation gets its own draw, so its interval carries the spread between studies
        (>= 0). Default: its prior's centre.
    anchor_reversal : float
        Log excess of the opener over the plausible maximum at which its pull is cancelled;
        bolder openers push the limit away (> 0). Default: its prior's centre.

    Examples
    --------
    >>> p = ModelParams.example()
    >>> p.trait_share
    0.5
    """

    cost_sensitivity: float
    trait_share: float
    reciprocity: float
    saturation: float
    contrast: float
    consistency_yes: float
    agree_only_share: float
    consistency_no: float
    half_life_hours: float
    habituation: float
    bad_faith: float
    follow_through: float
    pressure_discount: float
    non_prosocial: float
    heterogeneity: float
    anchoring: float = PRIORS["anchoring"].center
    anchor_cap: float = PRIORS["anchor_cap"].center
    anchor_reversal: float = PRIORS["anchor_reversal"].center
    anchor_heterogeneity: float = PRIORS["anchor_heterogeneity"].center

    def __post_init__(self) -> None:
        owner = "ModelParams"
        for name in (
            "cost_sensitivity", "saturation", "half_life_hours", "anchor_cap", "anchor_reversal",
        ):  # fmt: skip
            object.__setattr__(self, name, check_positive(getattr(self, name), name, owner))
        for name in (
            "reciprocity",
            "contrast",
            "consistency_yes",
            "consistency_no",
            "bad_faith",
            "heterogeneity",
            "anchor_heterogeneity",
        ):
            value = check_positive(getattr(self, name), name, owner, allow_zero=True)
            object.__setattr__(self, name, value)
        for name in (
            "agree_only_share",
            "habituation",
            "follow_through",
            "pressure_discount",
            "non_prosocial",
        ):
            object.__setattr__(self, name, check_probability(getattr(self, name), name, owner))
        w = check_probability(self.trait_share, "trait_share", owner)
        if not 0.0 < w <= 0.9:
            raise InvalidParameterError(
                f"The 'trait_share' parameter of ModelParams must be a float in (0, 0.9]. "
                f"Got {self.trait_share!r} instead."
            )
        object.__setattr__(self, "trait_share", w)
        pull = check_probability(self.anchoring, "anchoring", owner)
        if not pull < ANCHORING_MAX:
            raise InvalidParameterError(
                f"The 'anchoring' parameter of ModelParams must be a float in [0, "
                f"{ANCHORING_MAX}). Got {self.anchoring!r} instead."
            )
        object.__setattr__(self, "anchoring", pull)

    @classmethod
    def names(cls) -> tuple[str, ...]:
        """Parameter names in their canonical order."""
        return tuple(f.name for f in fields(cls))

    def to_array(self) -> FloatArray:
        """Return the parameters as a vector in :meth:`names` order."""
        return np.array([getattr(self, n) for n in self.names()], dtype=float)

    @classmethod
    def example(cls) -> ModelParams:
        """A round set of values for examples and tests (not fitted: use ``load_model``)."""
        return cls(
            cost_sensitivity=0.4,
            trait_share=0.5,
            reciprocity=0.6,
            saturation=1.0,
            contrast=0.15,
            consistency_yes=0.4,
            agree_only_share=0.5,
            consistency_no=0.15,
            half_life_hours=6.0,
            habituation=0.6,
            bad_faith=0.5,
            follow_through=0.7,
            pressure_discount=0.3,
            non_prosocial=0.4,
            heterogeneity=0.5,
        )


class ParamArrays(NamedTuple):
    """The parameters as arrays that broadcast together (e.g. one row per posterior draw)."""

    cost_sensitivity: FloatArray
    trait_share: FloatArray
    reciprocity: FloatArray
    saturation: FloatArray
    contrast: FloatArray
    consistency_yes: FloatArray
    agree_only_share: FloatArray
    consistency_no: FloatArray
    half_life_hours: FloatArray
    habituation: FloatArray
    bad_faith: FloatArray
    follow_through: FloatArray
    pressure_discount: FloatArray
    non_prosocial: FloatArray
    heterogeneity: FloatArray
    anchoring: FloatArray
    anchor_cap: FloatArray
    anchor_reversal: FloatArray
    anchor_heterogeneity: FloatArray

    @classmethod
    def from_matrix(cls, matrix: FloatArray) -> ParamArrays:
        """Columns of ``matrix`` (shape ``(n_draws, n_params)``) as column vectors ``(n, 1)``."""
        return cls(*(matrix[:, [j]] for j in range(matrix.shape[1])))
