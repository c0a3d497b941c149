"""The authorization matrix: every endpoint × method × relation of the user to the object.

The endpoints are not listed by hand: `tests/security/matrix.py` walks the URL
resolver and the OpenAPI schema. Each endpoint needs an entry in MATRIX below
(how to build an object of its kind in the demo county, and what each relation
gets); an endpoint without one fails with the entry to add. For each entry the
object belongs to the Dongcheng village branch (东城镇东村党支部) and every
relation calls every method:

- anonymous: a page sends to the login page, the API answers 401/403;
- out of sight (a sibling branch, the other township, a department reviewer):
  404, as if the object did not exist;
- in sight without the right: 403 for a change, the read where it is a read;
- a method the endpoint does not serve: 405, or answered as the read it is;
- every refused call (and every read) leaves the database as it was: audit
  events, cases, tasks and every table of the project counted before and after;
- no answer leaks: a list never names the case to someone who cannot see it,
  and no page, export or API answer carries a whole ID number, except the one
  recorded reveal for those who need it.

To add an endpoint: see docs/security.md, "Adding an endpoint to the matrix".
"""

import io
import zipfile
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client
from django.urls import reverse
from viewflow.workflow.models import Process, Task

from core.flowkit.services import take_task
from core.notifications.models import Notification
from tests.security import worlds
from tests.security.matrix import EXEMPT_PREFIXES, HTTP_METHODS, api_operations, url_endpoints
from workflows.recruitment import scenario
from workflows.recruitment.models import Record, RecordKind

# The relation of each demo user to an object of the Dongcheng village branch.
RELATIONS = {
    "own_branch": "dc_branch_sec",
    "sibling_branch": "dc_community_sec",  # another branch of the same township
    "own_township": "dc_organiser",
    "county": "county_staff",
    "auditor": "auditor",
    "other_township": "xs_organiser",
    "other_township_branch": "xs_branch_sec",
    "department_reviewer": "discipline_officer",
    "anonymous": None,
}
USERS = [relation for relation, user in RELATIONS.items() if user]
IN_SIGHT = {"own_branch", "own_township", "county", "auditor"}
OUT_OF_SIGHT = set(USERS) - IN_SIGHT
SPOT_CHECK = ["anonymous", "own_township", "other_township", "own_branch"]
BRANCHES = {"own_branch", "sibling_branch", "other_township_branch"}  # act for some branch


@dataclass
class World:
    """The demo county with one member-development case of the Dongcheng village branch."""

    county: object
    case: object
    task: object  # the case's open first step (a branch step)
    record: object  # the application, with its file

    @property
    def person(self):
        return self.county.people["applicant_a"]

    @property
    def org(self):
        return self.county.orgs["dongcheng_village"]

    # The other procedures' objects are built on first use only: most endpoints need
    # none of them, and a screening round walks every organisation of the county.
    @cached_property
    def rectification(self):
        return worlds.Rectification.build(self.county)

    @cached_property
    def vetting(self):
        return worlds.Vetting.build(self.county)


# --- Expectations --------------------------------------------------------------


def sight(ok=200):
    """Seen by those over the branch, 404 for the rest."""
    return {r: ok if r in IN_SIGHT else 404 for r in USERS}


def act(who, ok, refused=403, sees=IN_SIGHT):
    """Done by `who`; refused (403) to the others who see the object; 404 out of sight."""
    return {r: ok if r in who else refused if r in sees else 404 for r in USERS}


def everyone(status):
    """The same answer for every relation (anonymous too, where the endpoint is public)."""
    return dict.fromkeys(RELATIONS, status)


def only(who, ok, other=403):
    """An endpoint without an object: `who` may, the rest are refused."""
    return {r: ok if r in who else other for r in USERS}


def any_method(expected):
    """A page that does not restrict methods answers each like a read (and writes nothing)."""
    return dict.fromkeys(HTTP_METHODS, expected)


