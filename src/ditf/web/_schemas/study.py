"""Study: power of the three-arm design and the analysis of compliance data."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, model_validator

from ditf.study import ComplianceReport, PowerResult
from ditf.web._schemas.base import Derived, Public, Request, Seed, Wrapper, derived
from ditf.web._schemas.simulate import ScenarioRequest

#: Most sample sizes in one power curve.
MAX_POWER_SIZES = 20
#: Most arms in one analysis.
MAX_ARMS = 100


class PowerRequest(ScenarioRequest):
    """Simulated power of the three-arm design (DITF, exposure control, target only)."""

    n_per_arm: list[Annotated[int, Field(ge=2, le=1_000_000)]] = Field(
        default=[100, 200, 300, 500, 800],
        min_length=1,
        max_length=MAX_POWER_SIZES,
        description="Sample sizes per arm for the power curve.",
    )
    n_studies: int = Field(default=2_000, ge=10, description="Simulated studies per sample size.")
    alpha: float = Field(default=0.05, gt=0, lt=1, description="Family-wise alpha (Holm).")
    one_sided: bool = Field(default=False, description="Test that the treatment complies more.")
    behavioral: bool = Field(
        default=False, description="Count targets carried out, not verbal yeses."
    )
    uncertainty: bool = Field(default=False, description="Draw parameters from the posterior.")
    target_power: float | None = Field(
        default=None, gt=0, lt=1, description="Also find the people per arm that reach this power."
    )
    test: Literal["fisher", "chi2"] = Field(
        default="fisher", description="The test each contrast is analysed with (as analyze)."
    )
    seed: Seed = 0

    def options(self) -> dict[str, Any]:
        """Keyword arguments shared by :func:`ditf.study.power_curve` and the sample size."""
        return {
            "n_studies": self.n_studies,
            "alpha": self.alpha,
            "alternative": "larger" if self.one_sided else "two-sided",
            "measure": "behavioral" if self.behavioral else "verbal",
            "uncertainty": self.uncertainty,
            "test": self.test,
            "rng": self.seed,
        }


@derived(PowerResult, properties=("mc_se",), after={"test": "heterogeneity"})
class PowerPointPublic(Derived):
    """Simulated power at one sample size."""


class PowerPublic(Public):
    """A power curve, and the sample size for ``target_power`` when one was asked."""

    points: list[PowerPointPublic]
    sample_size: PowerPointPublic | None = None

    @classmethod
    def from_core(
        cls, points: tuple[PowerResult, ...], sample_size: PowerResult | None
    ) -> PowerPublic:
        """Wrap :class:`ditf.study.PowerResult` objects."""
        return cls.model_validate({"points": points, "sample_size": sample_size})


class ArmCountRequest(Request):
    """One arm: its name, people, and people who said yes."""

    condition: str = Field(min_length=1, max_length=100)
    n: int = Field(ge=1, le=10**9)
    yes: int = Field(ge=0, le=10**9)


class AnalyzeRequest(Request):
    """Compliance data of a k-arm study: ``arms`` counts, or ``csv`` text.

    The CSV is what ``ditf study analyze`` reads: ``condition,outcome`` per person, or
    ``condition,n,yes`` per arm.
    """

    model_config = ConfigDict(
        json_schema_extra={
            "oneOf": [
                {
                    "required": ["arms"],
                    "properties": {"arms": {"type": "array"}, "csv": {"type": "null"}},
                },
                {
                    "required": ["csv"],
                    "properties": {"csv": {"type": "string"}, "arms": {"type": "null"}},
                },
            ]
        }
    )

    arms: list[ArmCountRequest] | None = Field(default=None, min_length=2, max_length=MAX_ARMS)
    csv: str | None = Field(default=None, min_length=1)
    reference: str | None = Field(default=None, description="Arm the contrasts compare against.")
    test: Literal["fisher", "chi2"] = "fisher"
    one_sided: bool = Field(default=False, description="Test treatment > control.")

    @model_validator(mode="after")
    def _one_source(self) -> AnalyzeRequest:
        if (self.arms is None) == (self.csv is None):
            raise ValueError("give either 'arms' or 'csv', not both or neither")
        return self


@derived(ComplianceReport)
class AnalysisPublic(Wrapper):
    """Rates per arm, the planned contrasts and the test that all arms comply alike."""
