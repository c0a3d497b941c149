"""Peak memory of a people import, 1,000 rows against 10,000 (tracemalloc).

    .venv/bin/python bench/imports_memory.py [rows ...]
    .venv/bin/python bench/imports_memory.py --rss 1000 10000 100000
    .venv/bin/python bench/imports_memory.py --rss --database-url postgres://postgres@127.0.0.1:5432/pf_import 100000

Builds the demo county in an in-memory SQLite database, writes workbooks of
valid people rows, and for each measures the peak of Python allocations
(a) while only reading the rows and (b) during a whole dry run through the
job runner (forms, ID validation and encryption, savepoints, rollback). The
reader streams, so both peaks should stay about flat as the rows grow; the
figures are printed, not asserted (they vary by machine and library version).

tracemalloc slows every allocation (a 100,000-row dry run would take hours),
so `--rss` measures instead the process's peak resident memory: each size
in a fresh process, its high-water mark before the dry run (Django, the
demo county, the written workbook) and after it. What the dry run adds is
what grows with the rows, if anything does.

`--database-url` measures on PostgreSQL instead: a database of that name is
dropped and created again for each size. There the dry run's uncommitted
rows live in the server, not in the measured process, as in a deployment.
"""

import multiprocessing
import os
import resource
import sys
import tempfile
import time
import tracemalloc
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "core.settings.test")
os.environ.pop("PARTYFLOW_TEST_DATABASE_URL", None)
# Read before Django starts, here and in each spawned process (which gets the same argv).
if "--database-url" in sys.argv:
    os.environ["PARTYFLOW_TEST_DATABASE_URL"] = sys.argv[sys.argv.index("--database-url") + 1]

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from core.demo import build_demo_county, make_id_number  # noqa: E402
from core.imports import runner  # noqa: E402
from core.imports.kinds import KINDS  # noqa: E402
from core.imports.kinds import people as p  # noqa: E402
from core.imports.models import ImportJob, ImportKind  # noqa: E402
from core.imports.reader import open_sheet, rows  # noqa: E402

COLUMNS = KINDS[ImportKind.PEOPLE].columns


def write_people(path, count):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("数据")
    header = [c.header for c in COLUMNS]
    sheet.append(header)
    first = date(1960, 1, 1)
    for n in range(count):
        birth = first + timedelta(days=n // 400)  # 400 serials per birth date
        row = {
            p.NAME: f"测试{n}",
            p.GENDER: "男",
            p.BIRTH: birth,
            p.EDUCATION: "高中",
            p.OCCUPATION: "农牧渔民",
            p.ID_NUMBER: make_id_number(birth, 100 + n % 400),
            p.ORGANISATION: "dongcheng_village",
        }
        sheet.append([row.get(h) for h in header])
    workbook.save(path)


def peak(func):
    tracemalloc.start()
    tracemalloc.reset_peak()
    started = time.perf_counter()
    func()
    _current, highest = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return highest / 1024, time.perf_counter() - started


def read_only(path):
    def run():
        workbook, sheet = open_sheet(path)
        for _row in rows(sheet, COLUMNS):
            pass
        workbook.close()

    return run


def dry_run(path, user):
    def run():
        job = ImportJob.objects.create(
            kind=ImportKind.PEOPLE, file=str(path), sha256="bench", dry_run=True, created_by=user
        )
        runner.run(job.pk)
        job.refresh_from_db()
        assert job.state == "succeeded", job.report[:3]

    return run


def say(line):
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def _fresh_database():
    url = os.environ.get("PARTYFLOW_TEST_DATABASE_URL")
    if not url:
        return  # in-memory SQLite starts empty
    import psycopg

    server, name = url.rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _prepare():
    settings.DEBUG = False  # no query log growing with the rows
    _fresh_database()
    media = Path(tempfile.mkdtemp())
    settings.MEDIA_ROOT = media
    call_command("migrate", verbosity=0)
    return media, build_demo_county().users["dc_branch_sec"]


def _peak_rss_kib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux


def _rss_of(count, results):
    media, user = _prepare()
    name = f"people_{count}.xlsx"
    write_people(media / name, count)
    before = _peak_rss_kib()
    started = time.perf_counter()
    dry_run(name, user)()
    results.put((count, before, _peak_rss_kib(), time.perf_counter() - started))


def main_rss(counts):
    say(f"{'rows':>7} {'peak RSS before':>16} {'after dry run':>14} {'added':>9} {'s':>7}")
    spawn = multiprocessing.get_context("spawn")
    for count in counts:
        results = spawn.Queue()
        proc = spawn.Process(target=_rss_of, args=(count, results))
        proc.start()
        count, before, after, seconds = results.get()
        proc.join()
        say(
            f"{count:>7} {before:>12,} KiB {after:>10,} KiB {after - before:>5,} KiB {seconds:>7.1f}"
        )


def main(counts):
    media, user = _prepare()
    say(f"{'rows':>7} {'read: peak KiB':>15} {'s':>6} {'dry run: peak KiB':>18} {'s':>6}")
    for count in counts:
        name = f"people_{count}.xlsx"
        write_people(media / name, count)
        read_kib, read_s = peak(read_only(media / name))
        run_kib, run_s = peak(dry_run(name, user))
        say(f"{count:>7} {read_kib:>15.0f} {read_s:>6.1f} {run_kib:>18.0f} {run_s:>6.1f}")


if __name__ == "__main__":
    args = sys.argv[1:]
    if "--database-url" in args:
        at = args.index("--database-url")
        del args[at : at + 2]
    if args[:1] == ["--rss"]:
        main_rss([int(a) for a in args[1:]] or [1000, 10000, 100000])
    else:
        main([int(a) for a in args] or [1000, 10000])
