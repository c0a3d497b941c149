"""Peak memory of a people import, 1,000 rows against 10,000 (tracemalloc).

    .venv/bin/python bench/imports_memory.py [rows ...]

Builds the demo county in an in-memory SQLite database, writes workbooks of
valid people rows, and for each measures the peak of Python allocations
(a) while only reading the rows and (b) during a whole dry run through the
job runner (forms, ID validation and encryption, savepoints, rollback). The
reader streams, so both peaks should stay about flat as the rows grow; the
figures are printed, not asserted (they vary by machine and library version).
"""

import os
import sys
import tempfile
import time
import tracemalloc
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "core.settings.test")
os.environ.pop("PARTYFLOW_TEST_DATABASE_URL", None)

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


def main(counts):
    settings.DEBUG = False  # no query log growing with the rows
    media = Path(tempfile.mkdtemp())
    settings.MEDIA_ROOT = media
    call_command("migrate", verbosity=0)
    county = build_demo_county()
    user = county.users["dc_branch_sec"]
    say(f"{'rows':>7} {'read: peak KiB':>15} {'s':>6} {'dry run: peak KiB':>18} {'s':>6}")
    for count in counts:
        name = f"people_{count}.xlsx"
        write_people(media / name, count)
        read_kib, read_s = peak(read_only(media / name))
        run_kib, run_s = peak(dry_run(name, user))
        say(f"{count:>7} {read_kib:>15.0f} {read_s:>6.1f} {run_kib:>18.0f} {run_s:>6.1f}")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1000, 10000])
