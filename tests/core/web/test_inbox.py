"""The inbox: every procedure's waiting steps, filtered, paged and counted in a
bounded number of queries; handing a step over; receiving many filings at once;
and nothing of another township seen or touched."""

from datetime import date, timedelta

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from core.audit.models import AuditEvent
from core.cases.deadlines import open_deadline
from core.demo import add_person
from core.flowkit.selectors import OPEN
from core.notifications.models import Kind, Notification
from core.organisations.picker import WORK, as_text
from core.people.choices import PartyStatus
from core.web.inbox import PAGE_SIZE, _select_html
from tests.probe.cases import SECRETARY_OF, review_of
from workflows.recruitment import scenario

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)


@pytest.fixture
def probe(start_probe):
    """A probe case at a Dongcheng branch: one step waiting for the township."""

    def start(org="dongcheng_village"):
        return review_of(start_probe(org))

    return start


@pytest.fixture
def filing(county):
    """A member-development case walked to the township's filing of the activist;
    the activist is chosen four months after `applied_on`."""

    def walk(key, applied_on, org="dongcheng_village"):
        person = add_person(
            county, key, f"申请人{key}", org, birth=date(2000, 1, 1), status=PartyStatus.APPLICANT
        )
        u = county.users
        actors = scenario.Actors(
            u[SECRETARY_OF[org]], u["dc_organiser"], u["dc_secretary"], u["county_staff"]
        )
        case = scenario.start(person, county.orgs[org], actors.branch, applied_on)
        return scenario.Walk(case, actors).until("file_activist")

    return walk


def _watch(task, due_on):
    case = task.process.coerced
    return open_deadline(
        case,
        kind="reply",
        label="Reply",
        due_on=due_on,
        responsible=case.organisation,
        escalate_to=case.township,
    )


