"""Where the time of one step completion goes: the service path against bare viewflow.

    .venv/bin/python -m bench.profile_step --database-url postgres://postgres@127.0.0.1:5432/pf_bench_run

Run it on the copy bench.run makes (it completes steps). It completes
`--steps` open steps each way under cProfile, counts the SQL queries of each
and prints, per step: queries, time, and the time spent in each part of the
code (own time of the functions of each package), then the heaviest calls.
"""

import argparse
import cProfile
import pstats
import sys
import time

from bench.generate import setup
from bench.output import say, table

PARTS = [
    ("core/flowkit", "flowkit service path"),
    ("core/audit", "audit chain"),
    ("core/notifications", "notifications"),
    ("core/roles", "roles and scope"),
    ("core/cases", "deadlines"),
    ("workflows/recruitment", "recruitment services and rules"),
    ("viewflow/", "viewflow"),
    ("psycopg", "database driver (incl. waiting for PostgreSQL)"),
    ("django/db", "Django ORM"),
    ("django/", "Django other"),
]


def _part(filename):
    for needle, label in PARTS:
        if needle in filename:
            return label
    return "other (stdlib, json, hashing …)"


def _breakdown(stats, count):
    totals = {}
    for (filename, _line, _name), (_cc, _nc, own, _cum, _callers) in stats.stats.items():
        label = _part(filename)
        totals[label] = totals.get(label, 0.0) + own
    return sorted(((k, v / count * 1000) for k, v in totals.items()), key=lambda kv: -kv[1])


def _run(mode, task_ids):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bench.workers import _bare_jobs, _complete, _service_jobs

    jobs = _service_jobs(task_ids) if mode == "service" else _bare_jobs(task_ids)
    # The first step loads URL patterns, translations and flow graphs: not profiled.
    _complete(mode, jobs.pop(0))
    profile = cProfile.Profile()
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        profile.enable()
        for job in jobs:
            _complete(mode, job)
        profile.disable()
        seconds = time.perf_counter() - started
    return len(jobs), len(queries.captured_queries), seconds, pstats.Stats(profile), queries


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/pf_bench_run")
    parser.add_argument("--steps", type=int, default=40)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--sweep", type=int, default=0, help="also profile a sweep of N deadlines")
    args = parser.parse_args(argv)
    setup(args.database_url)
    from bench.run import _open_tasks

    service_ids, bare_ids = _open_tasks(args.steps, seed=29)
    rows, results = [], {}
    for mode, ids in (("bare", bare_ids), ("service", service_ids)):
        count, queries, seconds, stats, captured = _run(mode, ids)
        results[mode] = (stats, count, captured)
        rows.append((mode, count, f"{queries / count:.1f}", f"{seconds / count * 1000:.1f} ms"))
    table(rows, ("path", "steps", "queries/step", "time/step (profiled)"))
    for mode, (stats, count, captured) in results.items():
        say(f"\n{mode}: own time per step by part of the code")
        table([(k, f"{v:.2f} ms") for k, v in _breakdown(stats, count)], ("part", "ms/step"))
        say(f"\n{mode}: queries per step by statement and table")
        _query_table(captured, count)
    say(f"\nservice: the {args.top} heaviest calls (cumulative)")
    results["service"][0].sort_stats("cumulative").print_stats(args.top)
    if args.sweep:
        _profile_sweep(args.sweep)
    return 0


def _profile_sweep(count):
    """One dispatcher sweeping `count` due deadlines: queries and time per deadline."""
    from datetime import timedelta

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from bench.run import _exactly_due
    from core.cases.deadlines import sweep

    today = timezone.localdate() + timedelta(days=3 * 365)
    _exactly_due(count, today)
    profile = cProfile.Profile()
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        profile.enable()
        counts = sweep(today=today)
        profile.disable()
        seconds = time.perf_counter() - started
    n = counts["reminded"]
    say(f"\nsweep of {n} due deadlines by one dispatcher: {counts}")
    say(
        f"{len(queries.captured_queries) / n:.1f} queries and {seconds / n * 1000:.1f} ms per deadline"
    )
    _query_table(queries, n)
    table(
        [(k, f"{v:.2f} ms") for k, v in _breakdown(pstats.Stats(profile), n)],
        ("part", "ms/deadline"),
    )


def _query_table(captured, count):
    kinds = {}
    for query in captured.captured_queries:
        sql = query["sql"].lstrip()
        key = sql.split()[0] + " " + _table_of(sql)
        n, seconds = kinds.get(key, (0, 0.0))
        kinds[key] = (n + 1, seconds + float(query["time"]))
    table(
        [
            (k, f"{n / count:.1f}", f"{s / count * 1000:.2f} ms")
            for k, (n, s) in sorted(kinds.items(), key=lambda kv: -kv[1][1])
            if not k.startswith("INSERT UNNEST")
        ],
        ("statement", "per step", "time per step"),
    )


def _table_of(sql):
    for word in ("FROM", "INTO", "UPDATE"):
        if f"{word} " in sql:
            return sql.split(f"{word} ", 1)[1].split()[0].strip('"')
    return ""


if __name__ == "__main__":
    sys.exit(main())
