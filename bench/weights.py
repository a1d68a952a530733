"""What each published page weighs, and what makes it up: its pictures (inline, base64), its marks'
positions and tables, and the rest (text, styles, the script). Issue 19's bound is 300 KB for a
report page and 400 KB for the index.

    .venv/bin/python bench/weights.py [REPORTS_FOLDER]   (default: reports/)
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

IMAGE = re.compile(r"data:image/[a-z+]+;base64,[A-Za-z0-9+/=]*")
TABLE = re.compile(r"<table\b.*?</table>", re.S)
MARKS = re.compile(r'<button\b[^>]*class="wc-mark"[^>]*></button>|<div\b[^>]*class="wc-days"[^>]*></div>')


def weigh(page: Path) -> dict[str, int]:
    text = page.read_text(encoding="utf-8")
    images = sum(len(m) for m in IMAGE.findall(text))
    rest = IMAGE.sub("", text)
    tables = sum(len(m) for m in TABLE.findall(rest))
    marks = sum(len(m) for m in MARKS.findall(rest))
    return {
        "total": len(text.encode()),
        "pictures": images,
        "tables": tables,
        "marks": marks,
        "other": len(rest.encode()) - tables - marks,
    }


def main() -> None:
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "reports")
    pages = sorted(folder.glob("*.html"))
    if not pages:
        sys.exit(f"{folder}: no pages (run `make report` first)")
    print(f"{'page':<46} {'total':>8} {'pictures':>9} {'tables':>7} {'marks':>6} {'other':>6}  (KB)")
    over = 0
    for page in pages:
        w = weigh(page)
        bound = 400_000 if page.name == "index.html" else 300_000
        over += w["total"] > bound
        flag = "  OVER" if w["total"] > bound else ""
        print(
            f"{page.name:<46} {w['total'] / 1000:8.0f} {w['pictures'] / 1000:9.0f} {w['tables'] / 1000:7.0f}"
            f" {w['marks'] / 1000:6.0f} {w['other'] / 1000:6.0f}{flag}"
        )
    print(f"{len(pages)} pages, {over} over the bound (300 KB a report page, 400 KB the index)")


if __name__ == "__main__":
    main()
