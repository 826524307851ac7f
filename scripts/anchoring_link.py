"""Write the simulated anchoring link the model's calibration reads (``make fit`` runs it).

For each pull share on a grid, the human-like bargaining counterpart of ``ditf.negotiate``
negotiates the design of :func:`ditf.negotiate.first_offer_association` (20,000 negotiations,
the same seed for every share) and the first-offer/settlement correlation is recorded.

    python scripts/anchoring_link.py src/ditf/data/anchoring_link.csv
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from ditf.negotiate import anchoring_link

#: Pull shares from none to 0.65. Beyond it the association falls again (the hard limits bind
#: more and more), and the calibrated share lies far below.
PULLS = tuple(float(x) for x in np.round(np.arange(0.0, 0.651, 0.05), 2))


def main(out: Path) -> None:
    """Simulate the link and write it to ``out``."""
    rows = anchoring_link(PULLS)
    lines = [
        "# First-offer/settlement correlation of simulated negotiations, by pull share.",
        "# Made by scripts/anchoring_link.py: ditf.negotiate.first_offer_association (its",
        "# default design, n = 20,000, rng = 2026) with the shipped fit's other parameters.",
        "pull,r,low,high,n",
    ]
    for pull, row in zip(PULLS, rows, strict=True):
        lines.append(f"{pull:.2f},{row.r:.4f},{row.low:.4f},{row.high:.4f},{row.n}")
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
