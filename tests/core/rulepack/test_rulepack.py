"""Versioned parameters: defaults, packs in force from a date, refusals, the admin."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from core.audit.chain import verify
from core.audit.models import AuditEvent
from core.rulepack.models import RulePack
from core.rulepack.registry import PARAMETERS
from core.rulepack.values import in_force, value
from workflows.recruitment import pack

pytestmark = pytest.mark.django_db

APPROVAL = pack.APPROVAL_MONTHS.key


def add_pack(version, effective_from, **values):
    rule_pack = RulePack(version=version, effective_from=effective_from, values=values, note="test")
    rule_pack.clean()
    rule_pack.save()
    return rule_pack


def test_without_a_pack_every_parameter_has_its_default():
    assert value(APPROVAL, date(2025, 1, 1)) == 3
    assert value(pack.NEAR_RELATIVES_BARRED.key) is False
    assert in_force()[pack.PUBLICITY_WORKING_DAYS.key] == 5


def test_a_pack_applies_from_its_date_only():
    add_pack(1, date(2025, 7, 1), **{APPROVAL: 2})
    assert value(APPROVAL, date(2025, 6, 30)) == 3
    assert value(APPROVAL, date(2025, 7, 1)) == 2
    assert value(APPROVAL, date(2026, 1, 1)) == 2


def test_a_pack_entered_ahead_of_its_date_is_not_in_force_today():
    add_pack(1, timezone.localdate() + timedelta(days=30), **{APPROVAL: 2})
    assert value(APPROVAL) == 3
    assert in_force()[APPROVAL] == 3


def test_a_newer_version_wins_and_keys_it_leaves_out_keep_their_value():
    add_pack(1, date(2025, 1, 1), **{APPROVAL: 2, pack.PUBLICITY_WORKING_DAYS.key: 7})
    add_pack(2, date(2025, 1, 1), **{APPROVAL: 1})
    add_pack(3, date(2025, 9, 1), **{APPROVAL: 3})
    assert value(APPROVAL, date(2025, 3, 1)) == 1
    assert value(pack.PUBLICITY_WORKING_DAYS.key, date(2025, 3, 1)) == 7
    assert value(APPROVAL, date(2025, 9, 1)) == 3


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"recruitment.no_such_key": 1}, "recruitment.no_such_key"),
        ({APPROVAL: "2"}, APPROVAL),
        ({APPROVAL: 2.0}, APPROVAL),
        ({APPROVAL: True}, APPROVAL),
        ({pack.NEAR_RELATIVES_BARRED.key: 1}, pack.NEAR_RELATIVES_BARRED.key),
        ({APPROVAL: 0}, "1"),
        ({APPROVAL: 4}, "3"),
        ([APPROVAL, 2], ""),
    ],
)
def test_clean_refuses_unknown_keys_wrong_types_and_values_out_of_range(values, message):
    rule_pack = RulePack(version=1, effective_from=date(2025, 1, 1), values=values, note="x")
    with pytest.raises(ValidationError) as refused:
        rule_pack.clean()
    assert list(refused.value.message_dict) == ["values"]
    assert message in " ".join(refused.value.message_dict["values"])


def test_the_range_ends_themselves_are_allowed():
    add_pack(1, date(2025, 1, 1), **{APPROVAL: 1, pack.REMIND_DAYS.key: 60})
    assert value(pack.REMIND_DAYS.key, date(2025, 1, 1)) == 60


# --- The admin -----------------------------------------------------------------


def post_pack(client, version=1, values=f'{{"{APPROVAL}": 2}}'):
    return client.post(
        reverse("admin:rulepack_rulepack_add"),
        {"version": version, "effective_from": "2026-01-01", "values": values, "note": "省委文件"},
    )


def test_admin_adds_a_pack_and_records_it_in_the_rulepack_chain(admin_client, admin_user):
    response = post_pack(admin_client)
    assert response.status_code == 302, response.context["adminform"].form.errors
    rule_pack = RulePack.objects.get()
    assert rule_pack.created_by == admin_user
    (event,) = AuditEvent.objects.filter(chain="rulepack")
    assert (event.action, event.actor) == ("rulepack_added", admin_user)
    assert event.data == {"version": 1, "effective_from": "2026-01-01", "values": {APPROVAL: 2}}
    assert verify(chain="rulepack").ok


def test_admin_refuses_a_pack_out_of_range_and_writes_nothing(admin_client):
    response = post_pack(admin_client, values=f'{{"{APPROVAL}": 9}}')
    assert response.status_code == 200
    assert "values" in response.context["adminform"].form.errors
    assert not RulePack.objects.exists()
    assert not AuditEvent.objects.exists()


def test_admin_refuses_change_and_delete(admin_client):
    post_pack(admin_client)
    rule_pack = RulePack.objects.get()
    change = reverse("admin:rulepack_rulepack_change", args=[rule_pack.pk])
    response = admin_client.post(
        change,
        {
            "version": 1,
            "effective_from": "2020-01-01",
            "values": f'{{"{APPROVAL}": 1}}',
            "note": "x",
        },
    )
    assert response.status_code == 403
    response = admin_client.post(
        reverse("admin:rulepack_rulepack_delete", args=[rule_pack.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    rule_pack.refresh_from_db()
    assert (rule_pack.effective_from, rule_pack.values) == (date(2026, 1, 1), {APPROVAL: 2})
    assert AuditEvent.objects.filter(chain="rulepack").count() == 1


# --- manage.py rulepack ----------------------------------------------------------


def rulepack_listing(*args):
    out = StringIO()
    with translation.override("en"):  # the wording checked below, whatever the translation
        call_command("rulepack", *args, stdout=out)
    blocks = out.getvalue().strip().split("\n")
    return {blocks[i]: blocks[i + 2].strip() for i in range(0, len(blocks), 3)}


def test_the_command_lists_every_parameter_with_default_basis_and_value_in_force():
    add_pack(1, date(2025, 7, 1), **{APPROVAL: 2, pack.NEAR_RELATIVES_BARRED.key: True})
    listing = rulepack_listing("--on", "2025-07-01")
    assert set(listing) == set(PARAMETERS)
    assert listing[APPROVAL] == (
        "in force on 2025-07-01: 2  default: 3  basis: R1.19 [S]  allowed: 1 to 3"
    )
    assert listing[pack.NEAR_RELATIVES_BARRED.key].startswith("in force on 2025-07-01: true ")
    before = rulepack_listing("--on", "2025-06-30")
    assert before[APPROVAL].startswith("in force on 2025-06-30: 3 ")
    today = rulepack_listing()
    assert today[APPROVAL].startswith(f"in force on {timezone.localdate()}: 2 ")
