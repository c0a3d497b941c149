"""Copies of template rows with new keys, people, organisations and dates.

A template is compiled once into per-row recipes: which cells are kept as the
engine wrote them and which stand for something the copy changes (its own
keys, the branch and the people acting for it, the dates). Each copy resolves
those cells and recomputes its audit chain with core.audit.chain.event_hash,
so verify_audit checks the copies exactly as it checks the engine's own rows.
"""

import re
from datetime import date, timedelta
from types import SimpleNamespace

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import resolve
from viewflow.workflow.models import Process

from bench.rows import dumps
from core.audit.chain import GENESIS, event_hash
from core.audit.models import AuditEvent
from core.cases.models import Case
from core.organisations.models import Organisation
from core.people.models import Person

DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Keys of event and record data that hold keys of other rows.
JSON_KEYS = {
    "record": "Record",
    "contacts": "person",
    "sponsors": "person",
    "group": "org",
    "deadline": "Deadline",
    "responsible": "org",
    "escalated_to": "org",
    "from": "org",
    "to": "org",
    "assignment": "RoleAssignment",
    "organisation": "org",
    "scope": "org",
}
# Numbers in data that are counts, not keys.
JSON_NUMBERS = {
    "members_present",
    "votes_for",
    "expected",
    "present",
    "yes",
    "no",
    "abstain",
    "written_yes",
    "written_no",
    "extension_months",
    "conversion_extension_months",
}
REFERENCED = {Organisation: "org", Person: "person"}
STATIC_TARGETS = (ContentType, Permission)


class Ref:
    """A cell standing for a key of the copy: its own rows (kind = model name,
    index among the template's rows) or an organisation/user/person role."""

    __slots__ = ("kind", "value")

    def __init__(self, kind, value):
        self.kind, self.value = kind, value


class Recipe:
    """One template row: the cells kept, and (position, resolver, value) for the rest."""

    __slots__ = ("static", "ops")

    def __init__(self, static, ops):
        self.static, self.ops = static, ops


class Compiled:
    def __init__(self, template, owners):
        self.template = template
        # The template subject's name, replaced by the copy's in titles and messages.
        self.name = template.subject["name"] if template.subject else ""
        self.owners = owners  # model -> the kind of key its pk is, e.g. "Task"
        self.index = {}  # (model name, template pk) -> position among the copies' keys
        self.counts = {}
        self.tables = {}  # model -> [Recipe]
        self.events = []
        self.unknown = set()  # numbers in data the generator cannot place


def _moment_mapper(marks):
    """Real time during the template walk -> the business moment it stands for."""
    if not marks:
        return lambda value: value

    def mapped(value):
        chosen = marks[0]
        for mark in marks:
            if mark[0] <= value:
                chosen = mark
        return chosen[1] + (value - chosen[0])

    return mapped


def _json(value, key, compiled):
    """Template JSON with Refs in place of keys and dates (checked: no unknown numbers)."""
    if isinstance(value, dict):
        return {k: _json(v, k, compiled) for k, v in value.items()}
    if isinstance(value, list):
        return [_json(v, key, compiled) for v in value]
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        kind = JSON_KEYS.get(key)
        if kind is None:
            if key not in JSON_NUMBERS:
                compiled.unknown.add(key)
            return value
        return _ref(kind, value, compiled)
    if isinstance(value, str) and DATE.match(value):
        return Ref("date", date.fromisoformat(value))
    if isinstance(value, str) and compiled.name and compiled.name in value:
        return Ref("named", value)
    return value


def _ref(kind, value, compiled):
    if kind in ("org", "person", "user"):
        role = compiled.template.keys.get((kind, value))
        if role is None:
            raise RuntimeError(f"template {kind} {value} has no place in the copies")
        return Ref("role", role)
    return Ref("own", (kind, compiled.index[(kind, value)]))


