"""The one error tree of ditf.

Every error raised on purpose by ditf derives from :class:`DitfError`; third-party errors are
translated where that dependency is used (``raise ... from exc``)::

    DitfError(Exception)
    ├── InvalidParameterError(DitfError, ValueError)   # a value outside its documented range
    ├── DataError(DitfError, ValueError)               # bundled or user data malformed
    ├── FitError(DitfError)                            # the optimiser failed outright
    ├── MissingDependencyError(DitfError, ImportError) # an optional extra is not installed
    ├── BackendError(DitfError)                        # an execution backend (Dask) failed
    ├── NegotiationError(DitfError)                    # a negotiation could not run (wraps NegMAS)
    ├── PlanRejected(DitfError)                        # the audit blocks a plan in strict mode
    └── JournalError(DitfError)                        # the journal failed (wraps SQLAlchemy)
    DitfWarning(UserWarning)
    ├── ConvergenceWarning                             # the fit stopped early; result usable
    └── ExtrapolationWarning                           # input outside the evidence's range

Messages say what happened, the likely cause, and the fix.
"""

from __future__ import annotations

__all__ = [
    "BackendError",
    "ConvergenceWarning",
    "DataError",
    "DitfError",
    "DitfWarning",
    "ExtrapolationWarning",
    "FitError",
    "InvalidParameterError",
    "JournalError",
    "MissingDependencyError",
    "NegotiationError",
    "PlanRejected",
]


class DitfError(Exception):
    """Base class of every error ditf raises on purpose."""


class InvalidParameterError(DitfError, ValueError):
    """A parameter is outside its documented range or of the wrong type."""


class DataError(DitfError, ValueError):
    """A data table (bundled or the user's) does not match its schema."""


class FitError(DitfError):
    """The likelihood could not be optimised."""


class MissingDependencyError(DitfError, ImportError):
    """An optional extra is needed; the message names the ``pip install`` to run."""


class DitfWarning(UserWarning):
    """Base class of ditf's warnings."""


class ConvergenceWarning(DitfWarning):
    """The optimiser stopped before its convergence criterion; check the result."""


class ExtrapolationWarning(DitfWarning):
    """An input lies outside the range the evidence covers."""


class BackendError(DitfError):
    """An execution backend failed: a scheduler is unreachable or a worker died."""


class NegotiationError(DitfError):
    """A negotiation could not be run; NegMAS failures are translated into this."""


class PlanRejected(DitfError):
    """The ethics audit found a blocking problem and strict mode refused to emit the plan."""


class JournalError(DitfError):
    """The journal database could not be read or written; nothing half-written is kept."""
