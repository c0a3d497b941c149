"""What the auditor reads of a case: its facts, loaded for many cases at once.

`load(cases)` gathers, in a fixed number of queries for any number of cases,
everything the compliance checks and the exports look at: the audit events,
the deadlines and, for member development, the dossier with its people and
the documents. `timeline(case)` is one case's history as the pages show it.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Prefetch
from django.utils import timezone

from core.audit.events import case_chain
from core.audit.models import AuditEvent
from core.cases.models import Deadline
from core.people.models import Person
from core.rulepack.models import RulePack
from core.rulepack.registry import PARAMETERS
from core.web import history
from core.web.history import ACTIONS, role_label
from workflows.recruitment.models import Dossier, Record
from workflows.recruitment.selectors import key_data, names_in

# Keys of event data that list the documents a step filed (recruitment writes
# "records", the other procedures "documents"); shown as documents, not data.
DOCUMENT_KEYS = ("records", "documents")


@dataclass
class History:
    """One case's facts as the checks read them (plain values, no queries)."""

    case: object
    events: list = field(default_factory=list)
    deadlines: list = field(default_factory=list)
    dossier: Dossier | None = None
    records: list = field(default_factory=list)
    relatives: dict = field(default_factory=dict)  # {person pk: name}
    sponsors: set = field(default_factory=set)
    contacts: set = field(default_factory=set)
    # {user pk: person pk} for every user who acted on the case.
    actor_people: dict = field(default_factory=dict)


class Params:
    """Rule-pack values on any date, from one read of the packs.

    core.rulepack.values.value reads the database on each call; a compliance
    run asks for the values in force on the dates of thousands of cases, so
    the packs (a handful of rows) are read once and chosen here the same way:
    the newest pack in force on the day that sets the key, else the default.
    """

    def __init__(self):
        self.packs = list(
            RulePack.objects.order_by("-effective_from", "-version").values_list(
                "effective_from", "values"
            )
        )

    def __call__(self, parameter, on: date):
        for effective_from, values in self.packs:
            if effective_from <= on and parameter.key in values:
                return values[parameter.key]
        return PARAMETERS[parameter.key].default


def load(cases) -> list[History]:
    cases = list(cases)
    ids = [case.pk for case in cases]
    found = {case.pk: History(case) for case in cases}
    events = AuditEvent.objects.filter(case_id__in=ids).order_by("case_id", "seq")
    for event in events:
        found[event.case_id].events.append(event)
    for deadline in Deadline.objects.filter(case_id__in=ids).order_by("due_on"):
        found[deadline.case_id].deadlines.append(deadline)
    for record in Record.objects.filter(case_id__in=ids).order_by("dated", "pk"):
        found[record.case_id].records.append(record)
    people = Person.objects.only("pk", "name")
    dossiers = Dossier.objects.filter(case_id__in=ids).prefetch_related(
        Prefetch("relatives", people), Prefetch("sponsors", people), Prefetch("contacts", people)
    )
    for dossier in dossiers:
        history = found[dossier.case_id]
        history.dossier = dossier
        history.relatives = {p.pk: p.name for p in dossier.relatives.all()}
        history.sponsors = {p.pk for p in dossier.sponsors.all()}
        history.contacts = {p.pk for p in dossier.contacts.all()}
    actors = {e.actor_id for h in found.values() for e in h.events if e.actor_id}
    acting = dict(Person.objects.filter(user_id__in=actors).values_list("user_id", "pk"))
    for history in found.values():
        history.actor_people = {
            e.actor_id: acting[e.actor_id] for e in history.events if e.actor_id in acting
        }
    return [found[pk] for pk in ids]


def step_title(case, name):
    """The step's title as its flow names it, or the raw name (a document kind, say)."""
    node = getattr(case.flow_class.instance, name, None) if name else None
    return str(getattr(node, "task_title", "") or name)


def documents_of(event):
    """[{kind, dated, sha256, ...}] the event says its step filed."""
    data = event.data or {}
    return [doc for key in DOCUMENT_KEYS for doc in data.get(key) or [] if isinstance(doc, dict)]


@dataclass
class Entry(history.Entry):
    """A line of member development's timeline (who, in which role, what they did and
    said), for any procedure, with the documents the step filed and their hashes."""

    documents: list = field(default_factory=list)

    @property
    def when(self):
        return timezone.localtime(self.event.created_at)


def timeline(case) -> list[Entry]:
    events = list(
        AuditEvent.objects.filter(chain=case_chain(case))
        .select_related("actor_organisation")
        .order_by("seq")
    )
    names = names_in(event.data for event in events)
    return [
        Entry(
            event,
            str(ACTIONS.get(event.action, event.action)),
            step_title(case, event.step),
            str(role_label(event.actor_role)),
            key_data(
                {k: v for k, v in (event.data or {}).items() if k not in DOCUMENT_KEYS}, names
            ),
            documents_of(event),
        )
        for event in events
    ]
