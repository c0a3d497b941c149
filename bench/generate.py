"""Generate a province: organisations, users with roles, and recruitment cases.

    .venv/bin/python -m bench.generate --scale 100000 \\
        --database-url postgres://postgres@127.0.0.1:5432/pf_bench [--fresh]

Cases are copies of template cases the real engine walked (bench.templates),
spread over the stages as in real life: most complete, some refused as
activists, the rest waiting at a step, mostly the long ones (a year of
cultivation, a year of probation), a share of them past a deadline.
"""

import argparse
import os
import random
import sys
import time
from datetime import timedelta

from bench.output import say

# Django and the project are imported inside the functions: this module is
# loaded before `setup()` points Django at the benchmark database.


def _weights():
    """How many of 1,000 open cases wait at each step (long waits weigh most)."""
    return {
        "talk": 20,
        "choose_activist": 60,
        "file_activist": 10,
        "assign_contacts": 10,
        "cultivate": 280,
        "choose_development_object": 40,
        "file_development_object": 10,
        "assign_sponsors": 10,
        "political_review": 30,
        "training": 20,
        "publicise_object": 10,
        "branch_review": 10,
        "prereview": 10,
        "volunteer_form": 10,
        "admission_meeting": 20,
        "committee_talk": 10,
        "approval": 30,
        "county_filing": 10,
        "placement": 10,
        "oath": 10,
        "probation": 300,
        "conversion_application": 20,
        "publicise_conversion": 10,
        "conversion_meeting": 20,
        "conversion_approval": 20,
        "archive": 20,
    }


# Usual days a case waits at a step before it is done.
WAITS = {
    "choose_activist": 120,
    "cultivate": 365,
    "probation": 330,
    "choose_development_object": 60,
}
SHARE_COMPLETE, SHARE_NOT_CHOSEN, SHARE_OVERDUE = 0.60, 0.05, 0.08
BATCH = 2000


def plan_end(rng, weights):
    from bench.templates import COMPLETE, NOT_CHOSEN

    draw = rng.random()
    if draw < SHARE_COMPLETE:
        return COMPLETE
    if draw < SHARE_COMPLETE + SHARE_NOT_CHOSEN:
        return NOT_CHOSEN
    names, counts = zip(*weights.items(), strict=True)
    return rng.choices(names, counts)[0]


def last_day(rng, end, today):
    """The day the copy's last step was done."""
    from bench.templates import COMPLETE, NOT_CHOSEN

    if end in (COMPLETE, NOT_CHOSEN):
        return today - timedelta(days=rng.randint(14, 8 * 365))
    wait = WAITS.get(end, 25)
    if rng.random() < SHARE_OVERDUE:
        return today - timedelta(days=rng.randint(wait + 30, wait + 240))
    return today - timedelta(days=rng.randint(1, wait))


def _models():
    from django.contrib.auth import get_user_model
    from guardian.models import UserObjectPermission

    from bench import templates
    from core.audit.models import AuditEvent
    from core.organisations.models import Organisation
    from core.people.models import Person
    from core.roles.models import RoleAssignment

    return [
        Organisation,
        get_user_model(),
        Person,
        RoleAssignment,
        UserObjectPermission,
        *templates.case_models(),
        AuditEvent,
    ]


def generate(scale, *, orgs=50000, users=20000, seed=7, workers=1, say=say):
    """Write the province and `scale` cases into the current database; return counts.

    With `workers` > 1 (PostgreSQL only) the cases are copied by that many
    processes at once, each with its own connection.
    """
    from django.db import connection, transaction

    from bench import province as provinces
    from bench import templates
    from bench.rows import Ids, Writer, indexes_built_after, reset_sequences

    started = time.perf_counter()
    order = _models()
    writer, ids = Writer(order), Ids()
    with transaction.atomic():
        province = provinces.build(writer, ids, orgs=orgs, users=users, seed=seed)
        writer.flush()
        # The templates write through the ORM, which takes keys from the sequences.
        reset_sequences(order)
    say(
        f"structure: {province.orgs} organisations, {province.users} users, "
        f"{len(province.branches)} branches with a secretary ({time.perf_counter() - started:.1f} s)"
    )
    captured = templates.capture(province)
    say(f"templates: {len(captured.cases)} end states walked by the engine, rolled back")
    _grant_roles(captured, province, writer, ids, order)
    reset_sequences(order)
    say(f"roles: {len(province.roles)} granted ({time.perf_counter() - started:.1f} s)")
    if workers > 1 and connection.vendor == "postgresql":
        url = os.environ["PARTYFLOW_BENCH_DATABASE_URL"]
        with indexes_built_after(order, url, workers) as deferred:
            say(f"indexes: {len(deferred)} dropped, to be built after the copy")
            results = _copy_in_processes(captured, province, scale, seed, workers, url)
            built = time.perf_counter()
        say(f"indexes: built in {time.perf_counter() - built:.1f} s")
    else:
        results = [copy_cases(captured, province, scale, seed, 0, say)]
    reset_sequences(order)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    rows = dict(writer.written)
    ends = {}
    for result in results:
        for table, count in result["rows"].items():
            rows[table] = rows.get(table, 0) + count
        for end, count in result["ends"].items():
            ends[end] = ends.get(end, 0) + count
    return {
        "seconds": time.perf_counter() - started,
        # Copying the cases: wall seconds, generators' CPU, PostgreSQL backends' CPU.
        "copying": (
            max(r["copying"][0] for r in results),
            sum(r["copying"][1] for r in results),
            sum(r["copying"][2] for r in results),
        ),
        "organisations": province.orgs,
        "users": province.users,
        "cases": sum(ends.values()),
        "ends": ends,
        "rows": rows,
    }


