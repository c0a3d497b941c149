import pytest

from core.audit.models import AuditEvent
from core.flowkit.errors import NotPermitted
from core.imports import services
from core.imports.kinds import organisations as o
from core.imports.models import ImportKind, JobState
from core.organisations.models import Organisation
from tests.core.imports.conftest import reasons, upload

KIND = ImportKind.ORGANISATIONS


def org_row(code, parent="dongcheng", **cells):
    row = {
        o.NAME: f"中共{code}党支部",
        o.CODE: code,
        o.KIND: "党支部",
        o.TIER: "基层",
        o.DOMAIN: "农村",
        o.PARENT: parent,
        o.APPROVES: "否",
        o.TEMPORARY: "否",
    }
    row.update(cells)
    return row


def good_rows():
    return [
        org_row("dc_xincun"),
        # A party group under the branch created one row above.
        org_row("dc_xincun_g1", parent="dc_xincun", **{o.KIND: "党小组", o.NAME: "新村第一党小组"}),
    ]


def test_county_staff_imports_a_branch_and_its_group(county, run_import):
    staff = county.users["county_staff"]
    dry = run_import(staff, KIND, good_rows())
    assert (dry.state, dry.report, dry.rows_done) == (JobState.SUCCEEDED, [], 2)
    assert not Organisation.objects.filter(code__startswith="dc_xincun").exists()

    job = run_import(staff, KIND, good_rows(), dry_run=False)
    assert (job.state, job.rows_imported) == (JobState.SUCCEEDED, 2)
    branch = Organisation.objects.get(code="dc_xincun")
    group = Organisation.objects.get(code="dc_xincun_g1")
    assert branch.parent == county.orgs["dongcheng"]
    assert group.path == f"{branch.path}{group.pk}/"
    event = AuditEvent.objects.get(chain=f"import:{job.pk}")
    assert event.data["sha256"] == job.sha256
    assert (event.data["imported"], event.data["bad_rows"], event.actor) == (2, 0, staff)


def test_bad_rows_are_each_reported_and_nothing_is_created(county, run_import):
    before = Organisation.objects.count()
    rows = [
        org_row("dc_ok"),
        org_row("dc_orphan", parent="no_such_code"),
        org_row("dc_approves", **{o.APPROVES: "是"}),  # R1.20: a branch never approves
        org_row("dongcheng_village"),  # the code is taken
        org_row("dc_kind", **{o.KIND: "委员会"}),
    ]
    job = run_import(county.users["county_staff"], KIND, rows, dry_run=False)
    assert job.state == JobState.FAILED
    found = reasons(job)
    assert "no_such_code" in found[(3, o.PARENT)]
    assert found[(4, "")].startswith("R1.20")
    assert (5, o.CODE) in found
    assert (6, o.KIND) in found
    assert {bad["row"] for bad in job.report} == {3, 4, 5, 6}
    assert Organisation.objects.count() == before
    assert job.rows_imported == 0


def test_a_township_organiser_may_not_import_organisations(county, client_as):
    organiser = county.users["dc_organiser"]
    with pytest.raises(NotPermitted):
        services.start_import(actor=organiser, kind=KIND, upload=upload(KIND, good_rows()))
    response = client_as(organiser).post(
        "/imports/", {"kind": KIND, "file": upload(KIND, good_rows()), "dry_run": "on"}
    )
    assert response.status_code == 400  # the kind is not offered to them
    assert not county.users["dc_organiser"].import_jobs.exists()
