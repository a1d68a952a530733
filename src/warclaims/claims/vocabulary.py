"""The claim table's vocabulary: the ids the code refers to by name, written once.

Sides, qualifiers, value bases and metric families are the allowed values of their columns.
Metric ids named here are the ones charts and prose select by: `data/metrics.csv` must define
each with the family given, so renaming one there fails validation instead of emptying a chart.
"""

from __future__ import annotations

SIDES = ["russia", "ukraine", "other"]
SIDE_LABELS = {
    "russia": "Russia",
    "ukraine": "Ukraine",
    "other": "the publisher",
}  # as a reader reads it: "claims by Russia and the publisher"

QUALIFIERS = ["exact", "at_least", "at_most", "approximately"]
QUALIFIER_GLYPHS = {"exact": "", "at_least": "≥", "at_most": "≤", "approximately": "~"}
QUALIFIER_WORDS = {"exact": "", "at_least": "at least", "at_most": "at most", "approximately": "about"}

VALUE_BASES = ["stated", "derived"]

# Metric families: which chart a metric belongs to.
DRONES = "drones"
CASUALTIES = "casualties"
TERRITORY = "territory"
STRIKES = "strikes"
CONTEXT = "context"
FAMILIES = [DRONES, CASUALTIES, TERRITORY, STRIKES, CONTEXT]

# Metrics the code selects by id, with the family each must have in data/metrics.csv.
EVENT = "event"  # a dated event with no value
DRONES_INTERCEPTED = "drones_intercepted"
TERRITORY_HELD_KM2 = "territory_held_km2"
REQUIRED_METRICS = {EVENT: CONTEXT, DRONES_INTERCEPTED: DRONES, TERRITORY_HELD_KM2: TERRITORY}

# Area units a chart can show, with the factor from km² (1 sq mi = 2.589988110336 km², exact).
UNITS = {"km2": ("km²", 1.0), "mi2": ("sq mi", 1 / 2.589988110336)}

# What the table accepts, so every chart can draw it: dates in a plausible range, finite values.
EARLIEST_DATE = "1900-01-01"
LATEST_DATE = "2100-12-31"
MAX_VALUE = 1_000_000_000
MAX_DURATION_HOURS = 8_784  # a leap year
