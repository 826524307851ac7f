"""The bundled evidence: published experiments, meta-analytic effects, negotiation findings.

The tables are copied from the project's evidence folder with their sources in every row;
they are validated against a schema each time they are loaded.
"""

from __future__ import annotations

from ditf.data._audit_rules import AUDIT_RULES_FILE, AuditRule, load_audit_rules
from ditf.data._evidence import (
    CONDITION_TYPES,
    CONFIDENCE_LEVELS,
    NEGOTIATION_METRICS,
    MetaAnalysis,
    NegotiationFinding,
    StudyCondition,
    load_facts,
    load_meta_analyses,
    load_negotiation_evidence,
    load_studies,
    parse_negotiation_evidence,
    parse_studies,
    read_studies,
)
from ditf.data._files import read_mapping
from ditf.data._fitted import (
    ANCHORING_LINK_FILE,
    FITTED_FILE,
    load_anchoring_link,
    load_fitted,
    parse_anchoring_link,
)
from ditf.data._mapping import mapping_format, parse_mapping
from ditf.data._meta_input import (
    META_KINDS,
    SUBJECTS_PER_EFFECT,
    MetaTable,
    load_bcg,
    load_meta_example,
    parse_meta_table,
    read_meta_table,
)
from ditf.data._trainer import (
    TRAINER_DOMAINS,
    TRAINER_FOLDER,
    TRAINER_LEVELS,
    load_trainer_data,
)
from ditf.data._trials import parse_trials, read_trials
from ditf.data._write import write_files

__all__ = [
    "ANCHORING_LINK_FILE",
    "AUDIT_RULES_FILE",
    "CONDITION_TYPES",
    "CONFIDENCE_LEVELS",
    "FITTED_FILE",
    "META_KINDS",
    "NEGOTIATION_METRICS",
    "SUBJECTS_PER_EFFECT",
    "TRAINER_DOMAINS",
    "TRAINER_FOLDER",
    "TRAINER_LEVELS",
    "AuditRule",
    "MetaAnalysis",
    "MetaTable",
    "NegotiationFinding",
    "StudyCondition",
    "load_anchoring_link",
    "load_audit_rules",
    "load_bcg",
    "load_facts",
    "load_fitted",
    "load_meta_analyses",
    "load_meta_example",
    "load_negotiation_evidence",
    "load_studies",
    "load_trainer_data",
    "mapping_format",
    "parse_anchoring_link",
    "parse_mapping",
    "parse_meta_table",
    "parse_negotiation_evidence",
    "parse_studies",
    "parse_trials",
    "read_mapping",
    "read_meta_table",
    "read_studies",
    "read_trials",
    "write_files",
]
