"""One form per human step and per action; the browser and the API both validate through these.

A form checks the shape of the input; `kwargs()` turns it into the arguments
of the service (services.py), which checks the rules and answers with their
codes. Choices are limited to what the case, the round or the county holds.

Two steps decide on rows the case holds, so their forms grow one pair of
fields per row: the township's re-check and the county's verification
(`decision_<finding id>`, `reason_<finding id>` for every finding before that
level) and the plan (`measure_<problem id>`, `due_<problem id>` for every open
problem). A situation is named by its code (W1 …).
"""

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from core.organisations.models import Organisation, OrganisationKind
from core.people.models import Person
from workflows.recruitment.forms import StepForm, _date, _text
from workflows.rectification.flows import county_of
from workflows.rectification.models import (
    Decision,
    Department,
    Finding,
    ForceKind,
    OrganisationCheck,
    Problem,
    ProblemState,
    RoundKind,
    ScreeningRound,
    Situation,
    StationedPost,
)

RAISE_SLOTS = (1, 2, 3)


def _situation(label, required=True):
    return forms.ModelChoiceField(
        label=label,
        queryset=Situation.objects.filter(active=True),
        to_field_name="code",
        required=required,
    )


def _lines(text):
    return [line.strip() for line in text.splitlines() if line.strip()]


def _raised(self):
    return [
        {
            "code": self.cleaned_data[f"raise_{n}_code"].code,
            "statement": self.cleaned_data[f"raise_{n}_statement"],
            "file": self.cleaned_data.get(f"raise_{n}_file"),
        }
        for n in RAISE_SLOTS
        if self.cleaned_data.get(f"raise_{n}_code")
    ]


def _raise_fields():
    fields = {}
    for n in RAISE_SLOTS:
        fields[f"raise_{n}_code"] = _situation(
            format_lazy("{} {}", _("Situation raised"), n), required=False
        )
        fields[f"raise_{n}_statement"] = _text(format_lazy("{} {}", _("Finding"), n), False)
        fields[f"raise_{n}_file"] = forms.FileField(
            label=format_lazy("{} {}", _("Evidence file"), n), required=False
        )
    return fields


# Up to three situations raised at a level, each with its finding and evidence; the
# fields are numbered, so the class is built from them.
RaiseMixin = type(
    "RaiseMixin", (forms.Form,), {**_raise_fields(), "raised": _raised, "__module__": __name__}
)


class SelfCheckForm(RaiseMixin, StepForm):
    checked_on = _date(_("Self-check held on"))
    report = _text(_("Self-check report"))

    def kwargs(self):
        return {
            "opinion": self.cleaned_data["opinion"],
            "checked_on": self.cleaned_data["checked_on"],
            "report": self.cleaned_data["report"],
            "findings": self.raised(),
        }


DECISIONS = [("confirm", _("Confirm")), ("dismiss", _("Dismiss"))]


