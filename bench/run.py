"""Figures against a generated province, printed as a table.

    .venv/bin/python -m bench.run --database-url postgres://postgres@127.0.0.1:5432/pf_bench

The generated database is copied first (CREATE DATABASE … TEMPLATE) to
`<name>_run`, and every figure is taken on the copy, so runs are repeatable
and the generated data stays as generated. `--in-place` measures the
generated database itself, for a set too large to copy on the disk at hand
(1,000,000 cases ≈ 45 GB): steps and the sweep then change it, so take
`sizes,pages,verify` before `steps,sweep`. The machine's load average is
printed with each figure: on a shared machine the figures are noisy.
"""

import argparse
import math
import os
import random
import sys
import time
from datetime import timedelta
from urllib.parse import quote, urlencode

from bench.generate import in_processes, setup
from bench.output import say, table
from bench.workers import NOT_TIMED, complete_steps, serve_pages, sweep_deadlines


def load():
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def ms(values, q):
    """The `q` quantile of `values` (seconds) in milliseconds, by nearest rank:
    the smallest value with at least q of them at or below it. (Indexing at
    int(q * n) took one rank too many: the p95 of 20 requests was their maximum.)"""
    ordered = sorted(values)
    return ordered[max(math.ceil(q * len(ordered)) - 1, 0)] * 1000


def _copy_database(url, suffix="_run"):
    import psycopg

    source = url.rsplit("/", 1)[1]
    target = f"{source}{suffix}"
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{target}" TEMPLATE "{source}"')
    return url.rsplit("/", 1)[0] + f"/{target}"


def _processes(target, argsets):
    """One process per argument tuple, released together; their results."""
    return in_processes(target, argsets, together=True)


class Figures:
    def __init__(self):
        self.rows = []

    def add(self, figure, value, p50="", p95="", note=""):
        self.rows.append((figure, value, p50, p95, load(), note))


def sizes(figures):
    from django.db import connection
    from viewflow.workflow.status import PROCESS

    from core.cases.models import Case

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT SUM(pg_total_relation_size(c.oid)) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind = 'r' AND n.nspname = 'public'"
        )
        total = cursor.fetchone()[0]
        cursor.execute(
            "SELECT c.relname, pg_total_relation_size(c.oid) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind = 'r' AND n.nspname = 'public' ORDER BY 2 DESC LIMIT 8"
        )
        largest = cursor.fetchall()
    done = Case.objects.filter(status=PROCESS.DONE).count()
    cases = Case.objects.count()
    figures.add(
        "bytes per completed case (all tables+indexes / completed cases)",
        f"{total / done / 1024:,.1f} KB",
        note=f"{total / 2**20:,.0f} MB in all, {done:,} of {cases:,} cases completed",
    )
    for table_name, size in largest:
        figures.add(
            f"  of which {table_name}, per case (all cases)",
            f"{size / cases / 1024:,.1f} KB",
            note=f"{size / 2**20:,.0f} MB",
        )
    return cases


def _open_tasks(count, seed):
    from django.db.models import Q
    from viewflow.workflow.models import Task
    from viewflow.workflow.status import STATUS

    excluded = Q()
    for name in NOT_TIMED:
        excluded |= Q(flow_task__endswith=f".{name}")
    ids = list(
        Task.objects.filter(status=STATUS.NEW, flow_task_type="HUMAN")
        .exclude(excluded)
        .values_list("pk", "flow_task")
    )
    random.Random(seed).shuffle(ids)
    # Pairs of the same step, one for the service and one for bare viewflow,
    # so both complete the same mix of transitions.
    by_step = {}
    for pk, step in ids:
        by_step.setdefault(step, []).append(pk)
    service, bare = [], []
    for pks in by_step.values():
        for i in range(0, len(pks) - 1, 2):
            service.append(pks[i])
            bare.append(pks[i + 1])
    order = random.Random(seed).sample(range(len(service)), len(service))
    return [service[i] for i in order][:count], [bare[i] for i in order][:count]


def steps(figures, url, per_run, worker_counts):
    needed = (per_run + max(worker_counts)) * len(worker_counts)
    service_ids, bare_ids = _open_tasks(needed, seed=11)
    if len(service_ids) < needed:
        say(f"only {len(service_ids)} pairs of open steps; fewer steps per run")
        per_run = len(service_ids) // len(worker_counts) - max(worker_counts)
    rates, chunk = {}, per_run + max(worker_counts)
    for k, workers in enumerate(worker_counts):
        for mode, ids in (("bare", bare_ids), ("service", service_ids)):
            batch = ids[k * chunk : k * chunk + per_run + workers]
            # One more step per worker, done before the clock starts (warm-up).
            parts = [batch[i::workers] for i in range(workers)]
            out = _processes(complete_steps, [(url, mode, part) for part in parts])
            latencies = [x for o in out for x in o["latencies"]]
            errors = {}
            for o in out:
                for key, n in o["errors"].items():
                    errors[key] = errors.get(key, 0) + n
            wall = max(o["wall"] for o in out)
            rates[(mode, workers)] = len(latencies) / wall
            figures.add(
                f"step completions/s, {mode}, {workers} worker(s)",
                f"{len(latencies) / wall:,.1f}/s",
                f"{ms(latencies, 0.5):.1f} ms",
                f"{ms(latencies, 0.95):.1f} ms",
                f"{len(latencies)} steps in {wall:.1f} s"
                + (f"; refused {errors}" if errors else ""),
            )
        ratio = rates[("bare", workers)] / rates[("service", workers)]
        figures.add(f"overhead, service vs bare, {workers} worker(s)", f"{ratio:.2f}x")


