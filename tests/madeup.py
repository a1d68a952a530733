"""Claim tables of many sources, for the tests and the benchmark: the shipped article, the made-up
articles in tests/fixtures/many, and as many generated made-up sources as asked for.

`write_table(root, n)` writes data/ and seeds/ under `root` for a table of `n` sources:
1 is the shipped article alone; 2 adds the hand-written article about several places; 3 adds the
report with no outlet; beyond that each source is generated from a small vocabulary of invented
places, so places recur across sources (a territory family of several places, each with claims
from several sources) and every source brings a territory claim, a drone night (alternating
direction) and a shelling with killed and wounded. Every table validates, coverage included.
"""

from __future__ import annotations

import csv
import hashlib
import random
import shutil
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MANY = ROOT / "tests" / "fixtures" / "many"
HANDWRITTEN = 2  # sources in tests/fixtures/many

# Invented places (no real region is meant): the vocabulary generated sources draw from.
PLACES = ["Ostrivna", "Kalynove", "Stepove", "Pryvillia", "Dubrava", "Verkhnia", "Zarichne", "Lisove"]
COLUMNS = (
    "event_id,source_id,incident,date_start,date_end,date_text,metric,value,qualifier,qualifier_text,value_basis,"
    "claimant,claimant_side,subject,location,country,duration_hours,quote,notes"
).split(",")


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _write(path: Path, rows: list[dict[str, str]], columns) -> None:
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def generated(k: int, rng: random.Random) -> tuple[str, str, dict[str, str], list[dict[str, str]]]:
    """Made-up source number k: (source_id, text, its sources.csv row, its claim rows)."""
    day = date(2025, 9, 1) + timedelta(days=2 * k)
    place = PLACES[k % len(PLACES)]
    town = f"the {place} market"
    source_id = f"{day.isoformat()}-madeup-{k}"
    held, drones, killed, wounded = rng.randint(10, 400), rng.randint(5, 150), rng.randint(1, 12), rng.randint(13, 40)
    territory = f"Ukraine’s general staff said its forces held about {held} square kilometres in the {place} region."
    if k % 2:
        drone = f"Ukraine’s air force said it shot down {drones} Russian drones over Ukraine overnight."
        drone_row = {"claimant": "Ukraine’s air force", "claimant_side": "ukraine", "subject": "Russian drones"}
        drone_row |= {"location": "Ukraine", "country": "Ukraine"}
    else:
        drone = f"Russia’s defence ministry said its air defences intercepted {drones} Ukrainian drones over the {place} region overnight."
        drone_row = {"claimant": "Russia’s defence ministry", "claimant_side": "russia", "subject": "Ukrainian drones"}
        drone_row |= {"location": f"the {place} region", "country": "Russia"}
    shelling = f"The {place} governor said at least {killed} civilians were killed and {wounded} wounded when shells hit {town}."
    # Two sources in three name their outlet and open with a headline; the third records neither.
    headline = f"Made-up report from the {place} region" if k % 3 else ""
    standfirst = "A made-up report for the tests of warclaims: its places and figures are invented."
    text = (
        f"{headline}\n\n" if headline else ""
    ) + f"date {day.isoformat()} {standfirst}\n\n{territory}\n\n{drone}\n\n{shelling}\n"
    common = {"source_id": source_id, "notes": "Generated for the tests (tests/madeup.py)."}
    night = (day - timedelta(days=1)).isoformat(), day.isoformat()
    rows = [
        common
        | {
            "event_id": f"madeup-{k}-held",
            "incident": f"{place.lower()}-front",
            "date_start": day.isoformat(),
            "date_end": day.isoformat(),
            "date_text": "on the report’s day",
            "metric": "territory_held_km2",
            "value": str(held),
            "qualifier": "approximately",
            "qualifier_text": "about",
            "value_basis": "stated",
            "claimant": "Ukraine’s general staff",
            "claimant_side": "ukraine",
            "subject": f"{place} territory held by Ukrainian forces",
            "location": f"{place} region",
            "country": "Russia",
            "quote": territory,
        },
        common
        | drone_row
        | {
            "event_id": f"madeup-{k}-drones",
            "incident": f"drone-night-{night[0]}",
            "date_start": night[0],
            "date_end": night[1],
            "date_text": "overnight",
            "metric": "drones_intercepted",
            "value": str(drones),
            "qualifier": "exact",
            "value_basis": "stated",
            "quote": drone,
        },
    ]
    for metric, value, qualifier in (("killed", killed, "at_least"), ("wounded", wounded, "exact")):
        rows.append(
            common
            | {
                "event_id": f"madeup-{k}-{metric}",
                "incident": f"shelling-{place.lower()}-{day.isoformat()}",
                "date_start": day.isoformat(),
                "date_end": day.isoformat(),
                "date_text": "on the report’s day",
                "metric": metric,
                "value": str(value),
                "qualifier": qualifier,
                "qualifier_text": "at least" if qualifier == "at_least" else "",
                "value_basis": "stated",
                "claimant": f"the {place} governor",
                "claimant_side": "ukraine" if k % 2 else "russia",
                "subject": "civilians",
                "location": town,
                "country": "Ukraine" if k % 2 else "Russia",
                "quote": shelling,
            }
        )
    source = {
        "source_id": source_id,
        "path": f"seeds/{source_id}.txt",
        "published": day.isoformat(),
        "headline": headline,
        "description": standfirst,
        "outlet": "The Test Gazette" if k % 3 else "",
        "url": f"https://example.org/made-up/{k}" if k % 3 else "",
    }
    return source_id, text, source, [dict.fromkeys(COLUMNS, "") | r for r in rows]


