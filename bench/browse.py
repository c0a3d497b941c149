"""Each user group's job in chromium, against a generated province, timed.

    .venv/bin/python -m bench.browse --database-url postgres://postgres@127.0.0.1:5432/pf_bench

The generated database is copied to `<name>_browse` (as bench.run copies it
to `_run`) and served by gunicorn (two workers, the benchmark settings: DEBUG
off, static files by whitenoise) on a free port; `--in-place` serves the
generated database itself, for a set too large to copy (its jobs' steps,
filing and export then stay in it). Chromium, with the binary and flags of
the browser tests, logs in through the login form as generated users and
does one job of each group: a branch secretary does a step of one of their
cases from the inbox, a township organiser looks at what is overdue and at
the township, county staff open a case and file one of their steps, an
auditor finds a person's case, reads its timeline and exports the search, and
county staff check a spreadsheet with bad rows. Every job asserts what its
user should see, against what the database says.

Each page is timed from the start of its navigation to the end of its load
event, with the time to its first byte (the server's work, and a form's
redirect, on a local connection); pages that only read are visited
`--repeat` times. A failed job leaves a screenshot in the artifacts directory
and makes the run exit 1.
"""

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.request
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from urllib.parse import urlsplit

from bench.generate import setup
from bench.output import say, table
from bench.run import _busiest, _copy_database, load, ms

ROOT = Path(__file__).resolve().parent.parent
# Django's async guard: the Playwright sync API keeps an event loop in this
# thread, where the jobs also read the database.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Field values a browser types or picks (a vote count or a list of people is
# not a plain field; booleans are not typed either).
TYPED = (date, str, int, Decimal)