def _inbox(client, language="zh-hans", **params):
    response = client.get("/", params, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response


def _ids(response):
    return {row["task"].pk for row in response.context["tasks"]}


def test_filters_by_procedure_step_organisation_and_due_date_with_a_total(
    county, client_as, probe, filing
):
    today = timezone.localdate()
    late, soon, quiet = probe(), probe(), probe("dongcheng_community_1")
    _watch(late, today - DAY)
    _watch(soon, today + 3 * DAY)
    village, community = (
        filing("x1", date(2023, 6, 1)),
        filing("x2", date(2023, 6, 1), org="dongcheng_community_1"),
    )
    client = client_as(county.users["dc_organiser"])

    everything = _inbox(client)
    assert everything.context["page"].paginator.count == 5
    assert _ids(everything) == {t.pk for t in (late, soon, quiet, village, community)}
    assert _ids(_inbox(client, flow="recruitment")) == {village.pk, community.pk}
    assert _ids(_inbox(client, flow="probe")) == {late.pk, soon.pk, quiet.pk}
    assert _ids(_inbox(client, step="recruitment.file_activist")) == {village.pk, community.pk}
    assert _ids(_inbox(client, stage="recruitment.2")) == {village.pk, community.pk}
    assert _ids(_inbox(client, stage="recruitment.3")) == set()
    community_org = county.orgs["dongcheng_community_1"]
    # As the picker writes it, or by code.
    assert _ids(_inbox(client, organisation=as_text(community_org))) == {quiet.pk, community.pk}
    assert _ids(_inbox(client, organisation=community_org.code)) == {quiet.pk, community.pk}
    assert _ids(_inbox(client, flow="probe", due="overdue")) == {late.pk}
    assert _ids(_inbox(client, flow="probe", due="soon", days=5)) == {soon.pk}
    assert _ids(_inbox(client, flow="probe", due="soon", days=2)) == set()
    marks = {row["task"].pk: row["mark"] for row in everything.context["tasks"]}
    assert (marks[late.pk], marks[soon.pk], marks[quiet.pk]) == ("overdue", "soon", "")


def test_an_invalid_filter_is_shown_and_not_applied(county, client_as, probe):
    task = probe()
    response = _inbox(client_as(county.users["dc_organiser"]), step="nowhere.none")
    assert response.context["filters"].errors["step"]
    assert _ids(response) == {task.pk}


def test_the_filter_speaks_the_language_of_each_request(county, client_as):
    # The filter's choices are built once per language and kept: a page in one
    # language must not be served the labels built for the other.
    client = client_as(county.users["dc_organiser"])
    for _ in range(2):
        chinese = _inbox(client).content.decode()
        english = _inbox(client, "en").content.decode()
        assert '<option value="recruitment.2">发展党员 · 2. 入党积极分子的确定和培养教育' in chinese
        assert '<option value="recruitment.2">Member development · 2. ' in english
        assert "入党积极分子的确定和培养教育" not in english


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize(
    "params",
    [{}, {"step": "recruitment.file_activist"}, {"flow": "probe", "stage": "recruitment.2"}],
)
def test_the_kept_selects_are_what_django_renders(county, client_as, language, params):
    """The procedure, stage and step selects are rendered once per language and
    chosen value and kept (inbox.CatalogueSelect): the same HTML as Django's
    own Select, the chosen option marked, twice over."""
    client = client_as(county.users["dc_organiser"])
    for _ in range(2):
        form = _inbox(client, language, **params).context["filters"]
        with translation.override(language):
            for name in ("flow", "stage", "step"):
                field = form[name]
                own = forms.Select(choices=field.field.choices)
                assert str(field) == own.render(name, field.value(), {"id": field.auto_id})
                chosen = params.get(name)
                if chosen:
                    assert f'<option value="{chosen}" selected>' in str(field)


def test_a_value_outside_the_list_is_rendered_and_not_kept(county, client_as):
    client = client_as(county.users["dc_organiser"])
    _select_html.cache_clear()
    page = _inbox(client, step="nowhere.none")
    assert page.context["filters"].errors["step"]
    assert '<select name="step"' in page.content.decode()
    # Kept: the procedure and stage selects with nothing chosen; not the step's.
    assert _select_html.cache_info().currsize == 2
    _inbox(client, step="recruitment.file_activist")
    assert _select_html.cache_info().currsize == 3


def test_the_page_reads_a_bounded_number_of_queries_however_many_steps_wait(
    county, client_as, probe, filing, django_assert_max_num_queries
):
    client = client_as(county.users["dc_organiser"])
    probe()
    filing("x1", date(2023, 6, 1))
    with CaptureQueriesContext(connection) as few:
        _inbox(client)
    for n in range(PAGE_SIZE):
        probe("dongcheng_community_1" if n % 2 else "dongcheng_village")
    filing("x2", date(2023, 6, 1), org="dongcheng_community_1")
    with django_assert_max_num_queries(len(few.captured_queries)):
        first = _inbox(client)
    assert first.context["page"].paginator.count == PAGE_SIZE + 3
    assert len(first.context["tasks"]) == PAGE_SIZE
    second = _inbox(client, page=2)
    assert len(second.context["tasks"]) == 3


def test_the_total_comes_with_the_page_and_odd_page_numbers_are_answered(county, client_as, probe):
    client = client_as(county.users["dc_organiser"])
    for _n in range(PAGE_SIZE + 2):
        probe()
    with CaptureQueriesContext(connection) as first:
        page = _inbox(client).context["page"]
    assert (page.number, page.paginator.count, len(page.object_list)) == (
        1,
        PAGE_SIZE + 2,
        PAGE_SIZE,
    )
    # The inbox's UNION is read once for rows and total: no separate count.
    assert not [
        q
        for q in first.captured_queries
        if "COUNT(*) AS" in q["sql"] and "viewflow_task" in q["sql"]
    ]
    past = _inbox(client, page=9).context["page"]
    assert (past.number, len(past.object_list)) == (2, 2)
    assert _inbox(client, page="x").context["page"].number == 1
    assert _inbox(client, page=-3).context["page"].number == 1


def test_another_township_sees_nothing_of_this_one(county, client_as, probe, filing):
    probe()
    filing("x1", date(2023, 6, 1))
    response = _inbox(client_as(county.users["xs_organiser"]))
    assert response.context["page"].paginator.count == 0


# --- Handing over ------------------------------------------------------------------


def test_hand_over_from_the_inbox_to_a_colleague(county, client_as, probe):
    task = probe()
    organiser, secretary = county.users["dc_organiser"], county.users["dc_secretary"]
    client = client_as(organiser)
    row = _inbox(client).content.decode()
    assert f'href="/tasks/{task.pk}/hand-over/"' in row
    assert f'href="{reverse("case-detail", args=[task.process_id])}"' in row
    form = client.get(f"/tasks/{task.pk}/hand-over/")
    assert form.status_code == 200
    assert set(form.context["form"].fields["to_user"].queryset) == {secretary}

    response = client.post(f"/tasks/{task.pk}/hand-over/", {"to_user": secretary.pk})
    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.owner, task.status) == (secretary, STATUS.ASSIGNED)
    assert AuditEvent.objects.filter(case_id=task.process_id, action="task_handed_over").exists()
    assert Notification.objects.filter(recipient=secretary, kind=Kind.HANDOVER).count() == 1
    # Now the secretary's: gone from the organiser's inbox, in the secretary's
    # with the link to hand it on.
    link = f'href="/tasks/{task.pk}/hand-over/"'
    assert link not in _inbox(client).content.decode()
    assert link in _inbox(client_as(secretary)).content.decode()


