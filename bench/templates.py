"""Template rows taken from the real engine, to be replicated by the generator.

Inside one transaction that is rolled back at the end, the real services
grant one role of each kind (core.roles.services.grant_role) and walk one
member-development case to each end state (workflows.recruitment.scenario.Walk
through workflows.recruitment.services). Every row those calls wrote is read
back as the database holds it; the generator copies these rows with new keys,
people, organisations and dates and recomputes the hash chains. A table the
engine wrote that the generator does not know about stops the run, so the
generated data cannot silently drift from what the engine writes.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connection, models, transaction
from django.utils import timezone
from guardian.models import UserObjectPermission
from viewflow.workflow.models import Process, Task

from core.audit.models import AuditEvent
from core.cases.models import Case, Deadline
from core.demo import make_id_number
from core.people.choices import Gender, Occupation, PartyStatus
from core.people.models import Person
from core.roles import services as roles
from core.roles.models import RoleAssignment
from workflows.recruitment import scenario, services
from workflows.recruitment.flows import human_steps
from workflows.recruitment.models import Dossier, Record

# The day every template case applies; replicas are moved from it by whole
# weeks, so every date keeps its weekday.
TEMPLATE_APPLIED_ON = date(2023, 3, 6)
# An end state that is not a waiting step: refused as an activist (R1.6 close).
NOT_CHOSEN = "not_chosen"
COMPLETE = "complete"

DOSSIER_M2M = [Dossier.contacts.through, Dossier.sponsors.through, Dossier.relatives.through]
TASK_PREVIOUS = Task.previous.through
ROLE_MODELS = [RoleAssignment, UserObjectPermission]


def case_models():
    """Every table a case writes, in an order that satisfies foreign keys: the
    recruitment tables, then any other table keyed to the case (notifications…)."""
    known = [Process, Case, Task, TASK_PREVIOUS, Dossier, *DOSSIER_M2M, Record, Deadline]
    for model in apps.get_models():
        if model in known or model is AuditEvent or model._meta.proxy:
            continue
        if any(
            f.is_relation and f.related_model in (Case, Process) and f.concrete
            for f in model._meta.get_fields()
        ):
            known.append(model)
    return known


def _case_field(model):
    return next(
        f.attname
        for f in model._meta.concrete_fields
        if f.is_relation and f.related_model in (Case, Process)
    )


class _Rollback(Exception):
    pass


@dataclass
class CaseTemplate:
    end: str  # the step left open, or COMPLETE / NOT_CHOSEN
    rows: dict  # model -> [row dict], as read back from the database
    events: list  # AuditEvent rows of the case chain, in seq order
    subject: dict  # the subject's Person row at the end
    # (real time the step began, the business day it stands for), in order
    marks: list
    keys: dict  # template key -> role ("branch", "township", "subject", "member0", ...)


@dataclass
class RoleTemplate:
    role: str
    rows: dict
    events: list
    keys: dict
    marks: list = field(default_factory=list)  # written now: times are kept
    subject: dict = field(default_factory=dict)


@dataclass
class Templates:
    cases: dict = field(default_factory=dict)  # end -> CaseTemplate
    roles: dict = field(default_factory=dict)  # role -> RoleTemplate


def _values(model, **filters):
    """Rows as stored: viewflow's flow and node references back to their text."""
    plain = [
        f
        for f in model._meta.local_concrete_fields
        if not isinstance(f, (models.JSONField, models.DateField))
    ]
    rows = list(model.objects.filter(**filters).order_by("pk").values(*_attnames(model)))
    for row in rows:
        for f in plain:
            row[f.attname] = f.get_prep_value(row[f.attname])
    return rows


def _attnames(model):
    return [f.attname for f in model._meta.local_concrete_fields]


def _table_counts():
    counts = {}
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            if model._meta.managed and not model._meta.proxy:
                table = model._meta.db_table
                if table not in counts:
                    cursor.execute(f"SELECT COUNT(*) FROM {table}")
                    counts[table] = cursor.fetchone()[0]
    return counts


def _check_known(before, after, known_models, expected_new):
    """Every row the engine wrote is in a table we replicate, and we read all of it."""
    known = {m._meta.db_table for m in known_models}
    for table, count in after.items():
        grew = count - before.get(table, 0)
        if grew and table not in known:
            raise RuntimeError(f"the engine wrote {grew} rows to {table}, unknown to the generator")
        if table in expected_new and grew != expected_new[table]:
            raise RuntimeError(
                f"{table}: engine wrote {grew} rows, templates read {expected_new[table]}"
            )


def _grant_templates(province, templates):
    """One real grant per role kind, on the first user holding that role."""
    before = _table_counts()
    seen = {}
    for user_id, person_id, role, org_id, _scope in province.roles:
        if role in seen:
            continue
        person = Person.objects.get(pk=person_id)
        organisation = apps.get_model("organisations", "Organisation").objects.get(pk=org_id)
        assignment = roles.grant_role(
            actor=None,
            person=person,
            role=role,
            organisation=organisation,
            starts_on=date(2024, 1, 1),
        )
        seen[role] = (user_id, person_id, org_id, assignment)
    counted = {}
    for role, (user_id, person_id, org_id, assignment) in seen.items():
        rows = {
            RoleAssignment: _values(RoleAssignment, pk=assignment.pk),
            UserObjectPermission: _values(UserObjectPermission, user_id=user_id),
        }
        (event,) = _values(AuditEvent, chain=f"person:{person_id}")
        templates.roles[role] = RoleTemplate(
            role,
            rows,
            [event],
            {
                ("user", user_id): "user",
                ("person", person_id): "person",
                ("org", org_id): "org",
                ("org", assignment.scope_id): "scope",
            },
        )
        for model, model_rows in rows.items():
            counted[model._meta.db_table] = counted.get(model._meta.db_table, 0) + len(model_rows)
        counted[AuditEvent._meta.db_table] = counted.get(AuditEvent._meta.db_table, 0) + 1
    _check_known(before, _table_counts(), [*ROLE_MODELS, AuditEvent], counted)
    return seen