class CheckForm(RaiseMixin, StepForm):
    """The township's re-check or the county's verification: a decision on every finding
    before this level, then any situation the level raises itself."""

    level = ""
    checked_on = _date(_("Checked on"))
    report = _text(_("Record of the check"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        check = OrganisationCheck.objects.get(case_id=self.case.pk)
        self.findings = list(self.pending(check.findings.select_related("situation")))
        for finding in self.findings:
            self.fields[f"decision_{finding.pk}"] = forms.ChoiceField(
                label=str(finding.situation), choices=DECISIONS, widget=forms.RadioSelect
            )
            self.fields[f"reason_{finding.pk}"] = forms.CharField(
                label=_("Why it is dismissed"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def decision_rows(self):
        """(finding, its decision field, its reason field) for the page."""
        return [
            (finding, self[f"decision_{finding.pk}"], self[f"reason_{finding.pk}"])
            for finding in self.findings
        ]

    def other_fields(self):
        return [self[name] for name in self.fields if not name.startswith(("decision_", "reason_"))]

    def kwargs(self):
        data = self.cleaned_data
        return {
            "opinion": data["opinion"],
            "checked_on": data["checked_on"],
            "report": data["report"],
            "decisions": {
                f.pk: (data[f"decision_{f.pk}"] == "confirm", data[f"reason_{f.pk}"])
                for f in self.findings
            },
            "findings": self.raised(),
        }


class TownshipCheckForm(CheckForm):
    def pending(self, findings):
        return findings.filter(township_decision="")


class CountyCheckForm(CheckForm):
    def pending(self, findings):
        return findings.exclude(township_decision=Decision.DISMISSED).filter(county_decision="")


class DecideListForm(StepForm):
    decided_on = _date(_("Decided on"))
    minutes = _text(_("Minutes of the meeting that decided the list"))
    listed = forms.ModelMultipleChoiceField(
        label=_("Organisations listed"),
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    over_ratio_reason = _text(_("Why more are listed than the ratio allows"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.screening = ScreeningRound.objects.get(case_id=self.case.pk)
        verified = Finding.objects.filter(
            org_check__round=self.screening, county_decision=Decision.CONFIRMED
        ).values("org_check__case__organisation")
        self.fields["listed"].queryset = Organisation.objects.filter(pk__in=verified).order_by(
            "path"
        )


FORCE_FIELDS = {
    ForceKind.COUNTY_LEADER: "county_leader",
    ForceKind.TOWNSHIP_LEADER: "township_leader",
    ForceKind.STATIONED: "stationed",
    ForceKind.PAIRED_UNIT: "paired_unit",
}


class ForcesForm(StepForm):
    """The 「四个一」; which of them are required is the rule pack's (the service checks)."""

    assigned_on = _date(_("Assigned on"))
    county_leader = forms.ModelChoiceField(
        label=ForceKind.COUNTY_LEADER.label, queryset=Person.objects.none(), required=False
    )
    township_leader = forms.ModelChoiceField(
        label=ForceKind.TOWNSHIP_LEADER.label, queryset=Person.objects.none(), required=False
    )
    stationed = forms.ModelChoiceField(
        label=ForceKind.STATIONED.label, queryset=Person.objects.none(), required=False
    )
    stationed_post = forms.ChoiceField(
        label=_("Post of the stationed cadre"),
        choices=StationedPost.choices,
        initial=StationedPost.FIRST_SECRETARY,
        required=False,
    )
    paired_unit = forms.ModelChoiceField(
        label=ForceKind.PAIRED_UNIT.label, queryset=Organisation.objects.none(), required=False
    )
    text = _text(_("Remarks"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        county = county_of(self.case)
        people = Person.objects.filter(organisation__path__startswith=county.path).order_by("name")
        for name in ("county_leader", "township_leader", "stationed"):
            self.fields[name].queryset = people
        self.fields["paired_unit"].queryset = (
            Organisation.objects.subtree(county)
            .exclude(pk=self.case.organisation_id)
            .order_by("path")
        )

    def clean_stationed_post(self):
        # A first secretary unless the county says otherwise, as in services.assign_forces.
        return self.cleaned_data["stationed_post"] or StationedPost.FIRST_SECRETARY

    def kwargs(self):
        data = dict(self.cleaned_data)
        forces = {kind: data.pop(name) for kind, name in FORCE_FIELDS.items()}
        return {**data, "forces": forces}


class PlanForm(StepForm):
    planned_on = _date(_("Plan adopted on"))
    diagnosis = _text(_("Diagnosis: why the organisation is weak and lax"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.problems = list(Problem.objects.filter(case_id=self.case.pk, state=ProblemState.OPEN))
        for problem in self.problems:
            self.fields[f"measure_{problem.pk}"] = _text(
                _("Measure for: %(problem)s") % {"problem": problem}, required=False
            )
            self.fields[f"due_{problem.pk}"] = _date(_("Due on"), required=False)

    def kwargs(self):
        data = self.cleaned_data
        measures = [
            {"problem": p.pk, "text": data[f"measure_{p.pk}"], "due_on": data[f"due_{p.pk}"]}
            for p in self.problems
            if data[f"measure_{p.pk}"] or data[f"due_{p.pk}"]
        ]
        return {
            "opinion": data["opinion"],
            "planned_on": data["planned_on"],
            "diagnosis": data["diagnosis"],
            "measures": measures,
        }


class RectifyForm(StepForm):
    completed_on = _date(_("Reported done on"))
    report = _text(_("Report that rectification is done"))


class AcceptanceForm(StepForm):
    held_on = _date(_("Acceptance held on"))
    team = forms.CharField(label=_("Acceptance team"), max_length=100)
    report = _text(_("Acceptance report"))
    score = forms.IntegerField(label=_("Score"), min_value=0, max_value=100)
    participants = forms.IntegerField(label=_("Took part in the evaluation"), min_value=0)
    satisfied = forms.IntegerField(label=_("Satisfied"), min_value=0)
    basically_satisfied = forms.IntegerField(label=_("Basically satisfied"), min_value=0)
    unsatisfied = forms.IntegerField(label=_("Unsatisfied"), min_value=0)
    shortcomings = _text(_("If it fails: what is still wrong, one per line"), required=False)
    redo_by = _date(_("If it fails: rectify again by"), required=False)
    file = forms.FileField(label=_("Scanned report"), required=False)

    def kwargs(self):
        data = dict(self.cleaned_data)
        data["shortcomings"] = _lines(data["shortcomings"])
        return data


class DelistForm(StepForm):
    delisted_on = _date(_("Delisted on"))
    text = _text(_("Delisting decision"))


class LookBackForm(StepForm):
    looked_on = _date(_("Look-back held on"))
    report = _text(_("Look-back findings"))
    relapse = forms.BooleanField(label=_("The organisation relapsed"), required=False)
    situations = forms.ModelMultipleChoiceField(
        label=_("Situations found again"),
        queryset=Situation.objects.filter(active=True),
        to_field_name="code",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    file = forms.FileField(label=_("Scanned report"), required=False)

    def kwargs(self):
        data = dict(self.cleaned_data)
        data["situations"] = [situation.code for situation in data["situations"]]
        return data


STEP_FORMS = {
    "self_check": SelfCheckForm,
    "township_check": TownshipCheckForm,
    "county_check": CountyCheckForm,
    "decide_list": DecideListForm,
    "assign_forces": ForcesForm,
    "make_plan": PlanForm,
    "rectify": RectifyForm,
    "acceptance": AcceptanceForm,
    "delist": DelistForm,
    "look_back": LookBackForm,
}

# Fields that name situations by code: the API schema says so (body_of would say id).
CODE_FIELDS = {
    *(f"raise_{n}_code" for n in RAISE_SLOTS),
    "code",
}
CODE_LIST_FIELDS = {"situations"}


# --- Actions outside the steps ------------------------------------------------------


class OpenRoundForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of round"), choices=RoundKind.choices)
    opened_on = _date(_("Opened on"))
    year = forms.IntegerField(label=_("Year (default: the year it opens)"), required=False)
    organisations = forms.ModelMultipleChoiceField(
        label=_("Organisations (a round at any time names them)"),
        queryset=Organisation.objects.none(),
        required=False,
    )
    text = _text(_("Notice of the round"), required=False)

    def __init__(self, *args, county=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisations"].queryset = (
            Organisation.objects.subtree(county)
            .filter(kind__in=[OrganisationKind.BRANCH, OrganisationKind.GENERAL_BRANCH])
            .order_by("path")
        )


class ReferralForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation referred"), queryset=Organisation.objects.none()
    )
    department = forms.ModelChoiceField(
        label=_("Referring department"), queryset=Organisation.objects.none()
    )
    department_kind = forms.ChoiceField(label=_("Kind of department"), choices=Department.choices)
    code = _situation(_("Situation"))
    received_on = _date(_("Received on"))
    text = _text(_("What the department found"))
    file = forms.FileField(label=_("Referral letter"), required=False)

    def __init__(self, *args, screening=None, departments=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(
            pk__in=screening.checks.values("case__organisation")
        ).order_by("path")
        self.fields["department"].queryset = departments

    def kwargs(self):
        data = dict(self.cleaned_data)
        data["code"] = data["code"].code
        return data


class ProblemReportForm(forms.Form):
    done_on = _date(_("Rectified on"))
    text = _text(_("What was done"))
    file = forms.FileField(label=_("Evidence"), required=False)


class ProblemCheckForm(forms.Form):
    accepted = forms.TypedChoiceField(
        label=_("Result of the township's check"),
        choices=[("yes", _("Rectified: close the problem")), ("no", _("Not rectified: reopen"))],
        coerce=lambda v: v == "yes",
    )
    checked_on = _date(_("Checked on"))
    text = _text(_("Remarks (why, if not rectified)"), required=False)


class LookBackDrawForm(forms.Form):
    on = _date(_("Sample drawn on"))
