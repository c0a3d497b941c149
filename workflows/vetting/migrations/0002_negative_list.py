"""Seed the negative list with 「十不选」 as used in the 2020-21 elections (§3a).

Labels are English, marked for the catalogue, and shown translated. Items
that differ by province are edited or switched off in the admin, never here.
"""

from django.db import migrations
from django.utils.translation import gettext_noop as _

TEN_NOT = "十不选 (2020-21)"
LOCAL_2016 = "local list (2016)"

# code, label, look-back years, usually found by, basis, in force
ITEMS = [
    ("N1", _("Disloyal to the party or politically two-faced; spreading political rumours"), None, "organisation", TEN_NOT, True),
    ("N2a", _("Received a criminal penalty"), None, "court", TEN_NOT, True),
    ("N2b", _("Village bully (村霸), gang or organised-crime involvement"), None, "police", TEN_NOT, True),
    ("N3", _("Within the period of a party-discipline, administrative or organisational penalty, or under investigation for a serious violation"), None, "discipline", TEN_NOT, True),
    ("N4", _("Illegal religious or cult activity, superstition, pornography, gambling or drugs; clan or religious infiltration of grassroots bodies"), None, "police", TEN_NOT, True),
    ("N5", _("Illegal canvassing, election bribery, or manipulating or sabotaging elections"), None, "civil_affairs", TEN_NOT, True),
    ("N6", _("Organising or inciting mass disturbances or illegal petitions; disturbing public order"), None, "petitions", TEN_NOT, True),
    ("N7a", _("Dereliction in an emergency; rated incompetent in this term, or recalled"), None, "organisation", TEN_NOT, True),
    ("N7b", _("Rated an unqualified party member"), 3, "organisation", TEN_NOT, True),
    ("N7c", _("Long absent from the village"), None, "civil_affairs", TEN_NOT, True),
    ("N8", _("Diverting subsidies or encroaching on collective funds, assets or land, not rectified"), None, "agriculture", TEN_NOT, True),
    ("N9a", _("Serious illegal land use or building, or illegal tombs, not rectified"), None, "agriculture", TEN_NOT, True),
    ("N9b", _("Serious ecological damage"), 5, "procuratorate", TEN_NOT, True),
    ("N9c", _("On the court's list of dishonest judgment debtors"), None, "court", TEN_NOT, True),
    ("N10", _("Otherwise judged unsuitable"), None, "organisation", TEN_NOT, True),
    ("L1", _("Birth-policy violation not dealt with"), None, "health", LOCAL_2016, False),
]


def seed(apps, schema_editor):
    NegativeItem = apps.get_model("vetting", "NegativeItem")
    for order, (code, label, years, source, basis, active) in enumerate(ITEMS, 1):
        NegativeItem.objects.update_or_create(
            code=code,
            defaults={
                "label": label,
                "look_back_years": years,
                "source": source,
                "basis": basis,
                "active": active,
                "order": order,
            },
        )


def unseed(apps, schema_editor):
    apps.get_model("vetting", "NegativeItem").objects.filter(
        code__in=[item[0] for item in ITEMS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("vetting", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