def _grant_roles(captured, province, writer, ids, order):
    from django.db import transaction

    from bench import replicate, templates
    from core.audit.models import AuditEvent

    by_name = {m._meta.object_name: m for m in order}
    compiled_roles = {
        role: replicate.compile_template(t, templates.ROLE_MODELS)
        for role, t in captured.roles.items()
    }
    with transaction.atomic():
        for user_id, person_id, role, org_id, scope in province.roles:
            compiled = compiled_roles[role]
            copy = replicate.Copy(
                compiled,
                case=None,
                base={n: ids.take(by_name[n], c) for n, c in compiled.counts.items() if c},
                roles={"user": user_id, "person": person_id, "org": org_id, "scope": scope},
                days=0,
                shift=0,
                chain=f"person:{person_id}",
                names=province.names,
            )
            for model in templates.ROLE_MODELS:
                for recipe in compiled.tables[model]:
                    writer.add(model, replicate.rows_of(recipe, copy))
            for row in replicate.chain_rows(compiled, copy):
                writer.add(AuditEvent, row)
        writer.flush()


def _copy_in_processes(captured, province, scale, seed, workers, url):
    import pickle

    from django.db import connection

    # Pickled here and loaded after Django is set up in the child: the
    # templates hold model classes.
    payload = pickle.dumps((_by_table(captured, lambda m: m._meta.db_table), province))
    shares = [scale // workers + (1 if k < scale % workers else 0) for k in range(workers)]
    connection.close()
    return in_processes(_copy_worker, [(url, payload, shares[k], seed, k) for k in range(workers)])


def in_processes(target, argsets, *, together=False):
    """Run `target(*args, [barrier,] results)` in one spawned process per argument
    tuple and return what each put on `results`; `together` passes a barrier
    so the processes start their timed work at the same moment."""
    import multiprocessing

    spawn = multiprocessing.get_context("spawn")
    results = spawn.Queue()
    barrier = (spawn.Barrier(len(argsets)),) if together else ()
    procs = [spawn.Process(target=target, args=(*a, *barrier, results)) for a in argsets]
    for proc in procs:
        proc.start()
    out = [results.get() for _ in procs]
    for proc in procs:
        proc.join()
    return out


def _by_table(captured, key):
    """The templates with their rows keyed by `key(model)`: auto-created models
    (many-to-many tables) cannot be pickled, their table names can."""
    from dataclasses import replace

    def rekeyed(template):
        return replace(template, rows={key(m): rows for m, rows in template.rows.items()})

    return replace(
        captured,
        cases={k: rekeyed(t) for k, t in captured.cases.items()},
        roles={k: rekeyed(t) for k, t in captured.roles.items()},
    )


def _copy_worker(url, payload, scale, seed, worker, results):
    import pickle

    setup(url)
    captured, province = pickle.loads(payload)
    models = {m._meta.db_table: m for m in _models()}
    captured = _by_table(captured, models.__getitem__)
    results.put(copy_cases(captured, province, scale, seed, worker, lambda *_: None))


def copy_cases(captured, province, scale, seed, worker, say):
    """Copy `scale` cases from the templates, in batches of one transaction each."""
    from django.db import connection, transaction
    from django.utils import timezone

    from bench import replicate, templates
    from bench.province import People, regions_of
    from bench.rows import Blocks, Ids, Writer, backend_cpu, bulk_session, own_cpu

    order = _models()
    by_name = {m._meta.object_name: m for m in order}
    keyed = {m._meta.object_name for m in order if not m._meta.pk.is_relation}
    started = (time.perf_counter(), own_cpu(), backend_cpu())
    bulk_session()
    rng = random.Random(seed * 1000 + worker)
    writer = Writer(order)
    ids = Blocks() if connection.vendor == "postgresql" else Ids()
    people = People(writer, ids, rng, regions_of(worker))
    compiled = {}
    for end, template in captured.cases.items():
        compiled[end] = replicate.compile_template(template, templates.case_models())
        # (model, count) of the rows that take keys of their own (not Case, Dossier).
        compiled[end].keyed = [
            (by_name[name], n) for name, n in compiled[end].counts.items() if n and name in keyed
        ]
    weights, today, ends, done = _weights(), timezone.localdate(), {}, 0
    while done < scale:
        batch = [plan_end(rng, weights) for _ in range(min(BATCH, scale - done))]
        if isinstance(ids, Blocks):
            need = {by_name["Person"]: len(batch)}
            for end in batch:
                for model, n in compiled[end].keyed:
                    need[model] = need.get(model, 0) + n
            ids.reserve(need)
        with transaction.atomic():
            for end in batch:
                ends[end] = ends.get(end, 0) + 1
                _copy_case(compiled[end], rng, today, province, people, writer, ids)
            writer.flush()
        done += len(batch)
        if done % 20000 == 0 or done == scale:
            say(f"cases: {done:,} ({time.perf_counter() - started[0]:.0f} s)")
    copying = (
        time.perf_counter() - started[0],
        own_cpu() - started[1],
        backend_cpu() - started[2],
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = DEFAULT")
    return {"copying": copying, "ends": ends, "rows": dict(writer.written)}


def _copy_case(compiled, rng, today, province, people, writer, ids):
    from bench.replicate import Copy, chain_rows, rows_of
    from core.audit.models import AuditEvent
    from core.people.choices import Occupation

    template = compiled.template
    branch = rng.choice(province.branches)
    template_last = template.marks[-1][1].date()
    days = (last_day(rng, template.end, today) - template_last).days // 7 * 7
    applied_on = template.marks[0][1].date() + timedelta(days=days)
    subject = template.subject
    started = subject["membership_started_on"]
    name = people.name()
    person = people.add(
        org=branch.id,
        birth=applied_on - timedelta(days=rng.randint(18 * 366, 40 * 365)),
        status=subject["party_status"],
        occupation=rng.choice((Occupation.FARMER, Occupation.WORKER, Occupation.STUDENT)),
        name=name,
        started=started + timedelta(days=days) if started else None,
    )
    base = {model._meta.object_name: ids.take(model, n) for model, n in compiled.keyed}
    case = base["Process"]
    copy = Copy(
        compiled,
        case=case,
        base=base,
        roles={
            "branch": branch.id,
            "township": branch.township,
            "county": branch.county,
            "department": branch.department,
            "secretary": branch.secretary,
            **{
                f"township_user{i}": u
                for i, u in enumerate(province.township_users[branch.township])
            },
            **{f"county_user{i}": u for i, u in enumerate(province.county_users[branch.county])},
            "subject": person,
            **{f"member{i}": m for i, m in enumerate(branch.members)},
        },
        days=days,
        shift=rng.randrange(8 * 3600),
        path=branch.path,
        name=name,
        chain=f"case:{case}",
        names=province.names,
    )
    for model, recipes in compiled.tables.items():
        for recipe in recipes:
            writer.add(model, rows_of(recipe, copy))
    for row in chain_rows(compiled, copy):
        writer.add(AuditEvent, row)


def _create_database(url, fresh):
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and fresh:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    return not exists


def setup(url):
    """Point Django at `url` with the benchmark settings."""
    os.environ["PARTYFLOW_BENCH_DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django

    django.setup()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=10000, help="recruitment cases")
    parser.add_argument("--orgs", type=int, default=50000)
    parser.add_argument("--users", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/pf_bench")
    parser.add_argument("--fresh", action="store_true", help="drop the database first")
    parser.add_argument("--workers", type=int, default=2, help="processes copying cases")
    args = parser.parse_args(argv)
    _create_database(args.database_url, args.fresh)
    setup(args.database_url)
    from django.core.management import call_command
    from django.db import connection

    from bench.rows import vacuum

    call_command("migrate", verbosity=0)
    summary = generate(
        args.scale, orgs=args.orgs, users=args.users, seed=args.seed, workers=args.workers
    )
    say(f"generated {summary['cases']:,} cases in {summary['seconds']:.1f} s")
    if connection.vendor == "postgresql":
        began = time.perf_counter()
        vacuum(args.database_url, args.workers)
        say(f"vacuumed in {time.perf_counter() - began:.1f} s (not in the time above)")
    wall, ours, backend = summary["copying"]
    say(
        f"copying the cases: {wall:.1f} s wall, {ours:.1f} s generator CPU, "
        f"{backend:.1f} s PostgreSQL backends' CPU ({summary['cases'] / wall:,.0f} cases/s)"
    )
    for end, count in sorted(summary["ends"].items(), key=lambda kv: -kv[1]):
        say(f"  {end:<28} {count:>9,}")
    for table, count in summary["rows"].items():
        if count:
            say(f"  {table:<34} {count:>11,} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
