"""The `warclaims` command: a thin layer over the package's functions."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from warclaims.errors import InputError, report_lines


def _validate(args: argparse.Namespace) -> int:
    from warclaims.claims.checking import check_all, source_warnings
    from warclaims.claims.summary import one_line

    checked = check_all(args.events)
    problems = checked.problems
    for line in report_lines(problems):
        print(line, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem{'s' * (len(problems) != 1)} found", file=sys.stderr)
        return 1
    for line in report_lines(source_warnings(checked), noun="warnings"):  # the table is valid: these do not fail it
        print(line, file=sys.stderr)
    print(one_line(checked))
    return 0


def _coverage(args: argparse.Namespace) -> int:
    from warclaims.claims.checking import check_all
    from warclaims.claims.coverage import mentions as number_mentions

    checked = check_all(coverage=False)
    if not {"events", "skipped", "sources"} <= checked.tables.keys():
        for line in report_lines(checked.problems):
            print(line, file=sys.stderr)
        return 1
    mentions = number_mentions(checked)
    for m in mentions:
        print(m)
    counts = {s: sum(m.status == s for m in mentions) for s in ("claimed", "skipped", "unaccounted")}
    print(
        f"{len(mentions)} numbers in {len(checked.texts)} source text(s): "
        f"{counts['claimed']} claimed, {counts['skipped']} skipped with a reason, {counts['unaccounted']} unaccounted"
    )
    return 1 if counts["unaccounted"] else 0


def _summary(args: argparse.Namespace) -> int:
    from warclaims.claims.loading import load_claims
    from warclaims.claims.summary import claims_table

    print(claims_table(load_claims(args.events)))
    return 0


def _schema(args: argparse.Namespace) -> int:
    from warclaims.claims.schema import data_dictionary

    print(data_dictionary())
    return 0


def _build(args: argparse.Namespace) -> int:
    import time

    from warclaims.paths import repo_root
    from warclaims.reports.build import BuildLocked, DataInvalid, PublishError, build
    from warclaims.reports.reportlist import ReportListError
    from warclaims.reports.workers import WorkersError

    started = time.perf_counter()
    root = repo_root()
    if args.watch:
        from warclaims.reports.watch import watch

        return watch(
            root,
            reports_file=args.reports,
            show_code=args.show_code,
            jobs=args.jobs,
            timeout=args.timeout,
            warm_kernels=not args.cold_kernels,
        )
    try:
        outcome = build(
            root,
            reports_file=args.reports,
            force=args.force,
            show_code=args.show_code,
            jobs=args.jobs,
            timeout=args.timeout,
            progress=not args.quiet,
            warm_kernels=not args.cold_kernels,
            final=True,  # once publishing begins, Ctrl-C no longer stops this process
        )
    except (ReportListError, DataInvalid, BuildLocked, PublishError, WorkersError) as exc:
        print(exc, file=sys.stderr)
        return 1
    outcome.print_summary(time.perf_counter() - started, timings=args.timings)
    return 0 if outcome.ok else 1


def _out_ok(out: str | None) -> bool:
    """--out names a file in an existing folder (else one line says what is wrong)."""
    if out and (Path(out).is_dir() or not Path(out).parent.is_dir()):
        where = "is a folder" if Path(out).is_dir() else "is in a folder that does not exist"
        print(f"--out {out}: {where}; give a CSV file's path in an existing folder", file=sys.stderr)
        return False
    return True


def _import_attacks(args: argparse.Namespace) -> int:
    import time

    from warclaims.external.attacks import load_attacks

    started = time.perf_counter()
    if not _out_ok(args.out):
        return 1
    models = args.models or str(Path(args.path).with_name("missiles_and_uavs.csv"))
    result = load_attacks(args.path, models, skip_bad_rows=args.skip_bad_rows, shown=args.path)
    for p in result.skipped:
        print(f"skipped {p}", file=sys.stderr)
    if args.out:
        from warclaims.paths import write_atomic

        try:
            write_atomic(Path(args.out), result.frame.to_csv(index=False).encode("utf-8"))
        except OSError as exc:
            print(f"--out {args.out}: cannot be written ({(exc.strerror or str(exc)).lower()})", file=sys.stderr)
            return 1
    print(result.summary(args.path) + f" ({time.perf_counter() - started:.2f} s)")
    return 0


def _absolute(path: str):
    return Path(path).resolve()


def _fetch(args: argparse.Namespace) -> int:
    from warclaims.external.datasets import DatasetListError, load_datasets
    from warclaims.external.fetch import FetchError, check_timeout, fetch_dataset
    from warclaims.paths import repo_root

    try:
        check_timeout(args.timeout)
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 1
    root = repo_root()
    try:
        declared = load_datasets(root)
    except DatasetListError as exc:
        print(exc, file=sys.stderr)
        return 1
    names = args.names or list(declared)
    unknown = [n for n in names if n not in declared]
    if unknown:
        print(
            f"unknown dataset(s) {', '.join(unknown)}; data/external.yaml declares {', '.join(declared)}",
            file=sys.stderr,
        )
        return 1
    if args.base_url and len(names) != 1:
        print("--base-url goes with one dataset name", file=sys.stderr)
        return 1
    if args.listing_url and (len(names) != 1 or not declared[names[0]].listing):
        print("--listing-url goes with one archive's name (deepstate)", file=sys.stderr)
        return 1
    failed = 0
    for name in names:
        if declared[name].manual:
            print(f"{name}: not fetched by warclaims; {declared[name].manual}")
            continue
        if declared[name].listing:
            from warclaims.external.archive import LICENCE_NOTE, fetch_archive

            print(f"{name}: {LICENCE_NOTE}")
            try:
                got = fetch_archive(
                    declared[name],
                    root,
                    base_url=args.base_url,
                    listing_url=args.listing_url,
                    timeout=args.timeout,
                    progress=None if not args.quiet else False,
                    force=args.force,
                )
            except FetchError as exc:
                print(exc, file=sys.stderr)
                failed += 1
                continue
            for line in got.failed:
                print(line, file=sys.stderr)
            print(got)
            failed += bool(got.failed)
            continue
        try:
            for fetched in fetch_dataset(
                declared[name],
                root,
                force=args.force,
                base_url=args.base_url,
                timeout=args.timeout,
                progress=None if not args.quiet else False,
            ):
                print(fetched)
        except FetchError as exc:
            print(exc, file=sys.stderr)
            failed += 1
    return 1 if failed else 0


def _check_external(args: argparse.Namespace) -> int:
    from warclaims.external.datasets import DatasetListError
    from warclaims.external.guard import GuardError, check, read_previous
    from warclaims.paths import repo_root

    root = repo_root()
    previous_path = Path(args.previous) if args.previous else root / "reports" / "external.json"
    shown = args.previous or "reports/external.json"
    try:
        previous = read_previous(previous_path, shown, first_publish=args.first_publish)
        problems = check(root, previous, factor=args.factor, shrink=args.shrink)
    except (DatasetListError, GuardError) as exc:
        print(exc, file=sys.stderr)
        print("guard tripped: it cannot check; do not publish (the last good reports stay)", file=sys.stderr)
        return 1
    for line in problems:
        print(line, file=sys.stderr)
    if problems:
        print(
            f"guard tripped: {len(problems)} problem(s); do not publish (the last good reports stay)", file=sys.stderr
        )
        return 1
    against = "on their own (a first publish)" if not previous else f"against {shown}"
    print(f"ok: the fetched datasets pass the guard {against}")
    return 0


def _import_losses(args: argparse.Namespace) -> int:
    import time

    from warclaims.external.general_staff import load_losses

    started = time.perf_counter()
    result = load_losses(args.path, args.equipment, skip_bad_rows=args.skip_bad_rows, shown=args.path)
    for p in [*result.skipped, *result.corrections]:
        print(f"{'skipped' if p in result.skipped else 'corrected'} {p}", file=sys.stderr)
    print(result.summary(args.path) + f" ({time.perf_counter() - started:.2f} s)")
    return 0


def _import_territory(args: argparse.Namespace) -> int:
    import time

    from warclaims.external.territory import load_territory
    from warclaims.paths import build_cache, repo_root

    started = time.perf_counter()
    if not _out_ok(args.out):
        return 1
    cache = Path(args.cache) if args.cache else build_cache(repo_root()) / "territory"
    if cache.exists() and not cache.is_dir():
        print(f"--cache {args.cache}: is not a folder; give a folder for the snapshots' areas", file=sys.stderr)
        return 1
    result = load_territory(args.paths, args.region, skip_bad_rows=args.skip_bad_rows, cache=cache, jobs=args.jobs)
    for p in result.skipped:
        print(f"skipped {p}", file=sys.stderr)
    if args.out:
        from warclaims.paths import write_atomic

        try:
            write_atomic(Path(args.out), result.frame.to_csv(index=False).encode("utf-8"))
        except OSError as exc:
            print(f"--out {args.out}: cannot be written ({(exc.strerror or str(exc)).lower()})", file=sys.stderr)
            return 1
    shown = args.paths[0] if len(args.paths) == 1 else f"{len(args.paths)} paths"
    print(result.summary(shown) + f" ({time.perf_counter() - started:.2f} s)")
    return 0


COMMANDS = (
    "validate",
    "coverage",
    "summary",
    "build",
    "import-attacks",
    "fetch",
    "check-external",
    "import-losses",
    "import-territory",
    "schema",
)


class _NotBuilt:
    """The parser of a subcommand this run does not name: not built (a no-op build is mostly start-up)."""

    def add_argument(self, *args, **kwargs) -> None:
        pass

    def set_defaults(self, **kwargs) -> None:
        pass


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The command line's parser; with `command`, only that subcommand's parser is built in full."""
    parser = argparse.ArgumentParser(
        prog="warclaims", description="Claims from war reporting: validate the table, chart it, build reports."
    )
    subparsers = parser.add_subparsers(dest="command", required=True)

    def add(name: str, **kwargs):
        return subparsers.add_parser(name, **kwargs) if command in (None, name) else _NotBuilt()

    p = add("validate", help="check data/*.csv and the seeds; exit 1 listing every problem")
    p.add_argument(
        "--events", metavar="FILE", help="an edited copy of the claim table to check instead of data/events.csv"
    )
    p.set_defaults(func=_validate)
    p = add("coverage", help="list every number in the source texts and what accounts for it")
    p.set_defaults(func=_coverage)
    p = add("summary", help="print the claim table, one line per claim")
    p.add_argument("--events", metavar="FILE", help="an alternative claim table")
    p.set_defaults(func=_summary)
    p = add("build", help="execute the report list and render shareable HTML into reports/")
    p.add_argument("--force", action="store_true", help="rebuild every report, changed or not")
    p.add_argument("--show-code", action="store_true", help="include the notebooks' code in the HTML")
    p.add_argument("--jobs", type=int, default=None, help="worker processes (default: one per core, and one more)")
    p.add_argument("--timeout", type=int, default=300, help="seconds a notebook cell may run (default 300)")
    p.add_argument("--reports", metavar="FILE", type=_absolute, help="report list (default reports.yaml)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--timings", action="store_true", help="print when each report started and how long it took")
    p.add_argument(
        "--watch", action="store_true", help="stay running: rebuild when the table, a notebook or the list is saved"
    )
    p.add_argument(
        "--cold-kernels",
        action="store_true",
        help="start each report's kernel as a new Python process instead of forking it from a warm one",
    )
    p.set_defaults(func=_build)
    p = add("import-attacks", help="read the public daily missile and drone attack dataset into a tidy table")
    p.add_argument("path", help="missile_attacks_daily.csv as published")
    p.add_argument("--models", help="the model reference table (default: missiles_and_uavs.csv beside PATH)")
    p.add_argument("--skip-bad-rows", action="store_true", help="leave out rows that cannot be read, and say how many")
    p.add_argument("--out", help="write the tidy table to this CSV")
    p.set_defaults(func=_import_attacks)
    p = add("fetch", help="download the datasets declared in data/external.yaml into data/external/")
    p.add_argument("names", nargs="*", metavar="NAME", help="datasets to fetch (default: all)")
    p.add_argument("--force", action="store_true", help="fetch again files already on disk")
    p.add_argument("--base-url", help="fetch NAME's files from this address instead (a mirror or a local copy)")
    p.add_argument(
        "--listing-url", help="read an archive's file list (a GitHub git tree, JSON) from this address instead"
    )
    p.add_argument(
        "--timeout", type=float, default=120.0, help="seconds a whole file may take before giving up (default 120)"
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=_fetch)
    p = add("check-external", help="the guard: check fetched datasets against the last published summary")
    p.add_argument("--previous", metavar="FILE", help="the published summary (default reports/external.json)")
    p.add_argument(
        "--factor", type=float, default=5.0, help="a new daily figure above FACTOR x the 90-day largest trips it"
    )
    p.add_argument("--shrink", type=float, default=0.10, help="a file smaller by more than this share trips it")
    p.add_argument(
        "--first-publish",
        action="store_true",
        help="there is no published summary yet: check the datasets on their own (else a missing one trips it)",
    )
    p.set_defaults(func=_check_external)
    p = add("import-losses", help="read the General Staff's daily losses (JSON) into a tidy table")
    p.add_argument("path", help="russia_losses_personnel.json as published")
    p.add_argument("--equipment", help="russia_losses_equipment.json, read too")
    p.add_argument(
        "--skip-bad-rows", action="store_true", help="leave out records that cannot be read, and say how many"
    )
    p.set_defaults(func=_import_losses)
    p = add("import-territory", help="areas held, grey and occupied inside a region, per DeepState snapshot")
    p.add_argument("paths", nargs="+", help="snapshot .geojson files or folders of them")
    p.add_argument("--region", required=True, help="the region to measure in (a GeoJSON polygon)")
    p.add_argument("--skip-bad-rows", action="store_true", help="leave out files that cannot be read, and say how many")
    p.add_argument("--jobs", type=int, default=None, help="worker processes (default: one per core)")
    p.add_argument("--out", help="write the areas to this CSV")
    p.add_argument(
        "--cache", metavar="DIR", help="where each snapshot's areas are kept (default build/cache/territory)"
    )
    p.set_defaults(func=_import_territory)
    p = add("schema", help="print the data dictionary (the table contract) as Markdown")
    p.set_defaults(func=_schema)
    return parser


