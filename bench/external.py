"""Benchmark of the external datasets: the General Staff importer on the full files (when given),
on a generated file of 100,000 daily records with ten counts each (1,000,000 counts), and `warclaims
fetch` throughput from a local HTTP server (127.0.0.1; nothing leaves the machine).

    .venv/bin/python bench/external.py [--full DIR]   # DIR holds russia_losses_{personnel,equipment}.json
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import tempfile
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from warclaims.external.datasets import Dataset
from warclaims.external.fetch import fetch_file
from warclaims.external.general_staff import load_losses


def timed(fn, repeat: int = 3) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def generate(path: Path, days: int = 100_000, metrics: int = 10) -> None:
    start, totals, records = dt.date(1900, 1, 1), [0] * metrics, []
    for i in range(days):
        totals = [t + (i * 7 + k * 13) % 50 for k, t in enumerate(totals)]
        record = {"date": (start + dt.timedelta(days=i)).isoformat(), "day": i + 1}
        record.update({f"metric {k}": t for k, t in enumerate(totals)})
        records.append(record)
    path.write_text(json.dumps(records))


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def fetch_throughput(folder: Path, megabytes: int = 64) -> float:
    (folder / "serve").mkdir()
    (folder / "serve" / "big.bin").write_bytes(bytes(range(256)) * (megabytes * 4096))
    handler = lambda *a, **k: Quiet(*a, directory=str(folder / "serve"), **k)  # noqa: E731
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    dataset = Dataset(
        "bench", "", "", "", "other", "", "", "", f"http://127.0.0.1:{httpd.server_address[1]}", ("big.bin",)
    )
    seconds, _ = timed(lambda: fetch_file(dataset, "big.bin", folder, progress=False))
    httpd.shutdown()
    return megabytes / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--full", type=Path, help="a folder with the full russia_losses_*.json files")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if args.full:
            personnel, equipment = (
                args.full / "russia_losses_personnel.json",
                args.full / "russia_losses_equipment.json",
            )
            seconds, result = timed(lambda: load_losses(personnel, equipment))
            size = (personnel.stat().st_size + equipment.stat().st_size) / 1e6
            print(
                f"full General Staff files: {result.records:,} records ({size:.1f} MB), "
                f"{result.frame['date'].nunique():,} days, {len(result.frame):,} rows in {seconds * 1000:.0f} ms (median of 3)"
            )
        path = folder / "generated.json"
        generate(path)
        seconds, result = timed(lambda: load_losses(path, path))
        print(
            f"generated file: {result.records // 2:,} daily records x 10 counts, read as personnel and equipment "
            f"({path.stat().st_size / 1e6:.0f} MB, {len(result.frame):,} rows) in {seconds:.2f} s (median of 3)"
        )
        print(f"fetch from a local server: {fetch_throughput(folder):.0f} MB/s (64 MB file, median of 3)")


if __name__ == "__main__":
    main()
