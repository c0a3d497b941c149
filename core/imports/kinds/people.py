"""People: one per row, through the same PersonForm as the pages (ID number checked
against birth date and gender, unique, encrypted), into an organisation in scope."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.imports.rows import choice_value, form_problems
from core.imports.sheets import Column
from core.people.choices import Education, Gender, Occupation, PartyStatus
from core.people.forms import PersonForm

NAME, GENDER, ETHNICITY, BIRTH, EDUCATION, OCCUPATION, ID_NUMBER, ORGANISATION = (
    "姓名",
    "性别",
    "民族",
    "出生日期",
    "学历",
    "职业类别",
    "身份证号",
    "所在组织代码",
)
STATUS, MEMBER_SINCE = "政治面貌", "转为正式党员日期"

COLUMNS = [
    Column(NAME, gettext_lazy("Full name."), True, "张三"),
    Column(GENDER, gettext_lazy("男 or 女."), True, "男"),
    Column(ETHNICITY, gettext_lazy("One of the 56 ethnic groups; 汉族 if empty."), False, "汉族"),
    Column(BIRTH, gettext_lazy("A date, YYYY-MM-DD."), True, "1990-05-01"),
    Column(EDUCATION, gettext_lazy("Highest education, e.g. 大学本科, 高中."), True, "高中"),
    Column(OCCUPATION, gettext_lazy("Occupation category, e.g. 农牧渔民, 工人."), True, "农牧渔民"),
    Column(
        ID_NUMBER,
        gettext_lazy("18-character resident ID number; it must match the birth date and gender."),
        True,
        "110105199005010011",
    ),
    Column(
        ORGANISATION,
        gettext_lazy("The code of the branch (or other organisation) the person belongs to."),
        True,
        "dongcheng_village",
    ),
    Column(STATUS, gettext_lazy("群众 (default) or 正式党员."), False, "群众"),
    Column(MEMBER_SINCE, gettext_lazy("For a full member: the date membership began."), False, ""),
]

# Branch roles over their branch, township roles over the township, and the
# county organisation department over the county.
PERMISSIONS = ("act_for_branch", "review_for_township", "file_for_county")
SENSITIVE = {ID_NUMBER}

# Applicants to probationary members exist only with their case: those come in
# through the cases-in-progress import, whose steps set the status.
STATUSES = [PartyStatus.MASSES, PartyStatus.FULL]


class ImportPersonForm(PersonForm):
    party_status = forms.TypedChoiceField(
        choices=[(s.value, s.label) for s in STATUSES],
        required=False,
        empty_value=PartyStatus.MASSES,
        error_messages={
            "invalid_choice": gettext_lazy(
                "Only non-members and full members are imported here; applicants to "
                "probationary members come in with their cases."
            )
        },
    )

    class Meta(PersonForm.Meta):
        fields = [*PersonForm.Meta.fields, "membership_started_on"]

    def clean(self):
        cleaned = super().clean()
        since = cleaned.get("membership_started_on")
        if cleaned.get("party_status") == PartyStatus.FULL and since is None:
            self.add_error(
                "membership_started_on", _("Give the date a full member's membership began.")
            )
        if since and cleaned.get("party_status") != PartyStatus.FULL:
            self.add_error("membership_started_on", _("Only a full member has a membership date."))
        if since and since > timezone.localdate():
            self.add_error("membership_started_on", _("This date is in the future."))
        return cleaned

    def _post_clean(self):
        # With a field already refused the ID number could not be checked, and the
        # model's own check would only add that it is missing.
        if not self.errors:
            super()._post_clean()


FIELD_COLUMNS = {
    "name": NAME,
    "gender": GENDER,
    "ethnicity": ETHNICITY,
    "birth_date": BIRTH,
    "education": EDUCATION,
    "occupation": OCCUPATION,
    "id_number": ID_NUMBER,
    "organisation": ORGANISATION,
    "party_status": STATUS,
    "membership_started_on": MEMBER_SINCE,
}


def import_row(ctx, row):
    organisation = ctx.organisation(ORGANISATION, row.get(ORGANISATION))
    data = {
        "name": row.get(NAME),
        "gender": choice_value(Gender, row.get(GENDER)),
        "ethnicity": row.get(ETHNICITY) or "汉族",
        "birth_date": row.get(BIRTH),
        "education": choice_value(Education, row.get(EDUCATION)),
        "occupation": choice_value(Occupation, row.get(OCCUPATION)),
        "id_number": row.get(ID_NUMBER),
        "organisation": organisation.pk,
        "party_status": choice_value(PartyStatus, row.get(STATUS)),
        "membership_started_on": row.get(MEMBER_SINCE),
    }
    form = ImportPersonForm(data)
    if not form.is_valid():
        raise form_problems(form, FIELD_COLUMNS, row)
    person = form.save(commit=False)
    person.party_status = form.cleaned_data["party_status"]
    person.save()
