"""Charts of the claims: the theme, plot functions, figures with alt text, prose, and parameter selection.

The plot functions (`plot_drone_claims`, `plot_casualties`, `plot_territory`, `plot_timeline`,
`plot_drone_context`) are importable from here; they load matplotlib on first use, so selecting
claims (`charts.selection`) does not.
"""

from __future__ import annotations

import importlib

_PLOTS = ("plot_drone_claims", "plot_casualties", "plot_territory", "plot_timeline", "plot_drone_context")
__all__ = [*_PLOTS, "CLAIMS_CSV_ENV", "FIGURE_MIME", "NARROW_MIME", "TABLE_MIME"]

# The MIME type under which a notebook figure carries its name, alt text and SVG (figures.ClaimFigure);
# the report build reads it from here without loading matplotlib.
FIGURE_MIME = "application/vnd.warclaims.figure+json"
# The same chart drawn for a phone's width, a base64 PNG beside the figure's image/png.
NARROW_MIME = "application/vnd.warclaims.narrow+png"
# The MIME type marking the output where a notebook handed the build the claims its page shows
# (figures.ClaimsCSV); the CSV itself goes to the file the build names in CLAIMS_CSV_ENV.
TABLE_MIME = "application/vnd.warclaims.claims+json"
CLAIMS_CSV_ENV = "WARCLAIMS_CLAIMS_CSV"


def __getattr__(name: str):
    if name in _PLOTS:
        return getattr(importlib.import_module("warclaims.charts.plots"), name)
    raise AttributeError(f"module 'warclaims.charts' has no attribute {name!r}")
