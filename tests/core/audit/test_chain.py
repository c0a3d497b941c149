import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from core.audit import chain
from core.audit.models import AuditAnchor, AuditEvent


def _events(n, key="case-free:1"):
    return [
        chain.append(chain=key, action="note", data={"i": i, "when": "2026-11-21"})
        for i in range(n)
    ]


def _tamper(sql, params):
    """Change a row behind the application's back, as a DBA with trigger rights could."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A superuser can switch user triggers off for the session.
            cursor.execute("SET session_replication_role = replica")
            cursor.execute(sql, params)
            cursor.execute("SET session_replication_role = DEFAULT")
        else:
            cursor.execute("DROP TRIGGER audit_auditevent_no_update")
            cursor.execute("DROP TRIGGER audit_auditevent_no_delete")
            cursor.execute(sql, params)


@pytest.mark.django_db
def test_events_link_to_their_predecessor():
    first, second = _events(2)
    assert (first.seq, second.seq) == (1, 2)
    assert first.prev_hash == chain.GENESIS
    assert second.prev_hash == first.hash
    assert chain.verify().ok


@pytest.mark.django_db
@pytest.mark.parametrize(
    "sql", ["UPDATE audit_auditevent SET opinion = 'x'", "DELETE FROM audit_auditevent"]
)
def test_the_database_refuses_update_and_delete(sql):
    _events(1)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        connection.cursor().execute(sql)
    assert AuditEvent.objects.count() == 1


@pytest.mark.django_db
def test_verify_names_the_changed_event(capsys):
    events = _events(4)
    _tamper("UPDATE audit_auditevent SET opinion = %s WHERE id = %s", ["改过", events[2].pk])
    report = chain.verify()
    assert not report.ok
    assert str(report.breaks[0]) == (
        f"event {events[2].pk} (case-free:1 #3): its content was changed after it was written"
    )
    with pytest.raises(CommandError, match=f"event {events[2].pk}"):
        call_command("verify_audit")


@pytest.mark.django_db
def test_verify_finds_a_removed_event_in_the_middle():
    events = _events(4)
    _tamper("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk])
    report = chain.verify()
    assert "events are missing" in str(report.breaks[0])
    assert f"event {events[2].pk}" in str(report.breaks[0])


@pytest.mark.django_db
def test_the_anchor_finds_a_cut_off_tail():
    events = _events(3)
    chain.anchor()
    _tamper("DELETE FROM audit_auditevent WHERE id = %s", [events[2].pk])
    report = chain.verify()
    assert [str(b) for b in report.breaks] == [
        f"anchor {AuditAnchor.objects.get().pk}: case-free:1 #3 anchored but now missing"
    ]


@pytest.mark.django_db
def test_anchor_covers_only_new_events():
    _events(2, "a")
    first = chain.anchor()
    assert first.heads == {"a": [2, AuditEvent.objects.get(chain="a", seq=2).hash]}
    assert chain.anchor() is None
    _events(1, "b")
    second = chain.anchor()
    assert list(second.heads) == ["b"]
    assert second.prev_hash == first.hash


@pytest.mark.django_db
def test_verify_audit_command_on_an_untouched_log(capsys):
    _events(3)
    call_command("verify_audit", "--anchor")
    out = capsys.readouterr().out
    assert "3 events in 1 chains" in out
    assert "audit log intact" in out
    assert AuditAnchor.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("table", ["audit_auditevent", "audit_auditanchor"])
@pytest.mark.parametrize("sql", ["UPDATE {table} SET hash = 'x'", "DELETE FROM {table}"])
def test_both_audit_tables_refuse_update_and_delete(table, sql):
    _events(1)
    chain.anchor()
    counts = AuditEvent.objects.count(), AuditAnchor.objects.count()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        connection.cursor().execute(sql.format(table=table))
    assert (AuditEvent.objects.count(), AuditAnchor.objects.count()) == counts
    assert chain.verify().ok


@pytest.mark.django_db
def test_the_orm_cannot_change_an_event_either():
    """Code that forgot the rules (a bulk update, a delete, a save) is refused the same."""
    event = _events(1)[0]
    for change in (
        lambda: AuditEvent.objects.update(opinion="x"),
        lambda: AuditEvent.objects.all().delete(),
        lambda: AuditEvent.objects.filter(pk=event.pk).update(actor_name="x"),
        lambda: event.save(),
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            change()
    assert chain.verify().ok


def _forge(event, **changes):
    """Rewrite an event and its own hash, as someone who knows the algorithm would."""
    for name, value in changes.items():
        setattr(event, name, value)
    event.hash = chain.event_hash(event)
    _tamper(
        "UPDATE audit_auditevent SET opinion = %s, hash = %s WHERE id = %s",
        [event.opinion, event.hash, event.pk],
    )


@pytest.mark.django_db
def test_a_rehashed_event_breaks_the_link_to_the_next_one():
    events = _events(4)
    _forge(events[1], opinion="改过")
    report = chain.verify()
    assert [str(b) for b in report.breaks] == [
        f"event {events[2].pk} (case-free:1 #3): does not link to the event before it"
    ]


@pytest.mark.django_db
def test_a_rehashed_last_event_is_found_by_the_anchor():
    events = _events(3)
    chain.anchor()
    _forge(events[2], opinion="改过")
    report = chain.verify()
    assert [str(b) for b in report.breaks] == [
        f"anchor {AuditAnchor.objects.get().pk}: case-free:1 #3 anchored but now different"
    ]


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL trigger management")
def test_with_the_trigger_disabled_a_change_is_still_found():
    """The table owner may disable the trigger (ALTER TABLE ... DISABLE TRIGGER): the
    change then goes through, and verify_audit names it."""
    events = _events(3)
    with connection.cursor() as cursor:
        # ALTER TABLE waits for no deferred foreign-key check of the test's own inserts.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_auditevent_append_only")
        cursor.execute("UPDATE audit_auditevent SET actor_name = 'x' WHERE id = %s", [events[0].pk])
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_auditevent_append_only")
    with pytest.raises(CommandError, match=f"event {events[0].pk}"):
        call_command("verify_audit")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        connection.cursor().execute("DELETE FROM audit_auditevent")


@pytest.mark.django_db
def test_events_added_in_one_batch_continue_each_chain():
    head = _events(2, key="case-free:1")[-1]
    other_head = _events(3, key="case-free:3")[-1]
    batch = [
        AuditEvent(chain=key, action="note", data={"i": i})
        for i, key in enumerate(["case-free:1", "case-free:2", "case-free:3", "case-free:1"])
    ]
    written = chain.append_many(batch)
    assert [(e.chain, e.seq) for e in written] == [
        ("case-free:1", 3),
        ("case-free:2", 1),
        ("case-free:3", 4),
        ("case-free:1", 4),
    ]
    assert written[0].prev_hash == head.hash
    assert written[3].prev_hash == written[0].hash
    assert written[1].prev_hash == chain.GENESIS
    assert written[2].prev_hash == other_head.hash
    assert AuditEvent.objects.count() == 9
    assert chain.verify().ok


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="processes split chains on PostgreSQL"
)
def test_processes_split_the_chains_and_find_the_same_breaks(flushable_audit):
    """verify(jobs=3) walks ranges of chain keys in three spawned processes,
    each on its own connection: the same events, chains and breaks as one
    walk, with a break in a chain of each range."""
    for n in range(30):
        _events(3, key=f"case:{n:03d}")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE audit_auditevent")
    assert len(chain._key_ranges(3)) == 3
    for key in ("case:001", "case:015", "case:029"):
        event = AuditEvent.objects.get(chain=key, seq=2)
        _tamper("UPDATE audit_auditevent SET opinion = %s WHERE id = %s", ["改过", event.pk])
    one, three = chain.verify(), chain.verify(jobs=3)
    assert (three.events, three.chains) == (one.events, one.chains) == (90, 30)
    assert sorted(map(str, three.breaks)) == sorted(map(str, one.breaks))
    assert len(three.breaks) == 3


def _read(key="case-free:1"):
    return list(AuditEvent.objects.filter(chain=key).order_by("seq"))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "tamper",
    [
        None,
        ("UPDATE audit_auditevent SET opinion = %s WHERE id = %s", ["改过"], 2),
        ("DELETE FROM audit_auditevent WHERE id = %s", [], 1),
        ("DELETE FROM audit_auditevent WHERE id = %s", [], 0),
        ("UPDATE audit_auditevent SET data = %s WHERE id = %s", ['{"i": 9}'], 3),
    ],
)
def test_events_already_read_give_the_verdict_verify_gives(tamper):
    """A page checks the chain it has read for its history (chain.intact): for
    an untouched chain, a changed event, one removed from the middle or from the
    start, and changed data, its verdict is verify's."""
    events = _events(4)
    if tamper:
        sql, params, index = tamper
        _tamper(sql, [*params, events[index].pk])
    assert chain.intact(_read()) is chain.verify(chain="case-free:1").ok
    assert chain.intact(_read()) is (tamper is None)
