"""The bundled evidence: published experiments, meta-analytic effects and findings.

The tables are copied from the project's evidence folder with their sources in every row;
they are validated against a schema each time they are loaded.
"""

from __future__ import annotations

from ditf.data._evidence import (
    CONDITION_TYPES,
    MetaAnalysis,
    StudyCondition,
    load_facts,
    load_meta_analyses,
    load_studies,
    parse_studies,
    read_studies,
)
from ditf.data._files import read_mapping
from ditf.data._fitted import FITTED_FILE, load_fitted
from ditf.data._trials import parse_trials, read_trials
from ditf.data._write import write_files

__all__ = [
    "CONDITION_TYPES",
    "FITTED_FILE",
    "MetaAnalysis",
    "StudyCondition",
    "load_facts",
    "load_fitted",
    "load_meta_analyses",
    "load_studies",
    "parse_studies",
    "parse_trials",
    "read_mapping",
    "read_studies",
    "read_trials",
    "write_files",
]
