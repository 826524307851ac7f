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
from ditf.study._otree import OTREE_ARMS, OtreeDesign, otree_design_from_mapping, render_otree_app
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
    "OTREE_ARMS",
    "THREE_ARM_CONTRASTS",
    "ArmRate",
    "Comparison",
    "ComplianceReport",
    "ContrastPower",
    "OtreeDesign",
    "PowerCurve",
    "PowerResult",
    "analyze",
    "otree_design_from_mapping",
    "power_curve",
    "power_three_arm",
    "power_two_arm",
    "render_otree_app",
    "sample_size_three_arm",
    "sample_size_two_arm",
]
