"""The departments and the negative list are data: seeded, edited in the admin,
every change recorded, nothing deleted."""

import pytest
from django.urls import reverse

from core.audit.chain import verify
from core.audit.models import AuditEvent
from workflows.vetting.models import NegativeItem

pytestmark = pytest.mark.django_db


def test_the_ten_not_list_is_seeded_with_its_look_back_years():
    items = {item.code: item for item in NegativeItem.objects.all()}
    assert {"N1", "N2a", "N3", "N8", "N9c", "N10"} <= set(items)
    assert items["N7b"].look_back_years == 3
    assert items["N9b"].look_back_years == 5
    assert items["N9c"].source == "court"
    assert not items["L1"].active


def test_a_province_adds_an_item_in_the_admin_and_it_is_recorded(admin_client):
    response = admin_client.post(
        reverse("admin:vetting_negativeitem_add"),
        {
            "code": "P1",
            "label": "五年内因嫖娼、吸毒被行政拘留",
            "look_back_years": 5,
            "source": "police",
            "basis": "省委组织部通知",
            "active": "on",
            "order": 20,
        },
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(chain="vetting:configuration")
    assert (event.action, event.data["code"]) == ("negativeitem_added", "P1")
    assert verify(chain="vetting:configuration").ok
    item = NegativeItem.objects.get(code="P1")
    assert str(item) == "P1 五年内因嫖娼、吸毒被行政拘留"
    url = reverse("admin:vetting_negativeitem_delete", args=[item.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