def main(argv: list[str] | None = None) -> int:
    """The command line. Ctrl-C, from here to the process's exit, ends any command with one line
    and status 130 (`interrupts.say_interrupted`), or is ignored once a build has begun to publish
    (it then ends with its summary); `build --watch` says "stopped watching" and exits 0. The
    `warclaims` command starts in `warclaims.command`, which handles Ctrl-C before this loads."""
    from warclaims.interrupts import caused_by_ctrl_c, handle_ctrl_c, ignore_from_now, say_interrupted

    handle_ctrl_c()
    given = sys.argv[1:] if argv is None else argv
    command = given[0] if given and given[0] in COMMANDS else None
    try:
        args = build_parser(command).parse_args(given)
        code = args.func(args)
    except InputError as exc:
        for line in report_lines(exc.problems):
            print(line, file=sys.stderr)
        code = 1
    except BrokenPipeError:
        code = 0
    except KeyboardInterrupt:
        return say_interrupted(given)
    except Exception as exc:
        if caused_by_ctrl_c(exc):  # a Ctrl-C inside a lazy import, wrapped by Python (see interrupts)
            return say_interrupted(given)
        raise
    # The command has said what it did: a Ctrl-C while Python exits changes nothing (handled, it
    # killed the process by SIGINT after its output, or printed from the unraisable hook).
    ignore_from_now()
    return code


if __name__ == "__main__":
    from warclaims.command import main as command

    raise SystemExit(command())