@dataclass(frozen=True)
class Entry:
    """How to test one endpoint.

    url: the URL kwargs of an object of the endpoint's kind, built from the World;
    methods: for each method the endpoint serves, the status each relation gets
      (any other method must answer 405, or like GET where `any_method` is used);
    lawful: (method, relation) calls allowed to change the database;
    body: the POST body (so a refusal is proven to come from the right, not the body);
    api: anonymous gets 401/403 instead of the login page;
    public: anonymous is answered like everyone else (the login page, the schema).
    """

    url: object
    methods: dict
    lawful: frozenset = frozenset()
    body: object = None
    api: bool = False
    public: bool = False
    shown_to: frozenset = field(default=frozenset())  # lists naming the case to these


def no_object(world):
    return {}


def case_of(world):
    return {"pk": world.case.pk}


def task_of(world):
    return {"pk": world.task.pk}


def taken_task_of(world):
    take_task(actor=world.county.users["dc_branch_sec"], task=world.task)
    return {"pk": world.task.pk}


def person_of(world):
    return {"pk": world.person.pk}


def organisation_of(world):
    return {"pk": world.org.pk}


def record_of(world):
    return {"pk": world.record.pk}


def branch_body(world):
    return {"branch": world.org.pk}


def township_of(world):
    return {"pk": world.county.orgs["dongcheng"].pk}


def notification_of(world):
    """A notice to the Dongcheng village branch secretary about the case."""
    notice = Notification.objects.create(
        recipient=world.county.users["dc_branch_sec"], title="待办提醒", case=world.case
    )
    return {"pk": notice.pk}


def filing_body(world):
    return {"task": [world.task.pk], "filed_on": "2023-06-10"}


def _lawful(methods, relations):
    return frozenset((method, relation) for method in methods for relation in relations)


OVERSEERS = {"own_township", "county"}
TOWNSHIPS = {"own_township", "other_township"}


def started_by(who):
    return {**any_method(only(who, 200)), "POST": only(who, 400)}


IMPORTERS = set(USERS) - {"auditor", "department_reviewer"}


def overseen(ok):
    return {**only(OVERSEERS, ok), "other_township": 404}


def listed_by_county(ok):
    """The list of poor villages is the county's: its own township is refused the
    village (403), another township does not see it (404)."""
    return {**only({"county"}, ok), "other_township": 404}


def listing_body(world):
    """The village branch put on the list of poor villages (a form or a JSON body)."""
    return {"listed": True, "on": "2025-03-01"}


AUDITORS = {"auditor", "county"}  # read_audit: the auditor and the county department
# An audit export is recorded in the audit log: a lawful write, on every method.
AUDIT_EXPORT = Entry(
    case_of, any_method(only(AUDITORS, 200)), lawful=_lawful(HTTP_METHODS, AUDITORS)
)
AUDIT_RESULT_EXPORT = Entry(
    no_object, any_method(only(AUDITORS, 200)), lawful=_lawful(HTTP_METHODS, AUDITORS)
)


# --- The other procedures' objects (tests/security/worlds.py) ----------------------


def rectification_case_of(world):
    return {"pk": world.rectification.case.pk}


def rectification_task_of(world):
    return {"pk": world.rectification.task.pk}


def open_problem_of(world):
    return {"pk": world.rectification.problem.pk}


def reported_problem_of(world):
    return {"pk": world.rectification.reported.pk}


def rectification_document_of(world):
    return {"pk": world.rectification.document.pk}


def round_of(world):
    return {"pk": world.rectification.screening.pk}


def vetting_case_of(world):
    return {"pk": world.vetting.batch.pk}


def vetting_task_of(world):
    return {"pk": world.vetting.task.pk}


def referral_of(world):
    return {"pk": world.vetting.referral.case_id}


def selection_of(world):
    return {"pk": world.vetting.selection.pk}


def objection_of(world):
    return {"pk": world.vetting.objection.pk}


def import_job_of(world):
    return {"pk": worlds.import_job(world.county).pk}


def village_body(world):
    return {"village": world.org.pk}


