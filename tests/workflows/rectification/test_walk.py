"""The check of issue 4, end to end in the demo county: a screening round with proposals
and their evidence, the county's list, a case from listing through forces, plan,
problems closed, a failed and a passed acceptance, delisting, a sampled look-back
and a relapse; the ledger export matching the cases; the audit chains intact."""

from datetime import date
from io import BytesIO

import pytest
from django.utils import translation
from openpyxl import load_workbook

from core.audit.chain import verify
from core.audit.models import AuditEvent
from core.cases.models import Case
from tests.workflows.rectification.helpers import W4_BY_TOWNSHIP, admitted, check_of, open_annual
from workflows.rectification import ledger, services
from workflows.rectification.demo import load_rectification_demo
from workflows.rectification.models import (
    Acceptance,
    Department,
    Listing,
    LookBack,
    ProblemState,
    Source,
)
from workflows.rectification.scenario import CaseWalk, ScreeningWalk, open_task

pytestmark = pytest.mark.django_db


def sheet_rows(data):
    sheet = load_workbook(BytesIO(data)).active
    header, *rows = list(sheet.iter_rows(values_only=True))
    return header, [dict(zip(header, row, strict=True)) for row in rows]


def test_screening_listing_rectification_acceptance_look_back_and_relapse(staffed, rule_pack):
    county, users = staffed, staffed.users
    rule_pack(**{"rectification.look_back_share_percent": 50})
    village, school = county.orgs["dongcheng_village"], county.orgs["dongcheng_school"]
    admitted(county.orgs["xishan_village"], date(2023, 1, 10))

    # 排查: the round, PartyFlow's proposals with evidence, a police referral.
    round_case = open_annual(county)
    services.refer(
        actor=users["county_staff"],
        screening=round_case.screeninground,
        organisation=village,
        department=county.orgs["police"],
        department_kind=Department.POLICE,
        code="W7",
        received_on=date(2024, 3, 5),
        text="县公安局移交：“村霸”干扰村务问题线索。",
    )
    school_check = check_of(round_case, school)
    assert school_check.findings.get(situation__code="W1").evidence["vacant_since"] == "2023-10-01"
    village_check = check_of(round_case, village)
    assert sorted(village_check.findings.values_list("situation__code", "source")) == [
        ("W5", Source.SYSTEM),
        ("W7", Source.REFERRAL),
    ]

    # Three levels, then the county's list.
    walk = ScreeningWalk(round_case, targets={village.pk: [W4_BY_TOWNSHIP], school.pk: []})
    walk.verify_all()
    cases = {case.organisation_id: case for case in walk.decide()}
    assert set(cases) == {village.pk, school.pk}
    assert Case.objects.get(pk=round_case.pk).status == "DONE"
    village_case = cases[village.pk]
    assert sorted(p.situation.code for p in village_case.rectification_problems.all()) == [
        "W4",
        "W5",
        "W7",
    ]

    # Forces, plan, item by item, failed acceptance, again, passed, delisted.
    village_walk, school_walk = CaseWalk(village_case), CaseWalk(cases[school.pk])
    done = []
    while (task := open_task(village_case)) and task.flow_task.name != "look_back":
        done.append(village_walk.step())
    assert done == [
        "assign_forces",
        "make_plan",
        "rectify",
        "acceptance",
        "rectify",
        "acceptance",
        "delist",
    ]
    assert [a.passed for a in Acceptance.objects.filter(case=village_case)] == [False, True]
    assert not village_case.rectification_problems.exclude(state=ProblemState.CLOSED).exists()
    school_walk.until(stop_before="look_back")

    # 回头看: half of the two delisted organisations are visited.
    looked_on = village_walk.fields("look_back")["looked_on"]
    sampled, left_out = services.select_for_look_back(
        actor=users["county_staff"], county=county.orgs["county"], on=looked_on
    )
    assert len(sampled) == len(left_out) == 1
    assert sorted(sampled + left_out) == sorted([village_case.pk, cases[school.pk].pk])
    skipped = Listing.objects.get(case_id=left_out[0])
    assert (skipped.look_back, skipped.case.status) == (LookBack.NOT_SAMPLED, "DONE")

    visited = village_walk if sampled == [village_case.pk] else school_walk
    visited.relapse = ["W4"]
    visited.step()
    earlier = visited.listing
    assert earlier.look_back == LookBack.RELAPSED
    again = Listing.objects.get(earlier_id=visited.case.pk)
    assert again.repeat

    # The ledger, as exported, matches the cases.
    with translation.override("en"):
        header, rows = sheet_rows(ledger.export_ledger(users["county_staff"]))
    assert len(header) == len(ledger.columns())
    listings = Listing.objects.select_related("case__organisation").order_by("case_id")
    by_case = {row["Case"]: row for row in rows}
    assert set(by_case) == {listing.case_id for listing in listings}
    for listing in listings:
        row = by_case[listing.case_id]
        problems = listing.case.rectification_problems
        assert row["Organisation"] == listing.case.organisation.name
        assert row["Open problems"] == problems.exclude(state=ProblemState.CLOSED).count()
        assert row["Problems"] == problems.count()
        assert row["Listed before"] == ("Yes" if listing.repeat else "No")
        assert row["Earlier case"] == listing.earlier_id
        assert (row["Delisted on"].date() if row["Delisted on"] else None) == listing.delisted_on
    assert by_case[again.case_id]["Stage"] == "Listed, forces to be assigned"
    assert by_case[visited.case.pk]["Look-back"] == "Relapsed, listed again"
    assert by_case[visited.case.pk]["County-level leader"]

    chains = AuditEvent.objects.values_list("chain", flat=True).distinct()
    assert all(verify(chain=chain).ok for chain in chains)


def test_the_demo_takes_one_case_to_its_look_back(county):
    round_case = load_rectification_demo(county)
    rows = ledger.ledger_rows(county.users["county_staff"], round_case.screeninground)
    by_org = {row.organisation: row for row in rows}
    village = by_org[county.orgs["dongcheng_village"].name]
    assert village.look_back == str(LookBack.HELD.label)
    assert village.stage.endswith(str(LookBack.HELD.label))
    assert village.open_problems == 0
    school = by_org[county.orgs["dongcheng_school"].name]
    assert (school.stage, school.open_problems) == (str(ledger.STAGES["rectify"]), 2)
