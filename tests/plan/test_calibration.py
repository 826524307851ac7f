"""A context calibrated from the journal changes the plan's lift strength and pull."""

from __future__ import annotations

import json

import pytest
from plan_factories import EXAMPLES, salary_mapping
from typer.testing import CliRunner

from ditf.cli import app
from ditf.data import read_mapping
from ditf.model import ContextFit
from ditf.plan import plan, plan_scenario_from_mapping


def calibration(strength_z: float, *, negotiation: bool = False) -> ContextFit:
    names = ("baseline_z", "strength_z", "anchoring")[: 3 if negotiation else 2]
    mode = (0.0, strength_z, 0.0)[: len(names)]
    cov = tuple(tuple(0.01 if i == j else 0.0 for j in names) for i in names)
    return ContextFit(names=names, mode=mode, cov=cov, reference_cost=1.0, n_asks=100,
                      negotiation=negotiation, prosocial=not negotiation, heterogeneity=0.63,
                      converged=True)  # fmt: skip


def test_a_stronger_context_lifts_the_retreat_more():
    s = plan_scenario_from_mapping(read_mapping(EXAMPLES / "volunteering.toml"))
    weak, typical, strong = (plan(s, calibration=calibration(z)) for z in (-2.0, 0.0, 2.0))
    assert weak.p_fallback_after < typical.p_fallback_after < strong.p_fallback_after


def test_a_negotiation_context_sets_the_pull():
    s = plan_scenario_from_mapping(salary_mapping())
    low = calibration(0.0, negotiation=True)
    high = ContextFit(**{**low.to_dict(), "names": low.names, "mode": (0.0, 0.0, 1.5),
                         "cov": low.cov})  # fmt: skip
    assert (
        plan(s, calibration=low).contributions["anchoring"]
        < plan(s, calibration=high).contributions["anchoring"]
    )


def test_a_calibration_of_another_kind_is_refused():
    s = plan_scenario_from_mapping(salary_mapping())
    with pytest.raises(ValueError, match="calibration is of a favour"):
        plan(s, calibration=calibration(0.0))


def test_the_cli_reads_a_calibration_file(tmp_path):
    path = tmp_path / "context.json"
    path.write_text(json.dumps(calibration(2.0).to_dict()), encoding="utf-8")
    runner = CliRunner()
    volunteering = str(EXAMPLES / "volunteering.toml")
    base = json.loads(runner.invoke(app, ["plan", volunteering, "--json"]).stdout)
    calibrated = runner.invoke(app, ["plan", volunteering, "--json", "--context", str(path)])
    assert calibrated.exit_code == 0, calibrated.output
    assert json.loads(calibrated.stdout)["p_fallback_after"] > base["p_fallback_after"]
    path.write_text("{}", encoding="utf-8")
    refused = runner.invoke(app, ["plan", volunteering, "--context", str(path)])
    assert refused.exit_code == 2 and "context fit" in refused.stderr
