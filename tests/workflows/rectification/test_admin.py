"""The situations are data the county edits in the admin, each change on record."""

import pytest
from django.urls import reverse

from core.audit.chain import verify
from core.audit.models import AuditEvent
from workflows.rectification.models import Situation

pytestmark = pytest.mark.django_db


def test_the_seed_holds_w1_to_w10():
    codes = list(Situation.objects.values_list("code", flat=True))
    assert codes == [f"W{n}" for n in range(1, 11)]
    assert set(Situation.objects.filter(evidence="referral").values_list("code", flat=True)) == {
        "W7",
        "W8",
        "W10",
    }


def test_a_situation_is_retired_in_the_admin_and_the_change_recorded(client, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.org", "pw")
    client.force_login(admin)
    w9 = Situation.objects.get(code="W9")
    url = reverse("admin:rectification_situation_change", args=[w9.pk])
    form = {
        "code": "W9",
        "name": w9.name,
        "test": w9.test,
        "evidence": w9.evidence,
        "detector": w9.detector,
        "order": w9.order,
    }  # "active" left unticked: retired
    assert client.post(url, form).status_code == 302
    w9.refresh_from_db()
    assert not w9.active
    event = AuditEvent.objects.get(chain="rectification:situations")
    assert (event.action, event.data["code"], event.data["changed"]) == (
        "situation_changed",
        "W9",
        ["active"],
    )
    assert verify(chain="rectification:situations").ok
    delete = reverse("admin:rectification_situation_delete", args=[w9.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
