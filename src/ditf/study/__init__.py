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
from ditf.study._metaanalysis import (
    CONTINUITY_CORRECTION,
    META_MEASURES,
    TAU2_METHODS,
    BiasTests,
    EffectSizes,
    MetaRegression,
    MetaReport,
    MetaResult,
    RegressionTest,
    TrimFill,
    back_transform,
    bias_tests,
    effects_from_counts,
    effects_from_r,
    egger_test,
    meta_analyze,
    meta_from_table,
    meta_regression,
    peters_test,
    trim_and_fill,
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
    "CONTINUITY_CORRECTION",
    "MEASURES",
    "META_MEASURES",
    "OTREE_ARMS",
    "TAU2_METHODS",
    "THREE_ARM_CONTRASTS",
    "ArmRate",
    "BiasTests",
    "Comparison",
    "ComplianceReport",
    "ContrastPower",
    "EffectSizes",
    "MetaRegression",
    "MetaReport",
    "MetaResult",
    "OtreeDesign",
    "PowerCurve",
    "PowerResult",
    "RegressionTest",
    "TrimFill",
    "analyze",
    "back_transform",
    "bias_tests",
    "effects_from_counts",
    "effects_from_r",
    "egger_test",
    "meta_analyze",
    "meta_from_table",
    "meta_regression",
    "otree_design_from_mapping",
    "peters_test",
    "power_curve",
    "power_three_arm",
    "power_two_arm",
    "render_otree_app",
    "sample_size_three_arm",
    "sample_size_two_arm",
    "trim_and_fill",
]