def _has_refs(value):
    if isinstance(value, Ref):
        return True
    if isinstance(value, dict):
        return any(_has_refs(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_refs(v) for v in value)
    return False


def _cell(model, f, value, compiled, moment):
    """(resolver, value) for a cell that changes in a copy, or None if kept."""
    if value is None:
        return None
    name = model._meta.object_name
    if f.primary_key and not f.is_relation:
        return ("own", (name, compiled.index[(name, value)]))
    if f.is_relation:
        target = f.related_model
        if issubclass(target, STATIC_TARGETS):
            return None
        if target in (Process, Case) or target._meta.pk.related_model in (Process, Case):
            # The case, or a row keyed by it (the dossier).
            return ("case", None)
        if target is get_user_model():
            return ("role", _ref("user", value, compiled).value)
        if target in REFERENCED:
            return ("role", _ref(REFERENCED[target], value, compiled).value)
        kind = target._meta.object_name
        return ("own", (kind, compiled.index[(kind, value)]))
    if isinstance(f, models.DateTimeField):
        return ("shift", moment(value))
    if isinstance(f, models.DateField):
        return ("days", value)
    if isinstance(f, models.JSONField):
        data = _json(value, None, compiled)
        return ("json", data) if _has_refs(data) else None
    special = SPECIAL.get((name, f.attname))
    if special:
        return special(value, compiled)
    if isinstance(value, str) and compiled.name and compiled.name in value:
        return ("named", value)
    if f.attname.endswith("_object_id"):
        raise RuntimeError(f"{name}.{f.attname} holds a key the generator cannot follow")
    return None


def _link(value, compiled):
    """A page address naming one of the case's tasks or the case itself."""
    match = resolve(value)
    kind = "Task" if match.url_name == "task" else "Process"
    (pk,) = match.args or tuple(match.kwargs.values())
    head, tail = value.rsplit(f"/{pk}/", 1)
    return ("link", (head, (kind, compiled.index[(kind, pk)]), tail))


SPECIAL = {
    ("Case", "org_path"): lambda v, c: ("path", None),
    ("Notification", "link"): _link,
    ("Task", "owner_permission_obj_pk"): lambda v, c: ("text", _ref("org", int(v), c).value),
    ("UserObjectPermission", "object_pk"): lambda v, c: ("text", _ref("org", int(v), c).value),
    ("AuditEvent", "task_id"): lambda v, c: ("own", ("Task", c.index[("Task", v)])),
    ("AuditEvent", "chain"): lambda v, c: ("chain", None),
    ("AuditEvent", "actor_name"): lambda v, c: ("name", None),
}


def compile_template(template, models_in_order):
    compiled = Compiled(template, {})
    for model in models_in_order:
        rows = template.rows.get(model, [])
        name = model._meta.object_name
        for i, row in enumerate(rows):
            compiled.index[(name, row[model._meta.pk.attname])] = i
        compiled.counts[name] = len(rows)
    for i, event in enumerate(template.events):
        compiled.index[("AuditEvent", event["id"])] = i
    compiled.counts["AuditEvent"] = len(template.events)
    moment = _moment_mapper(template.marks)
    fields = {m: m._meta.local_concrete_fields for m in [*models_in_order, AuditEvent]}
    for model in models_in_order:
        compiled.tables[model] = [
            _recipe(model, fields[model], row, compiled, moment)
            for row in template.rows.get(model, [])
        ]
    compiled.events = [
        _recipe(AuditEvent, fields[AuditEvent], e, compiled, moment, dump=False)
        for e in template.events
    ]
    if compiled.unknown:
        raise RuntimeError(f"numbers of unknown meaning in engine data: {sorted(compiled.unknown)}")
    return compiled


def _recipe(model, fields, row, compiled, moment, dump=True):
    """`dump=False` keeps JSON as data: audit events hash it before it is written."""
    static, ops = [], []
    for position, f in enumerate(fields):
        value = row[f.attname]
        op = (
            None if f.attname in ("hash", "prev_hash") else _cell(model, f, value, compiled, moment)
        )
        if op is not None and op[0] == "name":
            # The actor's name is that of the copy's actor in the same role.
            actor = row["actor_id"]
            op = ("name", _ref("user", actor, compiled).value) if actor else None
        if op is not None and op[0] == "json" and dump:
            op = ("json_text", op[1])
        if op is None:
            static.append(dumps(value) if dump and isinstance(f, models.JSONField) else value)
        else:
            static.append(None)
            ops.append((position, _resolver(*op)))
    return Recipe(static, ops)


class Copy:
    """What one copy resolves its cells against."""

    __slots__ = (
        "case",
        "base",
        "roles",
        "days",
        "shift",
        "path",
        "name",
        "template_name",
        "chain",
        "names",
    )

    def __init__(self, compiled, *, case, base, roles, days, shift, chain, names, path="", name=""):
        self.case, self.base, self.roles = case, base, roles
        self.days, self.shift = timedelta(days=days), timedelta(days=days, seconds=shift)
        self.path, self.name, self.chain, self.names = path, name, chain, names
        self.template_name = compiled.name


def _resolve_json(value, copy):
    if isinstance(value, Ref):
        return _resolver(value.kind, value.value)(copy)
    if isinstance(value, dict):
        return {k: _resolve_json(v, copy) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve_json(v, copy) for v in value]
    return value


def _json_text(value):
    """JSON written as text with holes: the data is serialised once per template and
    each copy only fills in its keys, dates and names."""
    holes = []

    def punch(node):
        if isinstance(node, Ref):
            holes.append(node)
            return f"@@hole{len(holes) - 1}@@"
        if isinstance(node, dict):
            return {k: punch(v) for k, v in node.items()}
        if isinstance(node, list):
            return [punch(v) for v in node]
        return node

    parts = HOLE.split(dumps(punch(value)))
    fillers = [_resolver(h.kind, h.value) for h in holes]
    quoted = [h.kind in ("date", "named") for h in holes]

    def fill(copy):
        out = list(parts)
        for k in range(1, len(parts), 2):
            hole = int(parts[k])
            resolved = fillers[hole](copy)
            out[k] = dumps(resolved) if quoted[hole] else str(resolved)
        return "".join(out)

    return fill


HOLE = re.compile(r'"@@hole(\d+)@@"')


def _resolver(kind, value):
    """A function of the copy giving the cell's value."""
    if kind == "own":
        name, index = value
        return lambda copy: copy.base[name] + index
    if kind == "role":
        return lambda copy: copy.roles[value]
    if kind == "shift":
        return lambda copy: value + copy.shift
    if kind == "days":
        return lambda copy: value + copy.days
    if kind == "date":
        return lambda copy: (value + copy.days).isoformat()
    if kind == "case":
        return lambda copy: copy.case
    if kind == "json":
        return lambda copy: _resolve_json(value, copy)
    if kind == "json_text":
        return _json_text(value)
    if kind == "text":
        return lambda copy: str(copy.roles[value])
    if kind == "path":
        return lambda copy: copy.path
    if kind == "named":
        return lambda copy: value.replace(copy.template_name, copy.name)
    if kind == "link":
        head, (name, index), tail = value
        return lambda copy: f"{head}/{copy.base[name] + index}/{tail}"
    if kind == "chain":
        return lambda copy: copy.chain
    if kind == "name":
        return lambda copy: copy.names.get(copy.roles[value], "")
    raise RuntimeError(kind)


def rows_of(recipe, copy):
    row = list(recipe.static)
    for position, resolve_cell in recipe.ops:
        row[position] = resolve_cell(copy)
    return row


EVENT_FIELDS = [f.attname for f in AuditEvent._meta.local_concrete_fields]
DATA = EVENT_FIELDS.index("data")
PREV = EVENT_FIELDS.index("prev_hash")
HASH = EVENT_FIELDS.index("hash")


def chain_rows(compiled, copy):
    """The copy's audit events, hashed in order as core.audit.chain.append does."""
    prev, out = GENESIS, []
    for recipe in compiled.events:
        row = list(recipe.static)
        for position, resolve_cell in recipe.ops:
            row[position] = resolve_cell(copy)
        row[PREV] = prev
        row[HASH] = prev = event_hash(SimpleNamespace(**dict(zip(EVENT_FIELDS, row, strict=True))))
        row[DATA] = dumps(row[DATA])
        out.append(row)
    return out