# The round (over the village alone) is seen as the village's; departments only refer in it.
REFERRERS = {"county", "department_reviewer"}
# A selection is the county committee's: only the county level sees it.
COUNTY_LEVEL = {"county", "auditor"}
# A joint review of a village's candidates: the township and above, not the branch.
TOWNSHIP_UP = IN_SIGHT - {"own_branch"}
# An import job holds personal data: only its importer sees it.
IMPORTER = {"own_branch"}
# A township names the village in the body; who holds no township role is refused
# whatever the body; the other township's organiser may not act for this village.
FOR_A_VILLAGE = only({"own_township"}, 400)


EVERYONE_READS = {"GET": everyone(200)}
CASE_READ = {"GET": sight()}

# Keyed by URL name ("namespace:name"), as reverse() knows it.
MATRIX = {
    # core.web: the shared pages.
    "home": Entry(no_object, any_method(everyone(200)), shown_to=frozenset({"own_branch"})),
    "login": Entry(
        no_object,
        # LoginView answers PUT like POST: an empty form, shown again.
        {"GET": everyone(200), "POST": everyone(200), "PUT": everyone(200)},
        public=True,
    ),
    "logout": Entry(
        no_object, {"POST": everyone(302)}, public=True, lawful=frozenset({("POST", "*")})
    ),
    "organisation-detail": Entry(organisation_of, any_method(sight())),
    # The organisation picker's lookup answers 400 without ?scope=; what it finds
    # in whose scope: tests/core/organisations/test_picker.py.
    "organisations:lookup": Entry(no_object, {"GET": everyone(400)}),
    "person-detail": Entry(person_of, any_method(sight())),
    "person-id-number": Entry(
        person_of,
        {"POST": act({"own_branch", "county"}, 200)},
        lawful=frozenset({("POST", "own_branch"), ("POST", "county")}),
    ),
    "case-list": Entry(no_object, any_method(everyone(200)), shown_to=frozenset(IN_SIGHT)),
    "case-detail": Entry(case_of, any_method(sight())),
    "task-take": Entry(
        task_of, {"POST": act({"own_branch"}, 302)}, lawful=frozenset({("POST", "own_branch")})
    ),
    "task-release": Entry(
        taken_task_of,
        {"POST": act({"own_branch"}, 302)},
        lawful=frozenset({("POST", "own_branch")}),
    ),
    "task-hand-over": Entry(
        task_of, {**any_method(act({"own_branch"}, 200)), "POST": act({"own_branch"}, 400)}
    ),
    # Each step is filed by its own service call; a branch step is refused to all.
    "tasks-file-many": Entry(no_object, {"POST": everyone(302)}, body=filing_body),
    "audit-status": Entry(no_object, any_method(only({"auditor", "county"}, 200, 404))),
    # core.api: the shared API.
    "api-schema": Entry(no_object, {"GET": everyone(200)}, api=True, public=True),
    "api-case-list": Entry(
        no_object, EVERYONE_READS, api=True, shown_to=frozenset(IN_SIGHT - {"auditor"})
    ),
    "api-case-detail": Entry(case_of, CASE_READ, api=True),
    "api-case-history": Entry(case_of, CASE_READ, api=True),
    "api-task-list": Entry(no_object, EVERYONE_READS, api=True, shown_to=frozenset({"own_branch"})),
    "api-task-take": Entry(
        task_of,
        {"POST": act({"own_branch"}, 200)},
        api=True,
        lawful=frozenset({("POST", "own_branch")}),
    ),
    "api-task-release": Entry(
        taken_task_of,
        {"POST": act({"own_branch"}, 200)},
        api=True,
        lawful=frozenset({("POST", "own_branch")}),
    ),
    "api-task-hand-over": Entry(task_of, {"POST": act({"own_branch"}, 400)}, api=True),
    # workflows.recruitment: API.
    "api-recruitment-start": Entry(
        no_object,
        {"POST": only({"own_branch"}, 400)},
        body=branch_body,
        api=True,
    ),
    "api-recruitment-records": Entry(
        case_of, {"GET": sight(), "POST": act({"own_branch"}, 400)}, api=True
    ),
    "api-recruitment-transfer": Entry(case_of, {"POST": act({"own_branch"}, 400)}, api=True),
    "api-recruitment-complete": Entry(task_of, {"POST": act({"own_branch"}, 400)}, api=True),
    # workflows.recruitment: pages.
    "recruitment:index": Entry(no_object, any_method(everyone(200))),
    "recruitment:start": Entry(
        no_object,
        {
            **any_method(only(BRANCHES, 200)),
            "POST": only(BRANCHES, 400),
        },
    ),
    "recruitment:task": Entry(
        task_of, {**any_method(act({"own_branch"}, 200)), "POST": act({"own_branch"}, 400)}
    ),
    "recruitment:case": Entry(case_of, any_method(sight())),
    "recruitment:record-add": Entry(case_of, {"POST": act({"own_branch"}, 400)}),
    "recruitment:transfer": Entry(case_of, {"POST": act({"own_branch"}, 400)}),
    "recruitment:chart": Entry(case_of, any_method(sight())),
    "recruitment:record-xlsx": Entry(case_of, any_method(sight())),
    "recruitment:document": Entry(record_of, any_method(sight())),
    # Lists of the other procedures: each user sees their own part (no case of this
    # World is theirs to list, so the leak check covers them too).
    "rectification:index": Entry(no_object, any_method(everyone(200))),
    "rectification:ledger": Entry(no_object, any_method(everyone(200))),
    "rectification:ledger-xlsx": Entry(no_object, any_method(everyone(200))),
    "vetting:index": Entry(no_object, any_method(everyone(200))),
    "rectification:round": Entry(round_of, any_method(sight())),
    "rectification:refer": Entry(
        round_of,
        {
            **any_method(act(REFERRERS, 200)),
            "POST": act(REFERRERS, 400),
        },
    ),
    "rectification:case": Entry(rectification_case_of, any_method(sight())),
    "rectification:document": Entry(rectification_document_of, any_method(sight())),
    "rectification:task": Entry(
        rectification_task_of,
        {**any_method(act({"own_township"}, 200)), "POST": act({"own_township"}, 400)},
    ),
    "rectification:problem-report": Entry(open_problem_of, {"POST": act({"own_branch"}, 400)}),
    "rectification:problem-check": Entry(reported_problem_of, {"POST": act({"own_township"}, 400)}),
    # A joint review is the township's: the village branch does not see its candidates' vetting.
    "vetting:case": Entry(vetting_case_of, any_method(only(TOWNSHIP_UP, 200, 404))),
    "vetting:task": Entry(
        vetting_task_of,
        {
            **any_method(act({"county"}, 200, sees=TOWNSHIP_UP)),
            "POST": act({"county"}, 400, sees=TOWNSHIP_UP),
        },
    ),
    "vetting:withdraw": Entry(
        vetting_case_of, {"POST": act({"own_township"}, 400, sees=TOWNSHIP_UP)}
    ),
    "vetting:objection-add": Entry(selection_of, {"POST": act({"county"}, 400, sees=COUNTY_LEVEL)}),
    "vetting:objection-resolve": Entry(
        objection_of, {"POST": act({"county"}, 400, sees=COUNTY_LEVEL)}
    ),
    "api-rectification-cases": Entry(no_object, EVERYONE_READS, api=True),
    "api-rectification-complete": Entry(
        rectification_task_of, {"POST": act({"own_township"}, 400)}, api=True
    ),
    "api-rectification-report": Entry(
        open_problem_of, {"POST": act({"own_branch"}, 400)}, api=True
    ),
    "api-rectification-check": Entry(
        reported_problem_of, {"POST": act({"own_township"}, 400)}, api=True
    ),
    "api-rectification-referrals": Entry(
        round_of,
        {"GET": sight(), "POST": act(REFERRERS, 400)},
        api=True,
    ),
    "api-vetting-batch": Entry(no_object, {"POST": FOR_A_VILLAGE}, body=village_body, api=True),
    "api-vetting-appoint": Entry(no_object, {"POST": FOR_A_VILLAGE}, body=village_body, api=True),
    "api-vetting-complete": Entry(
        vetting_task_of, {"POST": act({"county"}, 400, sees=TOWNSHIP_UP)}, api=True
    ),
    "api-vetting-objection": Entry(
        selection_of, {"POST": act({"county"}, 400, sees=COUNTY_LEVEL)}, api=True
    ),
    "api-vetting-resolve": Entry(
        objection_of, {"POST": act({"county"}, 400, sees=COUNTY_LEVEL)}, api=True
    ),
    # One department's verdicts: that department, the county department, the auditor.
    "api-vetting-verdicts": Entry(
        referral_of,
        {"GET": only(COUNTY_LEVEL | {"department_reviewer"}, 200, 404)},
        api=True,
    ),
    "api-rectification-ledger": Entry(no_object, EVERYONE_READS, api=True),
    "api-vetting-cases": Entry(no_object, EVERYONE_READS, api=True),
    # core.imports: those whose roles import something (not the auditor, not a
    # department); an empty upload is shown again with its errors.
    "imports:job": Entry(import_job_of, any_method(only(IMPORTER, 200, 404))),
    "imports:progress": Entry(import_job_of, any_method(only(IMPORTER, 200, 404))),
    "imports:report": Entry(import_job_of, any_method(only(IMPORTER, 200, 404))),
    # A queued dry run is not yet checked: its importer is refused (400), nothing queued.
    "imports:import": Entry(import_job_of, {"POST": only(IMPORTER, 400, 404)}),
    "imports:index": Entry(
        no_object,
        {**any_method(only(IMPORTERS, 200)), "POST": only(IMPORTERS, 400)},
    ),
    # Starting the other procedures: each by the level the procedure names; an empty
    # form is shown again (400) to that level, refused (403) to every other.
    "vetting:start-batch": Entry(no_object, started_by(TOWNSHIPS)),
    "vetting:start-secretary": Entry(no_object, started_by(TOWNSHIPS)),
    "vetting:appoint": Entry(no_object, started_by(TOWNSHIPS)),
    "vetting:start-selection": Entry(no_object, started_by({"county"})),
    "vetting:start-reserve": Entry(no_object, started_by(BRANCHES)),
    "rectification:round-open": Entry(no_object, started_by({"county"})),
    "rectification:look-back-draw": Entry(no_object, {"POST": only({"county"}, 400)}),
    # A blank import template: no data in it, so anyone may fetch one.
    "imports:template": Entry(lambda world: {"kind": "people"}, any_method(everyone(200))),
    # core.notifications: each user's own notices.
    "notifications:list": Entry(no_object, any_method(everyone(200))),
    "notifications:read": Entry(
        notification_of,
        {"POST": only({"own_branch"}, 302, 404)},
        lawful=frozenset({("POST", "own_branch")}),
    ),
    "notifications:read-all": Entry(
        no_object, {"POST": everyone(302)}, lawful=frozenset({("POST", "*")})
    ),
    # core.oversight: a township's figures, for its committee and the county.
    "oversight:index": Entry(
        no_object, any_method({**only({"county"}, 200), "own_township": 302, "other_township": 302})
    ),
    # Without an oversight role 403 whatever the township; another township's own: 404.
    "oversight:township": Entry(township_of, any_method(overseen(200))),
    "oversight:data": Entry(township_of, any_method(overseen(200))),
    "oversight:plan": Entry(township_of, {"POST": overseen(400)}),
    "oversight:poor-villages": Entry(no_object, any_method(only({"county"}, 200))),
    # A whole body: only the county's list changes; everyone else is refused it.
    "oversight:poor-village": Entry(
        organisation_of,
        {"POST": listed_by_county(302)},
        body=listing_body,
        lawful=frozenset({("POST", "county")}),
    ),
    "api-oversight-plans": Entry(
        township_of, {"GET": overseen(200), "POST": overseen(400)}, api=True
    ),
    "api-oversight-poor-villages": Entry(
        no_object, {"GET": only(OVERSEERS | {"other_township"}, 200)}, api=True
    ),
    "api-oversight-poor-village": Entry(
        organisation_of,
        {"POST": listed_by_county(200)},
        body=listing_body,
        api=True,
        lawful=frozenset({("POST", "county")}),
    ),
    # core.auditing: the audit workspace, for those who read the audit log.
    "auditing:index": Entry(no_object, any_method(only(AUDITORS, 200))),
    "auditing:compliance": Entry(no_object, any_method(only(AUDITORS, 200))),
    "auditing:case": Entry(case_of, any_method(only(AUDITORS, 200))),
    "auditing:case-pdf": AUDIT_EXPORT,
    "auditing:case-xlsx": AUDIT_EXPORT,
    "auditing:export-pdf": AUDIT_RESULT_EXPORT,
    "auditing:export-xlsx": AUDIT_RESULT_EXPORT,
}


