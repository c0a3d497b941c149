from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from guardian.models import UserObjectPermission
from guardian.shortcuts import assign_perm, remove_perm

from core.audit.models import AuditEvent
from core.flowkit.selectors import cases_visible_to
from core.roles import services
from core.roles.catalogue import Role
from core.roles.models import RoleAssignment
from core.roles.scope import (
    grants_per_request,
    has_scope,
    holds,
    organisations_in_scope,
    scope_roots,
)


@pytest.mark.django_db
def test_a_township_role_reaches_every_branch_below_and_no_sibling(county):
    organiser = county.users["dc_organiser"]
    assert has_scope(organiser, "review_for_township", county.orgs["dongcheng_community_1"])
    assert has_scope(organiser, "review_for_township", county.orgs["dongcheng"])
    assert not has_scope(organiser, "review_for_township", county.orgs["xishan_village"])
    assert not has_scope(organiser, "act_for_branch", county.orgs["dongcheng_village"])
    assert not has_scope(organiser, "review_for_township", county.orgs["county"])


@pytest.mark.django_db
def test_branch_roles_act_on_their_branch_only(county):
    secretary = county.users["dc_branch_sec"]
    assert has_scope(secretary, "act_for_branch", county.orgs["dongcheng_village"])
    assert has_scope(secretary, "act_for_branch", county.orgs["dongcheng_village_group1"])
    assert not has_scope(secretary, "act_for_branch", county.orgs["dongcheng_school"])


@pytest.mark.django_db
def test_county_staff_act_on_the_whole_county_through_their_department(county):
    staff = county.users["county_staff"]
    assignment = RoleAssignment.objects.get(person__user=staff)
    assert assignment.organisation == county.orgs["org_dept"]
    assert assignment.scope == county.orgs["county"]
    assert has_scope(staff, "file_for_county", county.orgs["xishan_enterprise"])
    assert not has_scope(staff, "act_for_branch", county.orgs["xishan_enterprise"])


@pytest.mark.django_db
def test_auditor_reads_but_acts_nowhere(county):
    auditor = county.users["auditor"]
    assert has_scope(auditor, "read_audit", county.orgs["xishan_village"])
    assert has_scope(auditor, "view_cases", county.orgs["xishan_village"])
    for codename in (
        "act_for_branch",
        "review_for_township",
        "approve_for_committee",
        "file_for_county",
        "manage_roles",
    ):
        assert not has_scope(auditor, codename, county.orgs["xishan_village"])


@pytest.mark.django_db
def test_department_reviewer_sees_no_cases_of_branches(county):
    officer = county.users["discipline_officer"]
    assert not organisations_in_scope(officer, "view_cases").exists()
    assert has_scope(officer, "review_for_department", county.orgs["discipline"])


@pytest.mark.django_db
def test_granting_by_a_manager_writes_the_grant_and_an_audit_event(county):
    person = county.people["member_b"]
    person.user = county.users["dc_branch_org"].__class__.objects.create_user(
        "new_org", password="x"
    )
    person.save()
    services.grant_role(
        actor=county.users["county_staff"],
        person=person,
        role=Role.BRANCH_ORGANISER,
        organisation=county.orgs["dongcheng_village"],
    )
    assert has_scope(person.user, "act_for_branch", county.orgs["dongcheng_village"])
    event = AuditEvent.objects.filter(chain=f"person:{person.pk}").last()
    assert (event.action, event.actor) == ("role_granted", county.users["county_staff"])


@pytest.mark.django_db
def test_a_township_user_cannot_grant_roles_and_nothing_is_written(county):
    before = (RoleAssignment.objects.count(), AuditEvent.objects.count())
    with pytest.raises(PermissionDenied):
        services.grant_role(
            actor=county.users["xs_organiser"],
            person=county.people["member_b"],
            role=Role.BRANCH_SECRETARY,
            organisation=county.orgs["xishan_village"],
        )
    assert (RoleAssignment.objects.count(), AuditEvent.objects.count()) == before


