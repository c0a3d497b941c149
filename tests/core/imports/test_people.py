from datetime import date

from django.utils.translation import gettext as _

from core.audit.models import AuditEvent
from core.demo import make_id_number
from core.imports.kinds import people as p
from core.imports.models import ImportKind, JobState
from core.people.choices import PartyStatus
from core.people.models import Person
from tests.core.imports.conftest import reasons

KIND = ImportKind.PEOPLE


def person_row(serial, org="dongcheng_village", birth=date(1995, 5, 1), **cells):
    row = {
        p.NAME: f"导入{serial}",
        p.GENDER: "男",
        p.ETHNICITY: "汉族",
        p.BIRTH: birth,
        p.EDUCATION: "高中",
        p.OCCUPATION: "农牧渔民",
        p.ID_NUMBER: make_id_number(birth, 500 + serial),
        p.ORGANISATION: org,
    }
    row.update(cells)
    return row


def wrong_check_digit(number):
    return number[:17] + ("1" if number[17] != "1" else "2")


def test_a_branch_secretary_imports_people_into_the_branch(county, run_import):
    member = person_row(1, **{p.STATUS: "正式党员", p.MEMBER_SINCE: "2020-07-01"})
    rows = [person_row(0), member]
    job = run_import(county.users["dc_branch_sec"], KIND, rows, dry_run=False)
    assert (job.state, job.rows_imported, job.report) == (JobState.SUCCEEDED, 2, [])
    imported = Person.find_by_id_number(member[p.ID_NUMBER])
    assert imported.organisation == county.orgs["dongcheng_village"]
    assert imported.party_status == PartyStatus.FULL
    assert imported.membership_started_on == date(2020, 7, 1)
    assert imported.id_number == member[p.ID_NUMBER]  # stored encrypted, read back whole
    assert Person.find_by_id_number(rows[0][p.ID_NUMBER]).party_status == PartyStatus.MASSES


def test_every_bad_row_is_named_with_its_reason_and_nothing_is_kept(county, run_import):
    before = Person.objects.count()
    good = person_row(0)
    rows = [
        good,
        person_row(1, **{p.ID_NUMBER: wrong_check_digit(make_id_number(date(1995, 5, 1), 501))}),
        person_row(2, **{p.BIRTH: "2023-02-30"}),
        person_row(3, org="no_such_branch"),
        person_row(4, org="xishan_village"),  # another township
        person_row(5, **{p.ID_NUMBER: good[p.ID_NUMBER]}),  # the same person twice
        person_row(6, **{p.STATUS: "预备党员"}),  # only with a case
    ]
    job = run_import(county.users["dc_organiser"], KIND, rows)
    assert job.state == JobState.FAILED
    found = reasons(job)
    assert found[(3, p.ID_NUMBER)] == _(
        "The check digit of this ID number is wrong: a digit was mistyped."
    )
    assert (4, p.BIRTH) in found
    assert (5, p.ORGANISATION) in found
    assert "no_such_branch" in found[(5, p.ORGANISATION)]
    assert county.orgs["xishan_village"].name in found[(6, p.ORGANISATION)]
    assert (7, p.ID_NUMBER) in found
    assert (8, p.STATUS) in found
    assert {bad["row"] for bad in job.report} == {3, 4, 5, 6, 7, 8}
    # The report masks ID numbers: only the region and the last four digits stay.
    assert all("*" in bad["value"] for bad in job.report if bad["column"] == p.ID_NUMBER)
    assert Person.objects.count() == before
    event = AuditEvent.objects.get(chain=f"import:{job.pk}")
    assert (event.data["rows"], event.data["bad_rows"], event.data["imported"]) == (7, 6, 0)


def test_a_real_run_with_one_bad_row_leaves_nothing_behind(county, run_import):
    before = Person.objects.count()
    rows = [person_row(n) for n in range(5)] + [person_row(9, **{p.BIRTH: "2023-02-30"})]
    job = run_import(county.users["dc_branch_sec"], KIND, rows, dry_run=False)
    assert (job.state, job.rows_imported) == (JobState.FAILED, 0)
    assert [bad["row"] for bad in job.report] == [7]
    assert Person.objects.count() == before
