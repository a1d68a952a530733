"""The MIME type under which a notebook figure carries its name, alt text and SVG.

Kept apart from figures.py so the report build can read it without importing matplotlib.
"""

FIGURE_MIME = "application/vnd.warclaims.figure+json"
