"""Study tools: compliance statistics, power and sample size, meta-analysis, oTree export.

Everything here is pure: counts and parameters in, frozen results out. Reading trial CSVs is
in :mod:`ditf.data`; charts are in the application layer.
"""

from __future__ import annotations

from ditf.study._compliance import (
    THREE_ARM_CONTRASTS,
    ArmRate,
    Comparison,
    ComplianceReport,
    analyze,
)
from ditf.study._power import (
    MEASURES,
    ContrastPower,
    PowerCurve,
    PowerResult,
    power_curve,
    power_three_arm,
    power_two_arm,
    sample_size_three_arm,
    sample_size_two_arm,
)

__all__ = [
    "MEASURES",
    "THREE_ARM_CONTRASTS",
    "ArmRate",
    "Comparison",
    "ComplianceReport",
    "ContrastPower",
    "PowerCurve",
    "PowerResult",
    "analyze",
    "power_curve",
    "power_three_arm",
    "power_two_arm",
    "sample_size_three_arm",
    "sample_size_two_arm",
]