class Failed(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failed(message)


def digits(text):
    return [int(n) for n in re.findall(r"\d+", text)]


# --- The server --------------------------------------------------------------


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn on the copy, logging to the artifacts directory."""

    def __init__(self, url, artifacts):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = artifacts / "server.log"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "PARTYFLOW_BENCH_DATABASE_URL": url,
            # Uploaded spreadsheets stay with the run, not in var/media.
            "PARTYFLOW_MEDIA_ROOT": str(artifacts / "media"),
        }
        command = [sys.executable, "-m", "gunicorn", "core.wsgi", "--workers", "2"]
        command += ["--bind", f"127.0.0.1:{self.port}", "--timeout", "300"]
        with self.log.open("w") as log:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
            )
        self._wait()

    def _wait(self, seconds=60, warm_up=6):
        """Until the login page answers, then a few more times: the first request
        of each worker loads URL patterns, templates and translations."""
        deadline, answered = time.monotonic() + seconds, 0
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise Failed(f"the server stopped: {self.tail()}")
            try:
                with urllib.request.urlopen(f"{self.url}/login/", timeout=5) as response:
                    answered += response.status == 200
            except OSError:
                time.sleep(0.3)
            if answered == warm_up:
                return
        raise Failed(f"the server did not answer in {seconds} s: {self.tail()}")

    def tail(self, lines=20):
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


# --- Timings -----------------------------------------------------------------

# The navigation's entry once its load event has ended (loadEventEnd is set
# after the load handlers run, a moment after Playwright sees "load").
NAVIGATION = """() => new Promise(done => {
  const look = () => {
    const [e] = performance.getEntriesByType("navigation");
    if (e && e.loadEventEnd > 0) done(e.toJSON()); else setTimeout(look, 5);
  };
  look();
})"""


@dataclass
class Timings:
    load: dict = field(default_factory=lambda: defaultdict(list))
    first_byte: dict = field(default_factory=lambda: defaultdict(list))
    loadavg: dict = field(default_factory=dict)

    def add(self, key, seconds, first_byte=None):
        self.load[key].append(seconds)
        if first_byte is not None:
            self.first_byte[key].append(first_byte)
        self.loadavg[key] = load()

    def rows(self):
        out = []
        for (job, page), values in self.load.items():
            first = self.first_byte.get((job, page))
            out.append(
                (
                    job,
                    page,
                    f"{ms(values, 0.5):.0f} ms",
                    f"{ms(values, 0.95):.0f} ms",
                    f"{ms(first, 0.5):.0f} ms" if first else "—",
                    f"{ms(first, 0.95):.0f} ms" if first else "—",
                    str(len(values)),
                    self.loadavg[(job, page)],
                )
            )
        return out


class Browsing:
    """One user's chromium context: every navigation is timed under (job, page)."""

    def __init__(self, browser, server, timings, job, *, repeat, timeout, artifacts):
        self.context = browser.new_context(
            base_url=server.url, locale="zh-CN", accept_downloads=True
        )
        self.context.set_default_timeout(timeout)
        self.page = self.context.new_page()
        self.timings, self.job = timings, job
        self.repeat, self.artifacts = repeat, artifacts

    def _record(self, label, response):
        check(response is not None, f"{label}: no response")
        if response.status >= 400:
            said = self.page.locator(".refusal, .errorlist").all_inner_texts()
            raise Failed(f"{label}: HTTP {response.status} at {response.url} {said}")
        entry = self.page.evaluate(NAVIGATION)
        redirect = entry["redirectEnd"] - entry["redirectStart"]
        self.timings.add(
            (self.job, label),
            entry["loadEventEnd"] / 1000,
            (entry["responseStart"] - entry["requestStart"] + redirect) / 1000,
        )

    def _timed(self, label, response):
        """Time the page; one that only reads (GET all the way) is loaded again
        at once, `repeat` times in all, before the job goes on from it."""
        self._record(label, response)
        first = response.request
        reads = first.method == "GET"
        while first.redirected_from is not None:
            first = first.redirected_from
            reads = reads and first.method == "GET"
        for _ in range(self.repeat - 1 if reads else 0):
            response = self.page.goto(first.url, wait_until="load")
            self._record(label, response)
        return response

    def goto(self, label, path):
        return self._timed(label, self.page.goto(path, wait_until="load"))

    def click(self, label, selector):
        with self.page.expect_navigation(wait_until="load") as navigation:
            self.page.click(selector)
        return self._timed(label, navigation.value)

    def download(self, label, selector):
        started = time.perf_counter()
        with self.page.expect_download() as download:
            self.page.click(selector)
        path = download.value.path()
        self.timings.add((self.job, label), time.perf_counter() - started)
        return download.value, Path(path)

    def log_in(self, username, password):
        self.goto("login page", "/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", password)
        self.click("log in → inbox", "button[type=submit]")
        check(urlsplit(self.page.url).path == "/", f"{username} did not reach the inbox")

    def close(self):
        self.context.close()


# --- Who does what: chosen from the generated data ---------------------------


def _open_steps(**where):
    from viewflow.workflow.models import Task

    from core.flowkit.selectors import OPEN
    from workflows.recruitment.flows import RecruitmentFlow

    return Task.objects.filter(
        status__in=OPEN,
        flow_task_type="HUMAN",
        owner__isnull=True,
        process__flow_class=RecruitmentFlow,
        **where,
    )


def _typed_fields(task, today):
    """The scenario's fields for `task` (bench.actors), if a user can type them
    into the step's form today: plain values, no date after today."""
    from bench.actors import actors_for
    from bench.workers import NOT_TIMED
    from workflows.recruitment import scenario
    from workflows.recruitment.models import Recruitment

    name = task.flow_task.name
    if name in NOT_TIMED:
        return None
    case = Recruitment.objects.select_related("organisation", "township").get(pk=task.process_id)
    fields = scenario.Walk(case, actors_for(case)).fields(name)
    values = list(fields.values())
    if not all(isinstance(v, TYPED) and not isinstance(v, bool) for v in values):
        return None
    if any(v > today for v in values if isinstance(v, date)):
        return None
    return fields


@dataclass
class Step:
    user: object
    task: object
    fields: dict


def _branch_step(today, branches=200):
    """A step of the busiest branch that has one a secretary can type today (as
    bench.run picks the busiest branch), with its secretary."""
    from django.db.models import Count

    from bench.actors import actors_for

    busiest = (
        _open_steps()
        .values("process__case__organisation")
        .annotate(n=Count("pk"))
        .order_by("-n", "process__case__organisation")
    )
    for row in busiest[:branches]:
        tasks = _open_steps(
            process__case__organisation=row["process__case__organisation"],
            owner_permission="organisations.act_for_branch",
        ).order_by("pk")
        for task in tasks:
            fields = _typed_fields(task, today)
            if fields is not None:
                return Step(actors_for(task.process.case).branch, task, fields)
    raise Failed(f"none of the {branches} busiest branches has a step to type today")


def _county_step(today):
    """A county filing staff can type today, with the staff member, or None."""
    from bench.actors import actors_for

    for task in _open_steps(owner_permission="organisations.file_for_county").order_by("pk"):
        fields = _typed_fields(task, today)
        if fields is not None:
            return Step(actors_for(task.process.case).county, task, fields)
    return None


def _organiser(today):
    """The organiser of the township with most overdue township steps, so that
    the overdue inbox has rows to check; without any, of the busiest township
    (as bench.run picks it)."""
    from django.contrib.auth import get_user_model
    from django.db.models import Count

    from core.flowkit.selectors import filter_inbox
    from core.roles.catalogue import Role
    from core.roles.models import RoleAssignment

    steps = _open_steps(
        owner_permission__in=[
            "organisations.review_for_township",
            "organisations.approve_for_committee",
        ]
    )
    top = (
        filter_inbox(steps, due="overdue", today=today)
        .values("process__case__township")
        .annotate(n=Count("pk"))
        .order_by("-n", "process__case__township")
        .first()
    )
    if top is None:
        return get_user_model().objects.get(username=_busiest(Role.TOWNSHIP_ORGANISER, "township"))
    return (
        RoleAssignment.objects.filter(
            role=Role.TOWNSHIP_ORGANISER, organisation_id=top["process__case__township"]
        )
        .order_by("pk")
        .first()
        .person.user
    )


@dataclass
class Plan:
    today: date
    branch: Step
    organiser: object
    township: object
    staff: object
    county_step: Step | None
    completed_case: object
    branch_code: str
    auditor: object
    audited: object
    search: dict

    @classmethod
    def of(cls, today):
        from django.utils import timezone
        from viewflow.workflow.status import PROCESS

        from core.audit.models import AuditEvent
        from core.cases.models import Case
        from core.organisations.models import Organisation, OrganisationKind
        from core.roles.catalogue import Role
        from core.roles.models import RoleAssignment

        organiser = _organiser(today)
        county_step = _county_step(today)
        if county_step is not None:
            staff = county_step.user
        else:
            staff = RoleAssignment.objects.filter(role=Role.COUNTY_ORG_STAFF).first().person.user
        scope = RoleAssignment.objects.get(person__user=staff, role=Role.COUNTY_ORG_STAFF).scope
        auditors = RoleAssignment.objects.filter(role=Role.AUDITOR).order_by("organisation__path")
        city_auditor = auditors.exclude(pk=auditors.first().pk).first()
        completed = Case.objects.filter(status=PROCESS.DONE).select_related("subject", "township")
        audited = completed.filter(org_path__startswith=city_auditor.scope.path).order_by("pk")[0]
        last = AuditEvent.objects.filter(case=audited).order_by("-created_at")[0].created_at
        last = timezone.localtime(last).date()
        return cls(
            today=today,
            branch=_branch_step(today),
            organiser=organiser,
            township=RoleAssignment.objects.get(
                person__user=organiser, role=Role.TOWNSHIP_ORGANISER
            ).organisation,
            staff=staff,
            county_step=county_step,
            completed_case=completed.filter(org_path__startswith=scope.path).order_by("pk")[0],
            branch_code=Organisation.objects.filter(
                kind=OrganisationKind.BRANCH, path__startswith=scope.path
            )
            .order_by("pk")[0]
            .code,
            auditor=city_auditor.person.user,
            audited=audited,
            # A person's name, the year up to their case's last event, in the
            # county the case belongs to (under the city auditor's grant).
            search={
                "name": audited.subject.name,
                "date_from": last - timedelta(days=365),
                "date_to": last,
                "organisation": audited.township.parent,
            },
        )


# --- The jobs ----------------------------------------------------------------


def _inbox_total(page):
    """The number in "Waiting for me (N in all)"."""
    return digits(page.locator("h2 span.muted").first.inner_text())[0]


def _inbox_rows(page):
    return page.locator("tr:has(a[href*='/tasks/'])")


def _fill(page, fields):
    """Type the step's fields as a user would: dates, numbers, text, choices."""
    for name, value in fields.items():
        field = page.locator(f"form.step [name={name}]")
        if isinstance(value, date):
            field.fill(value.isoformat())
        elif field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(str(value))
        else:
            field.fill(str(value))


def _do_step(b, step, today):
    """Find `step` in the inbox filtered by its step, record it through its page,
    and see it gone from the inbox; returns what was done."""
    from viewflow.workflow.status import STATUS

    from core.flowkit.selectors import filter_inbox, inbox
    from core.web.inbox import PAGE_SIZE

    page, task, user = b.page, step.task, step.user
    node = task.flow_task
    page.select_option("#id_step", f"recruitment.{node.name}")
    b.click("inbox, filtered by step", "form.filters button")
    filtered = page.url
    expected = filter_inbox(inbox(user), step=node, today=today).count()
    check(
        _inbox_total(page) == expected, f"filtered inbox shows {_inbox_total(page)}, not {expected}"
    )
    link = f"a[href='/recruitment/tasks/{task.pk}/']"
    # At province scale the step may be on a later page of the filtered inbox.
    number = 1
    while page.locator(link).count() == 0 and number * PAGE_SIZE < expected:
        number += 1
        b.goto("inbox, filtered by step", f"/?{urlsplit(filtered).query}&page={number}")
    check(page.locator(link).count() == 1, f"step {task.pk} is not in the filtered inbox")

    b.click("step page", link)
    _fill(page, step.fields)
    b.click("record the step → case page", "form.step button")
    case_path = f"/recruitment/cases/{task.process_id}/"
    check(urlsplit(page.url).path == case_path, f"not on the case page but {page.url}")
    check(page.locator(".ok").count() == 1, "the case's history does not verify")
    task.refresh_from_db()
    check(task.status == STATUS.DONE, f"step {task.pk} is {task.status}, not done")

    b.goto("inbox, filtered by step", filtered)
    check(page.locator(link).count() == 0, f"step {task.pk} is still in the inbox")
    check(_inbox_total(page) == expected - 1, f"filtered inbox shows {_inbox_total(page)}")
    return f"did «{node.task_title}» of case {task.process_id} ({expected} such steps → {expected - 1})"


def branch_secretary(b, plan, password):
    from core.flowkit.selectors import inbox

    step = plan.branch
    b.log_in(step.user.username, password)
    total = inbox(step.user).count()
    check(_inbox_total(b.page) == total, f"inbox shows {_inbox_total(b.page)}, not {total}")
    done = _do_step(b, step, plan.today)
    b.goto("inbox", "/")
    left = inbox(step.user).count()
    check(_inbox_total(b.page) == left, f"inbox shows {_inbox_total(b.page)}, not {left}")
    return f"{step.user.username}: {total} steps waiting; {done}"


def township_organiser(b, plan, password):
    from core.flowkit.selectors import filter_inbox, inbox
    from core.oversight.selectors import township_figures
    from core.web.inbox import PAGE_SIZE

    page, user, today = b.page, plan.organiser, plan.today
    b.log_in(user.username, password)
    page.select_option("#id_due", "overdue")
    b.click("inbox, overdue", "form.filters button")
    overdue = filter_inbox(inbox(user), due="overdue", today=today).count()
    check(_inbox_total(page) == overdue, f"inbox shows {_inbox_total(page)} overdue, not {overdue}")
    rows = _inbox_rows(page)
    check(rows.count() == min(PAGE_SIZE, overdue), f"{rows.count()} rows for {overdue} overdue")
    marked = page.locator("tr.overdue:has(a[href*='/tasks/'])").count()
    check(marked == rows.count(), f"only {marked} of {rows.count()} rows are marked overdue")

    b.goto("oversight", "/oversight/")
    township = plan.township
    path = f"/oversight/{township.pk}/"
    check(urlsplit(page.url).path == path, f"oversight is {page.url}, not {path}")
    check(township.name in page.locator("h1").inner_text(), "not the organiser's township")
    cases = township_figures(township, today.year, today)["cases"]
    said = digits(page.locator("p:has(+ table.counts)").inner_text())
    check(
        sorted(said) == sorted([cases["open"], cases["overdue"]]),
        f"the page says {said}, the township has {cases['open']} open, {cases['overdue']} overdue",
    )
    charts = page.locator("figure.chart svg[role=img]")
    check(charts.count() >= 3, f"{charts.count()} charts")
    for n in range(charts.count()):
        check(charts.nth(n).is_visible(), f"chart {n + 1} is not visible")
    listed = page.locator("#cases tr:has(a)")
    check(listed.count() == min(50, cases["open"]), f"{listed.count()} cases listed")
    if cases["overdue"]:
        check(listed.first.get_attribute("class") == "overdue", "overdue cases do not come first")
    return (
        f"{user.username}: {overdue} overdue steps; {township.name}: "
        f"{cases['open']} cases open, {cases['overdue']} overdue"
    )


def county_staff(b, plan, password):
    from core.audit.events import case_chain
    from core.audit.models import AuditEvent

    page, case = b.page, plan.completed_case
    b.log_in(plan.staff.username, password)
    b.goto("case page, completed case", f"/recruitment/cases/{case.pk}/")
    check(page.locator(".ok").count() == 1, f"the history of case {case.pk} does not verify")
    events = AuditEvent.objects.filter(chain=case_chain(case)).count()
    rows = page.locator("table.timeline tr:has(td)").count()
    check(rows == events, f"the timeline shows {rows} of {events} events")
    note = f"{plan.staff.username}: case {case.pk} with {events} events"
    if plan.county_step is None:
        return f"{note}; no county step open to type today"
    b.goto("inbox", "/")
    return f"{note}; {_do_step(b, plan.county_step, plan.today)}"


def auditor(b, plan, password):
    from openpyxl import load_workbook

    from core.audit.events import case_chain
    from core.audit.models import AuditEvent
    from core.auditing.search import SearchForm, search
    from core.auditing.services import EXPORTED, export_chain

    page, user, case, wanted = b.page, plan.auditor, plan.audited, dict(plan.search)
    b.log_in(user.username, password)
    b.goto("audit workspace", "/auditing/")
    page.fill("#id_name", wanted["name"])
    page.fill("#id_date_from", wanted["date_from"].isoformat())
    page.fill("#id_date_to", wanted["date_to"].isoformat())
    # The organisation picker resolves an exact name (core.organisations.picker).
    wanted["organisation"] = wanted["organisation"].name
    page.fill("#id_organisation", wanted["organisation"])
    b.click("auditor search", "form.filters button")
    form = SearchForm({k: str(v) for k, v in wanted.items()}, user=user)
    check(form.is_valid(), f"the search is refused: {form.errors.as_text()}")
    expected = search(user, form.cleaned_data).count()
    found = digits(page.locator("form.filters ~ p").first.inner_text())[0]
    check(found == expected, f"the page found {found} cases, the search {expected}")
    search_url = page.url

    b.click("case timeline", f"a[href='/auditing/cases/{case.pk}/']")
    events = AuditEvent.objects.filter(chain=case_chain(case)).count()
    check(page.locator(".ok").count() == 1, f"the chain of case {case.pk} does not verify")
    check(events in digits(page.locator(".ok").inner_text()), f"not {events} events verified")
    rows = page.locator("table.timeline tr:has(td)").count()
    check(rows == events, f"the timeline shows {rows} of {events} events")

    b.goto("auditor search", search_url)
    exports = AuditEvent.objects.filter(chain=export_chain(user), action=EXPORTED).count()
    download, path = b.download(
        "Excel export of the search (download)", "a[href^='/auditing/export.xlsx']"
    )
    check(download.suggested_filename.endswith(".xlsx"), download.suggested_filename)
    sheet = load_workbook(BytesIO(path.read_bytes()), read_only=True).worksheets[0]
    listed = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    check(len(listed) == expected, f"the export holds {len(listed)} rows, not {expected}")
    check(case.pk in listed, f"case {case.pk} is not in the export")
    recorded = AuditEvent.objects.filter(chain=export_chain(user), action=EXPORTED).count()
    check(recorded == exports + 1, "the export is not on the auditor's audit chain")
    return (
        f"{user.username}: «{wanted['name']}» in {wanted['organisation']}, {wanted['date_from']} – "
        f"{wanted['date_to']}: {expected} cases; case {case.pk}: {events} events; "
        f"export of {len(listed)} rows"
    )


def _people_sheet(directory, branch_code):
    """A people spreadsheet of the import template: one good row, then a wrong
    check digit and a date that does not exist."""
    from openpyxl import Workbook

    from core.demo import make_id_number
    from core.imports.kinds import KINDS
    from core.imports.kinds import people as p
    from core.imports.models import ImportKind
    from core.people.models import Person

    birth = date(1995, 5, 1)
    numbers = (make_id_number(birth, serial) for serial in range(1000))
    good, second, third = [n for n in numbers if Person.find_by_id_number(n) is None][:3]
    wrong = second[:17] + ("1" if second[17] != "1" else "2")

    def row(serial, **cells):
        base = {
            p.NAME: f"导入{serial}",
            p.GENDER: "男",
            p.ETHNICITY: "汉族",
            p.BIRTH: birth,
            p.EDUCATION: "高中",
            p.OCCUPATION: "农牧渔民",
            p.ORGANISATION: branch_code,
        }
        return {**base, **cells}

    rows = [row(0, **{p.ID_NUMBER: good}), row(1, **{p.ID_NUMBER: wrong})]
    rows.append(row(2, **{p.ID_NUMBER: third, p.BIRTH: "2023-02-30"}))
    header = [c.header for c in KINDS[ImportKind.PEOPLE].columns]
    book = Workbook()
    book.active.append(header)
    for cells in rows:
        book.active.append([cells.get(h) for h in header])
    path = directory / "people-with-bad-rows.xlsx"
    book.save(path)
    return path, [("3", p.ID_NUMBER), ("4", p.BIRTH)]


def importer(b, plan, password):
    from core.imports.models import ImportJob, ImportKind
    from core.people.models import Person

    page = b.page
    sheet, bad = _people_sheet(b.artifacts, plan.branch_code)
    people = Person.objects.count()
    b.log_in(plan.staff.username, password)
    b.goto("import page", "/imports/")
    page.select_option("#id_kind", ImportKind.PEOPLE)
    page.set_input_files("#id_file", str(sheet))
    check(page.is_checked("#id_dry_run"), "a dry run is not the default")
    b.click("upload → dry-run report", "form[enctype] button")
    match = re.fullmatch(r"/imports/jobs/(\d+)/", urlsplit(page.url).path)
    check(match is not None, f"not on a job's page but {page.url}")
    job = ImportJob.objects.get(pk=int(match.group(1)))
    check(job.dry_run and job.rows_total == 3, f"job {job.pk}: {job.rows_total} rows")
    table = page.locator("#bad-rows")
    check(table.is_visible(), "no table of bad rows")
    cells = [row.locator("td").all_text_contents() for row in table.locator("tr:has(td)").all()]
    check([(c[1], c[2]) for c in cells] == bad, f"bad rows shown: {[c[1:3] for c in cells]}")
    check(all(c[4].strip() for c in cells), "a bad row is shown without its reason")
    check(page.locator("progress").get_attribute("value") == "100", "the check did not finish")
    check(Person.objects.count() == people, "the dry run wrote people")
    return f"{plan.staff.username}: job {job.pk}, 3 rows, bad rows {[c[1] for c in cells]}: " + (
        "; ".join(c[4] for c in cells)
    )


JOBS = {
    "branch secretary": branch_secretary,
    "township organiser": township_organiser,
    "county staff": county_staff,
    "auditor": auditor,
    "import (county staff)": importer,
}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/pf_bench")
    parser.add_argument("--repeat", type=int, default=5, help="visits of each page that reads")
    parser.add_argument("--timeout", type=float, default=60, help="seconds per browser action")
    parser.add_argument("--artifacts", help="directory for the server log and screenshots")
    parser.add_argument("--only", default=",".join(JOBS), help="jobs to do, comma-separated")
    parser.add_argument(
        "--in-place", action="store_true", help="serve the database itself, not a copy"
    )
    args = parser.parse_args(argv)
    url = args.database_url if args.in_place else _copy_database(args.database_url, "_browse")
    setup(url)
    from django.core.management import call_command
    from django.utils import timezone

    # Like bench.run: the data is at the schema it was generated with.
    call_command("migrate", verbosity=0)
    from playwright.sync_api import sync_playwright

    from core.demo import DEMO_PASSWORD
    from tests.browser.conftest import CHROMIUM, FLAGS

    if not shutil.which(CHROMIUM):
        say(f"no chromium at {CHROMIUM} (apt-get install chromium)")
        return 2
    artifacts = Path(args.artifacts or tempfile.mkdtemp(prefix="partyflow-browse-"))
    artifacts.mkdir(parents=True, exist_ok=True)
    say(f"database {url}, load {load()}, {os.cpu_count()} CPUs, artifacts in {artifacts}")
    plan = Plan.of(timezone.localdate())
    timings, failed = Timings(), []
    server = Server(url, artifacts)
    say(f"gunicorn (2 workers) at {server.url}")
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            for job in args.only.split(","):
                run = JOBS[job]
                b = Browsing(
                    browser,
                    server,
                    timings,
                    job,
                    repeat=args.repeat,
                    timeout=args.timeout * 1000,
                    artifacts=artifacts,
                )
                try:
                    note = run(b, plan, DEMO_PASSWORD)
                    say(f"ok      {job}: {note}")
                except Exception as error:  # every job runs; each failure is reported
                    failed.append(job)
                    shot = artifacts / f"{job.split()[0]}.png"
                    b.page.screenshot(path=shot, full_page=True)
                    say(f"FAILED  {job}: {error} (at {b.page.url}, screenshot {shot})")
                    say(traceback.format_exc(limit=-3))
                finally:
                    b.close()
            browser.close()
    finally:
        server.stop()
    say()
    headers = ("job", "page", "p50", "p95", "first byte p50", "p95", "n", "load 1/5/15 min")
    table(timings.rows(), headers)
    if failed:
        say(f"\nfailed: {', '.join(failed)}; server log {server.log}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