def _busiest(role, level):
    """The holder of `role` whose organisation (at `level` of the case) has most open steps."""
    from django.db.models import Count
    from viewflow.workflow.models import Task
    from viewflow.workflow.status import STATUS

    from core.roles.models import RoleAssignment

    field = {"branch": "organisation", "township": "township"}[level]
    top = (
        Task.objects.filter(status=STATUS.NEW, flow_task_type="HUMAN")
        .values(f"process__case__{field}")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    org = top[f"process__case__{field}"]
    holder = RoleAssignment.objects.filter(role=role, organisation_id=org).first()
    return holder.person.user.username


def pages(figures, url, repeat):
    from viewflow.workflow.status import PROCESS

    from core.auditing.search import SearchForm
    from core.cases.models import Case
    from core.organisations.models import Organisation, Tier
    from core.organisations.picker import as_text
    from core.roles.catalogue import Role
    from core.roles.models import RoleAssignment

    branch_sec = _busiest(Role.BRANCH_SECRETARY, "branch")
    organiser = _busiest(Role.TOWNSHIP_ORGANISER, "township")
    staff = RoleAssignment.objects.filter(role=Role.COUNTY_ORG_STAFF).first().person.user.username
    auditors = RoleAssignment.objects.filter(role=Role.AUDITOR).order_by("organisation__path")
    province_auditor = auditors.first()
    city_auditor = auditors.exclude(pk=province_auditor.pk).first()
    staff_scope = RoleAssignment.objects.get(person__user__username=staff).scope
    done = list(
        Case.objects.filter(status=PROCESS.DONE, org_path__startswith=staff_scope.path)
        .order_by("?")
        .values_list("pk", flat=True)[:repeat]
    )
    county = Organisation.objects.filter(
        tier=Tier.COUNTY, parent__parent_id=province_auditor.organisation_id
    ).first()
    today = Case.objects.order_by("-created").values_list("created", flat=True).first().date()
    # The organisation as the picker writes it ("name（code）").
    criteria = {"name": "王", "organisation": as_text(county)}
    criteria |= {"date_from": today - timedelta(days=365), "date_to": today}
    search = f"/auditing/?{urlencode(criteria)}"
    # The picker's lookup, as one types: a county's name (one match), and the
    # worst case, a text in every branch's name (~46,000 matches ranked).
    picker = SearchForm.base_fields["organisation"]
    lookup = "/organisations/lookup/?" + urlencode(
        {"scope": picker.scope, "kind": picker.kinds}, doseq=True
    )
    county_name = county.name.removeprefix("中共").removesuffix("委员会")
    plan = {
        "inbox, branch secretary": (branch_sec, ["/"]),
        "inbox, township organiser": (organiser, ["/"]),
        "inbox, county staff": (staff, ["/"]),
        "case page with full history": (staff, [f"/recruitment/cases/{pk}/" for pk in done]),
        "auditor search (city auditor)": (city_auditor.person.user.username, [search]),
        "auditor search (province auditor)": (province_auditor.person.user.username, [search]),
        "organisation lookup, a county's name (province auditor)": (
            province_auditor.person.user.username,
            [f"{lookup}&q={quote(county_name)}"],
        ),
        "organisation lookup, 党支部 (province auditor)": (
            province_auditor.person.user.username,
            [f"{lookup}&q={quote('党支部')}"],
        ),
    }
    requests = []
    for label, (username, paths) in plan.items():
        for i in range(repeat + 3):
            # The first three are warm-up (templates, caches) and not counted.
            requests.append((label if i >= 3 else "warm-up", username, paths[i % len(paths)]))
    (out,) = in_processes(serve_pages, [(url, requests)])
    for label in plan:
        values = out["timings"][label]
        figures.add(
            label,
            f"{len(values)} requests",
            f"{ms(values, 0.5):.1f} ms",
            f"{ms(values, 0.95):.1f} ms",
            f"HTTP {out['statuses'][label]}",
        )
    figures.add(
        "peak RSS of a web worker serving these pages",
        f"{out['peak_rss_kb'] / 1024:,.0f} MB",
        note=f"{len(requests)} requests, Django test client in one process",
    )


def verify_speed(figures, job_counts):
    from core.audit.chain import verify

    for jobs in job_counts:
        started = time.perf_counter()
        report = verify(jobs=jobs)
        seconds = time.perf_counter() - started
        figures.add(
            f"verify_audit events/s, {jobs} process{'es' if jobs > 1 else ''}",
            f"{report.events / seconds:,.0f}/s",
            note=f"{report.events:,} events, {report.chains:,} chains, ok={report.ok}, {seconds:.1f} s",
        )


def _exactly_due(target, today):
    """Exactly `target` due deadlines on open cases: the generated ones first,
    then extra rows of the same shape on the same open cases; past `target`
    (the 1M set has ~400,000 open deadlines) the rest are marked reminded and
    overdue, as an earlier sweep would have left them. Returns (generated,
    added, set aside)."""
    from django.utils import timezone

    from core.cases.deadlines import _due_rows
    from core.cases.models import Deadline

    due = _due_rows(today).count()
    surplus = list(_due_rows(today).order_by("pk").values_list("pk", flat=True)[target:])
    now = timezone.now()
    for start in range(0, len(surplus), 10_000):
        Deadline.objects.filter(pk__in=surplus[start : start + 10_000]).update(
            reminded_at=now, overdue_at=now
        )
    # Rows to copy are read only when there are too few due.
    rows = list(_due_rows(today).order_by("pk").values()) if target > due else []
    if target > due and not rows:
        raise SystemExit("no deadline is due to copy from: generate the database again")
    extra = []
    for i in range(max(0, target - due)):
        row = dict(rows[i % len(rows)])
        row.pop("id")
        row["kind"] = f"bench_{i // len(rows)}"
        extra.append(Deadline(**row))
    Deadline.objects.bulk_create(extra, batch_size=5000)
    return due, len(extra), len(surplus)


def sweep(figures, url, count):
    from django.db import connection
    from django.utils import timezone

    from core.cases.deadlines import _due_rows

    # A day by which every open deadline is due, reminders and overdue marks.
    today = timezone.localdate() + timedelta(days=3 * 365)
    generated, extra, aside = _exactly_due(count, today)
    due = _due_rows(today).count()
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM audit_auditevent")
        since = cursor.fetchone()[0]
    connection.close()
    out = _processes(sweep_deadlines, [(url, today), (url, today)])
    wall = max(o["wall"] for o in out)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM (SELECT data->>'deadline', action FROM audit_auditevent "
            "WHERE id > %s AND action IN ('deadline_reminded', 'deadline_overdue') "
            "GROUP BY 1, 2 HAVING COUNT(*) > 1) d",
            [since],
        )
        duplicates = cursor.fetchone()[0]
    left = _due_rows(today).count()
    counts = [o["counts"] for o in out]
    figures.add(
        f"timer sweep of {due:,} due deadlines, 2 dispatchers",
        f"{wall:.1f} s",
        note=(
            f"duplicates {duplicates}, still due {left}, per dispatcher {counts}, "
            f"rounds {[o['rounds'] for o in out]}; {generated:,} due as generated"
            f" + {extra:,} added - {aside:,} set aside"
        ),
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/pf_bench")
    # Defaults long enough to read a figure from: 100 steps ran for 0.5-3.4 s
    # (bare 40 to 209 steps/s from one run to the next at 1M), and the p95 of
    # 30 requests is the second slowest.
    parser.add_argument("--steps", type=int, default=1000, help="steps per run and mode")
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--repeat", type=int, default=100, help="requests per page figure")
    parser.add_argument("--timers", type=int, default=100000)
    parser.add_argument("--verify-jobs", default="1,2", help="processes of each verify_audit run")
    parser.add_argument("--only", default="sizes,pages,steps,verify,sweep")
    parser.add_argument(
        "--in-place", action="store_true", help="measure the database itself, not a copy"
    )
    args = parser.parse_args(argv)
    url = args.database_url if args.in_place else _copy_database(args.database_url)
    setup(url)
    from django.core.management import call_command

    # The data is at the schema it was generated with; the code measured may
    # have added migrations (indexes) since.
    call_command("migrate", verbosity=0)
    only = set(args.only.split(","))
    figures = Figures()
    say(f"database {url}, load {load()}, {os.cpu_count()} CPUs")
    if "sizes" in only:
        cases = sizes(figures)
        say(f"{cases:,} cases")
    if "pages" in only:
        pages(figures, url, args.repeat)
    if "steps" in only:
        steps(figures, url, args.steps, [int(w) for w in args.workers.split(",")])
    if "verify" in only:
        verify_speed(figures, [int(n) for n in args.verify_jobs.split(",")])
    if "sweep" in only:
        sweep(figures, url, args.timers)
    say()
    table(figures.rows, ("figure", "value", "p50", "p95", "load 1/5/15 min", "note"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