@pytest.mark.django_db
def test_a_role_must_fit_the_organisation(county):
    with pytest.raises(ValidationError):
        services.grant_role(
            actor=county.users["county_staff"],
            person=county.people["member_b"],
            role=Role.TOWNSHIP_ORGANISER,
            organisation=county.orgs["dongcheng_village"],
        )


@pytest.mark.django_db
def test_an_ended_role_loses_its_grants(county):
    organiser = county.users["dc_organiser"]
    assignment = RoleAssignment.objects.get(person__user=organiser)
    services.end_role(
        actor=county.users["county_staff"],
        assignment=assignment,
        ends_on=timezone.localdate() - timedelta(days=1),
    )
    assert not has_scope(organiser, "review_for_township", county.orgs["dongcheng_village"])
    assert not UserObjectPermission.objects.filter(user=organiser).exists()


@pytest.mark.django_db
def test_the_hourly_sweep_removes_grants_of_roles_that_expired_by_date(county):
    organiser = county.users["dc_organiser"]
    RoleAssignment.objects.filter(person__user=organiser).update(ends_on=date(2025, 1, 1))
    assert has_scope(organiser, "review_for_township", county.orgs["dongcheng"])  # until the sweep
    services.sync_all_users()
    assert not has_scope(organiser, "review_for_township", county.orgs["dongcheng"])


@pytest.mark.django_db
def test_an_inactive_login_has_no_scope(county):
    organiser = county.users["dc_organiser"]
    organiser.is_active = False
    organiser.save()
    assert not has_scope(organiser, "review_for_township", county.orgs["dongcheng"])


# --- The grants of a request, read once ------------------------------------------


def _grant_reads(queries):
    return [q for q in queries if 'FROM "guardian_userobjectpermission"' in q["sql"]]


@pytest.mark.django_db
def test_a_page_reads_its_users_grants_once(county, client):
    client.force_login(county.users["county_staff"])
    client.get("/")  # the login's grant sync is not the page's
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")
    assert response.status_code == 200
    # The menu, the inbox, the escalated deadlines and the links all asked.
    assert len(_grant_reads(queries.captured_queries)) == 1


@pytest.mark.django_db
def test_a_grant_changed_during_a_request_is_seen_at_once(county):
    staff, village = county.users["county_staff"], county.orgs["dongcheng_village"]

    def view(request):
        before = set(scope_roots(staff, "act_for_branch"))
        assign_perm("organisations.act_for_branch", staff, village)
        after = set(scope_roots(staff, "act_for_branch"))
        remove_perm("organisations.act_for_branch", staff, village)
        return before, after, set(scope_roots(staff, "act_for_branch"))

    before, after, removed = grants_per_request(view)(RequestFactory().get("/"))
    assert (before, after, removed) == (set(), {village}, set())


@pytest.mark.django_db
def test_outside_a_request_grants_are_read_each_time(county):
    staff = county.users["county_staff"]
    with CaptureQueriesContext(connection) as queries:
        scope_roots(staff, "file_for_county").exists()
        scope_roots(staff, "file_for_county").exists()
    assert len(_grant_reads(queries.captured_queries)) == 2


@pytest.mark.django_db
def test_within_a_request_what_a_user_holds_and_sees_costs_one_read_of_grants(county):
    auditor = county.users["auditor"]

    def view(request):
        with CaptureQueriesContext(connection) as queries:
            held = {c: holds(auditor, c) for c in ("read_audit", "view_cases", "act_for_branch")}
            # Built, not evaluated: the scope is in the query's text, not read for it.
            cases_visible_to(auditor)
            organisations_in_scope(auditor, "view_cases")
        return held, queries.captured_queries

    held, queries = grants_per_request(view)(RequestFactory().get("/"))
    assert held == {"read_audit": True, "view_cases": True, "act_for_branch": False}
    assert len(queries) == len(_grant_reads(queries)) == 1


@pytest.mark.django_db
def test_an_inactive_login_holds_nothing(county):
    organiser = county.users["dc_organiser"]
    assert holds(organiser, "review_for_township")
    organiser.is_active = False
    organiser.save()
    assert not holds(organiser, "review_for_township")