def _business_moment(day):
    return timezone.make_aware(datetime.combine(day, time(9, 0)))


def _template_person(branch, serial):
    person = Person(
        name=f"模板{serial}",
        gender=Gender.MALE,
        birth_date=date(1995, 5, 5),
        education="bachelor",
        occupation=Occupation.FARMER,
        party_status=PartyStatus.MASSES,
        organisation=branch,
    )
    person.set_id_number(make_id_number(date(1995, 5, 5), 900 + serial, region="330102"))
    person.save()
    return person


def _walk(branch, actors, serial, refuse_activist=False):
    """Walk one case, yielding (end, case, person, marks) whenever it stands at an
    end state: before each step, and when it is over.

    The rows as they stand at a yield are those of a case stopped there, so one
    walk gives every waiting state. `refuse_activist` closes it at step 3 instead.
    """
    person = _template_person(branch, serial)
    marks = [(timezone.now(), _business_moment(TEMPLATE_APPLIED_ON))]
    case = scenario.start(person, branch, actors.branch, TEMPLATE_APPLIED_ON)
    walk = scenario.Walk(case, actors)
    while (task := walk.open_task()) is not None:
        name = task.flow_task.name
        if not refuse_activist:
            yield name, case, person, list(marks)
        fields = walk.fields(name)
        day = max(v for v in fields.values() if isinstance(v, date))
        marks.append((timezone.now(), _business_moment(day)))
        if refuse_activist and name == "choose_activist":
            fields["decision"] = "close"
            services.complete(actor=actors.for_step(task), task=task, **fields)
        else:
            walk.step()
    yield (NOT_CHOSEN if refuse_activist else COMPLETE), case, person, marks


def _capture_case(case, person, marks, end, keys):
    tasks = _values(Task, process_id=case.pk)
    rows = {
        Process: _values(Process, pk=case.pk),
        TASK_PREVIOUS: _values(TASK_PREVIOUS, to_task_id__in=[t["id"] for t in tasks]),
    }
    for through in DOSSIER_M2M:
        rows[through] = _values(through, dossier_id=case.pk)
    for model in case_models():
        if model not in rows:
            rows[model] = _values(model, **{_case_field(model): case.pk})
    events = _values(AuditEvent, chain=f"case:{case.pk}")
    (subject,) = _values(Person, pk=person.pk)
    return CaseTemplate(
        end, rows, events, subject, marks, {**keys, ("person", person.pk): "subject"}
    )


def ends():
    """Every end state the generator places cases in."""
    return [n.name for n in human_steps()] + [COMPLETE, NOT_CHOSEN]


def capture(province):
    """Run the real engine through every end state and return what it wrote."""
    templates = Templates()
    Organisation = apps.get_model("organisations", "Organisation")
    branch = province.branches[0]
    try:
        with transaction.atomic():
            _grant_templates(province, templates)
            user_model = get_user_model()
            actors = scenario.Actors(
                branch=user_model.objects.get(pk=branch.secretary),
                township=user_model.objects.get(pk=province.township_users[branch.township][0]),
                committee=user_model.objects.get(pk=province.township_users[branch.township][0]),
                county=user_model.objects.get(pk=province.county_users[branch.county][0]),
            )
            keys = {
                ("org", branch.id): "branch",
                ("org", branch.township): "township",
                ("org", branch.county): "county",
                ("org", branch.department): "department",
                ("user", branch.secretary): "secretary",
            }
            for i, user_id in enumerate(province.township_users[branch.township]):
                keys[("user", user_id)] = f"township_user{i}"
            for i, user_id in enumerate(province.county_users[branch.county]):
                keys[("user", user_id)] = f"county_user{i}"
            for i, member in enumerate(branch.members):
                keys[("person", member)] = f"member{i}"
            branch_org = Organisation.objects.get(pk=branch.id)
            for serial, refuse in enumerate((False, True)):
                before = _table_counts()
                for end, case, person, marks in _walk(branch_org, actors, serial, refuse):
                    template = _capture_case(case, person, marks, end, keys)
                    counted = {m._meta.db_table: len(r) for m, r in template.rows.items()}
                    counted[AuditEvent._meta.db_table] = len(template.events)
                    counted[Person._meta.db_table] = 1
                    _check_known(
                        before, _table_counts(), [*case_models(), AuditEvent, Person], counted
                    )
                    templates.cases[end] = template
            missing = set(ends()) - set(templates.cases)
            if missing:
                raise RuntimeError(f"the template walk never stood at {sorted(missing)}")
            raise _Rollback
    except _Rollback:
        pass
    return templates