def write_table(root: Path, n: int, seed: int = 1) -> Path:
    """data/ and seeds/ of an n-source table under `root` (which may already hold notebooks and code)."""
    if n < 1:
        raise ValueError("a table holds at least one source")
    (root / "data").mkdir(parents=True, exist_ok=True)
    (root / "seeds").mkdir(parents=True, exist_ok=True)
    events, sources, skipped = (_rows(ROOT / "data" / f"{name}.csv") for name in ("events", "sources", "skipped"))
    for p in (ROOT / "seeds").iterdir():
        shutil.copy(p, root / "seeds" / p.name)
    shutil.copy(ROOT / "data" / "metrics.csv", root / "data" / "metrics.csv")
    hand = min(n - 1, HANDWRITTEN)
    if hand:
        keep = [r["source_id"] for r in _rows(MANY / "data" / "sources.csv")][:hand]
        events += [r for r in _rows(MANY / "data" / "events.csv") if r["source_id"] in keep]
        sources += [r for r in _rows(MANY / "data" / "sources.csv") if r["source_id"] in keep]
        skipped += [r for r in _rows(MANY / "data" / "skipped.csv") if r["source_id"] in keep]
        for source_id in keep:
            shutil.copy(MANY / "seeds" / f"{source_id}.txt", root / "seeds" / f"{source_id}.txt")
    rng = random.Random(seed)
    for k in range(n - 1 - hand):
        source_id, text, source, rows = generated(k, rng)
        (root / "seeds" / f"{source_id}.txt").write_text(text, encoding="utf-8")
        source["sha256"] = hashlib.sha256(text.encode("utf-8")).hexdigest()
        sources.append(source)
        events += rows
        skipped.append(
            {
                "source_id": source_id,
                "number": source["published"],
                "context": f"date {source['published']} A made-up",
                "reason": "The source's own date line; recorded in sources.csv.",
            }
        )
    _write(root / "data" / "events.csv", events, COLUMNS)
    _write(
        root / "data" / "sources.csv",
        sources,
        "source_id,path,sha256,published,headline,description,outlet,url".split(","),
    )
    _write(root / "data" / "skipped.csv", skipped, ["source_id", "number", "context", "reason"])
    return root