def test_hand_over_to_another_townships_organiser_is_refused_and_writes_nothing(
    county, client_as, probe
):
    task = probe()
    before = AuditEvent.objects.count(), Notification.objects.count()
    response = client_as(county.users["dc_organiser"]).post(
        f"/tasks/{task.pk}/hand-over/", {"to_user": county.users["xs_organiser"].pk}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["to_user"]
    task.refresh_from_db()
    assert task.owner is None
    assert (AuditEvent.objects.count(), Notification.objects.count()) == before


def test_hand_over_page_is_not_found_or_forbidden_outside_the_role(county, client_as, probe):
    task = probe()
    secretary = county.users["dc_secretary"].pk
    before = AuditEvent.objects.count()
    other = client_as(county.users["xs_organiser"])
    assert other.get(f"/tasks/{task.pk}/hand-over/").status_code == 404
    assert other.post(f"/tasks/{task.pk}/hand-over/", {"to_user": secretary}).status_code == 404
    branch = client_as(county.users["dc_branch_sec"])  # sees the case, does not review it
    assert branch.post(f"/tasks/{task.pk}/hand-over/", {"to_user": secretary}).status_code == 403
    assert AuditEvent.objects.count() == before


def test_hand_over_through_the_api(county, client_as, probe):
    task = probe()
    secretary = county.users["dc_secretary"]
    url = f"/api/tasks/{task.pk}/hand-over/"
    before = AuditEvent.objects.count()

    assert (
        client_as(county.users["xs_organiser"]).post(url, {"to_user": secretary.pk}).status_code
        == 404
    )
    assert (
        client_as(county.users["dc_branch_sec"]).post(url, {"to_user": secretary.pk}).status_code
        == 403
    )
    client = client_as(county.users["dc_organiser"])
    refused = client.post(url, {"to_user": county.users["xs_organiser"].pk})
    assert refused.status_code == 400
    assert refused.json()["errors"]["non_field_errors"]
    assert client.post(url, {}).json()["errors"]["to_user"]
    assert AuditEvent.objects.count() == before

    done = client.post(url, {"to_user": secretary.pk, "opinion": "请审核"})
    assert done.status_code == 200
    assert (done.json()["owner"]["id"], done.json()["status"]) == (secretary.pk, "ASSIGNED")
    assert client.post(url, {"to_user": secretary.pk}).status_code == 403  # now theirs


# --- Receiving many filings at once -----------------------------------------------


def test_many_filings_at_once_each_done_or_refused_with_its_reason(
    county, client_as, probe, filing
):
    early = filing("x1", date(2023, 6, 1))  # activist since 2023-10-01
    late = filing("x2", date(2024, 3, 1))  # activist since 2024-07-01
    other_step = probe()
    client = client_as(county.users["dc_organiser"])
    page = _inbox(client)
    checkboxes = {row["task"].pk for row in page.context["tasks"] if row["bulk"]}
    assert checkboxes == {early.pk, late.pk}
    late_events = AuditEvent.objects.filter(case_id=late.process_id).count()

    response = client.post(
        "/tasks/file-many/",
        {"task": [early.pk, late.pk, other_step.pk], "filed_on": "2024-01-10", "opinion": "已备案"},
    )
    assert response.status_code == 302
    said = [str(m) for m in get_messages(response.wsgi_request)]
    early.refresh_from_db()
    assert early.status == STATUS.DONE
    assert AuditEvent.objects.filter(case_id=early.process_id).last().opinion == "已备案"
    assert Task.objects.filter(pk=late.pk, status__in=OPEN).exists()
    assert AuditEvent.objects.filter(case_id=late.process_id).count() == late_events
    assert Task.objects.filter(pk=other_step.pk, status__in=OPEN).exists()
    assert len(said) == 3
    assert early.process.coerced.title in said[0]
    assert late.process.coerced.title in said[1]
    assert "2024-07-01" in said[1]  # the rule says from when it may be filed


def test_another_township_cannot_receive_these_filings(county, client_as, filing):
    task = filing("x1", date(2023, 6, 1))
    before = AuditEvent.objects.count()
    response = client_as(county.users["xs_organiser"]).post(
        "/tasks/file-many/", {"task": [task.pk], "filed_on": "2024-01-10"}
    )
    said = [str(m) for m in get_messages(response.wsgi_request)]
    assert len(said) == 1
    assert task.process.coerced.title not in said[0]
    assert Task.objects.filter(pk=task.pk, status__in=OPEN).exists()
    assert AuditEvent.objects.count() == before


def test_a_bulk_request_without_a_date_does_nothing(county, client_as, filing):
    task = filing("x1", date(2023, 6, 1))
    before = AuditEvent.objects.count()
    client_as(county.users["dc_organiser"]).post("/tasks/file-many/", {"task": [task.pk]})
    assert AuditEvent.objects.count() == before


def test_the_organisation_filter_finds_only_organisations_the_user_acts_for(
    county, client_as, probe
):
    task = probe()
    client = client_as(county.users["dc_organiser"])
    elsewhere = county.orgs["xishan_village"]
    response = _inbox(client, organisation=as_text(elsewhere))
    # Not found, as if it did not exist: the text typed is all the page repeats.
    assert response.context["filters"].errors.as_data()["organisation"][0].code == "unknown"
    assert _ids(response) == {task.pk}
    suggested = client.get(
        reverse("organisations:lookup"), {"scope": WORK, "q": elsewhere.name}
    ).json()
    assert suggested == {"results": []}
    found = client.get(reverse("organisations:lookup"), {"scope": WORK, "q": "东城"}).json()
    assert county.orgs["dongcheng_community_1"].pk in {r["id"] for r in found["results"]}
