"""Study tools: compliance statistics, power and sample size, meta-analysis, oTree export."""

from __future__ import annotations

__all__: list[str] = []