# --- The world and what is measured --------------------------------------------


@pytest.fixture
def world(county, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    u = county.users
    case = scenario.start(
        county.people["applicant_a"],
        county.orgs["dongcheng_village"],
        u["dc_branch_sec"],
        date(2023, 6, 1),
    )
    task = Task.objects.get(process_id=case.pk, owner__isnull=True, status="NEW")
    record = Record.objects.filter(case=case, kind=RecordKind.APPLICATION).get()
    record.file.save("application.txt", ContentFile("入党申请书".encode()), save=True)
    return World(county, case, task, record)


def _tables():
    """Every table of the project, viewflow, auth and guardian (not sessions or axes)."""
    labels = {"auth", "guardian", "viewflow", "workflow"}
    existing = set(connection.introspection.table_names())
    tables = []
    for model in apps.get_models():
        ours = model._meta.app_label in labels or model.__module__.startswith(
            ("core.", "workflows.")
        )
        if ours and model._meta.db_table in existing and not model._meta.proxy:
            tables.append(model._meta.db_table)
    return sorted(set(tables))


def state():
    """Row counts of every table, with the status and owner of every case and task."""
    quote = connection.ops.quote_name
    tables = _tables()
    counts = ", ".join(f"(SELECT COUNT(*) FROM {quote(t)})" for t in tables)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {counts}")
        rows = dict(zip(tables, cursor.fetchone(), strict=True))
    rows["tasks"] = sorted(Task.objects.values_list("pk", "status", "owner_id"))
    rows["cases"] = sorted(Process.objects.values_list("pk", "status"))
    return rows


def body_text(response):
    """The answer as text, exports unpacked (an .xlsx is a zip of XML)."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            content = b"".join(archive.read(name) for name in archive.namelist())
    return content.decode("utf-8", "replace")


def _client(county, relation):
    client = Client()
    if RELATIONS[relation]:
        client.force_login(county.users[RELATIONS[relation]])
    return client


def _call(client, method, url, body, api):
    if method == "GET":
        return client.get(url)
    kwargs = {"content_type": "application/json"} if api else {}
    data = body or {}
    if not api and method != "POST":
        # Django's client sends PUT/PATCH/DELETE bodies raw: a page would get a form body.
        return getattr(client, method.lower())(url, data="", **kwargs)
    return getattr(client, method.lower())(url, data=data, **kwargs)


def _anonymous_refused(response, entry):
    if entry.api:
        return response.status_code in (401, 403)
    return response.status_code == 302 and response["Location"].startswith("/login/")


def _unregistered(endpoint):
    methods = "{'GET': sight()}  # or act({...}, ok) for a change"
    return (
        f"{endpoint.name!r} ({endpoint.route}, view {endpoint.view}) is not in the "
        f"authorization matrix: add it to MATRIX in tests/security/test_matrix.py, e.g.\n"
        f"    {endpoint.name!r}: Entry(<factory: World -> URL kwargs {list(endpoint.params)}>, "
        f"{methods}),\n"
        "with a factory that builds an object of its kind for the Dongcheng village branch "
        "(see case_of, task_of, person_of), the status each relation must get per method, "
        "`lawful` for the calls that may change data, and api=True for the JSON API. "
        "docs/security.md, 'Adding an endpoint to the matrix', says more."
    )


# --- The tests ---------------------------------------------------------------------

ENDPOINTS = url_endpoints()


def test_the_matrix_walks_the_whole_configuration():
    """The walk finds the known endpoints, and MATRIX holds no entry for a removed one."""
    names = {endpoint.name for endpoint in ENDPOINTS}
    assert {"case-detail", "api-case-detail", "recruitment:task"} <= names
    assert set(MATRIX) <= names, (
        f"entries for endpoints that no longer exist: {set(MATRIX) - names}"
    )
    assert set(EXEMPT_PREFIXES) == {"admin/", "i18n/"}


def test_every_api_operation_is_in_the_matrix_with_its_methods():
    operations = api_operations()
    assert operations, "the schema lists no operation"
    missing = []
    for name, method, path in operations:
        entry = MATRIX.get(name)
        if entry is None:
            missing.append(f"{method} {path}: add MATRIX[{name!r}] (api=True)")
        elif not entry.api:
            missing.append(f"{name} is API: mark its entry api=True")
        elif method not in entry.methods:
            missing.append(f"{method} {path}: add {method!r} to MATRIX[{name!r}].methods")
    assert not missing, "API operations not in the matrix:\n" + "\n".join(missing)
    served = {(name, method) for name, method, _ in operations}
    for name, entry in MATRIX.items():
        if entry.api and name != "api-schema":
            for method in entry.methods:
                assert (name, method) in served, f"{name} {method} is missing from the schema"


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=[e.name for e in ENDPOINTS])
def test_matrix(world, endpoint):
    entry = MATRIX.get(endpoint.name)
    if entry is None:
        pytest.fail(_unregistered(endpoint))
    url = reverse(endpoint.name, kwargs=entry.url(world))
    body = entry.body(world) if entry.body else None
    secrets = [person.id_number for person in world.county.people.values()]
    marker = world.case.title
    order = sorted(RELATIONS, key=lambda r: any(r == who for _, who in entry.lawful))
    clients = {relation: _client(world.county, relation) for relation in RELATIONS}
    for method in HTTP_METHODS:
        declared = entry.methods.get(method)
        # GET and POST as every relation; the other methods (405 but for pages that
        # answer them as a read) as one in sight, one out of it, and nobody.
        for relation in order if method in ("GET", "POST") or declared else SPOT_CHECK:
            lawful = (method, relation) in entry.lawful or (method, "*") in entry.lawful
            before = state()
            response = _call(clients[relation], method, url, body, entry.api)
            if lawful:  # it may have ended the session (logout)
                clients[relation] = _client(world.county, relation)
            where = f"{method} {url} as {relation}"
            status = response.status_code
            if relation == "anonymous" and not entry.public:
                assert _anonymous_refused(response, entry), f"{where}: {status}"
            elif declared is None:
                assert status == 405, f"{where}: {status}, expected 405"
            else:
                expected = declared[relation]
                assert status == expected, f"{where}: {status}, expected {expected}"
            if not lawful:
                assert state() == before, f"{where} changed the database"
            if status == 200:
                text = body_text(response)
                revealed = lawful and endpoint.name == "person-id-number"
                for number in secrets:
                    if not (revealed and number == world.person.id_number):
                        assert number not in text, f"{where} shows a whole ID number"
                if method == "GET" and relation in OUT_OF_SIGHT:
                    assert marker not in text, f"{where} names a case out of sight"
                if method == "GET" and relation in entry.shown_to:
                    assert marker in text, f"{where} should list the case"


def test_admin_is_for_staff_only(county):
    """The exempt admin/ prefix: no demo role is staff, so every page sends to its login."""
    for relation in RELATIONS:
        client = _client(county, relation)
        for url in ("/admin/", "/admin/people/person/", "/admin/audit/auditevent/"):
            response = client.get(url)
            assert response.status_code == 302, (relation, url)
            assert response["Location"].startswith("/admin/login/"), (relation, url)


@pytest.mark.parametrize("name", ["api-vetting-batch", "api-vetting-appoint"])
def test_a_township_right_is_checked_before_the_body_is_read(county, name):
    """The matrix posts a village; with no body at all, who acts for no township is
    still refused (403), and only a township is told what its body lacks (400)."""
    url = reverse(name)
    for relation in USERS:
        before = state()
        response = _client(county, relation).post(url, {}, content_type="application/json")
        expected = 400 if relation in TOWNSHIPS else 403
        assert response.status_code == expected, (relation, response.content)
        assert state() == before
