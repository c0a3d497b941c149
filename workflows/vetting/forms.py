"""One form per vetting step and per way of starting a case; the browser and
the API both validate through these.

A form checks the shape of the input (types, required fields, choices);
`kwargs()` turns it into the arguments of the service in services.py, which
checks the rules. A yes-or-no decision is a choice between two named answers
(so that nobody records a refusal by forgetting a tick), handed to the
service as a boolean.

Two steps have a row of fields per candidate (the department's answer and
the result's publicity). They are named `c<candidate id>_<field>`; the API
turns its list of answers into those names with `ReviewForm.data_from`.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.organisations.models import Organisation, OrganisationKind, Tier
from core.people.models import Person
from core.roles.scope import organisations_in_scope
from workflows.vetting import rules
from workflows.vetting.flows import (
    DepartmentReviewFlow,
    JointReviewFlow,
    ReserveCadreFlow,
    SecretaryFilingFlow,
    SelectionFlow,
)
from workflows.vetting.models import (
    Batch,
    NegativeItem,
    Nomination,
    Post,
    Purpose,
    Referral,
)
from workflows.vetting.services import VILLAGE_POSTS

CLEAR = "clear"
CANDIDATE_ROWS = 6  # rows of the batch form in the browser; the API sends as many as it has


def _date(label, required=True):
    return forms.DateField(
        label=label, required=required, widget=forms.DateInput(attrs={"type": "date"})
    )


def _text(label, required=True):
    return forms.CharField(label=label, required=required, widget=forms.Textarea(attrs={"rows": 3}))


def _count(label):
    return forms.IntegerField(label=label, min_value=0)


def _either(label, yes, no):
    """A decision between two answers; `yes` and `no` are (value, label)."""
    return forms.ChoiceField(label=label, choices=[yes, no], widget=forms.RadioSelect)


def villages(user, codename):
    """The party organisations of villages and communities the user acts for."""
    return (
        organisations_in_scope(user, codename)
        .filter(
            tier=Tier.GRASSROOTS,
            domain__in=rules.VILLAGE_DOMAINS,
            kind__in=rules.VILLAGE_KINDS,
        )
        .order_by("path")
    )


def _people(user, codename):
    roots = organisations_in_scope(user, codename)
    return Person.objects.filter(organisation__in=roots).order_by("name")


class BooleanChoices(forms.Form):
    """Maps decision fields to the boolean arguments of the service:
    {field: (argument, the value meaning True)}."""

    booleans = {}

    def kwargs(self):
        fields = dict(self.cleaned_data)
        for name, (argument, true_value) in self.booleans.items():
            fields[argument] = fields.pop(name) == true_value
        return fields


class StepForm(BooleanChoices):
    opinion = forms.CharField(
        label=_("Opinion"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case

    def rows(self):
        return []

    def plain_fields(self):
        """The fields outside the candidates' rows, for the page."""
        in_rows = {field.name for _candidate, fields in self.rows() for field in fields}
        return [self[name] for name in self.fields if name not in in_rows]


# --- Starting a case ------------------------------------------------------------


class BatchForm(forms.Form):
    """§3a: a township's candidates for one village (each with the post proposed)."""

    village = forms.ModelChoiceField(
        label=_("Village or community"), queryset=Organisation.objects.none()
    )
    purpose = forms.ChoiceField(label=_("Purpose"), choices=Purpose.choices)
    submitted_on = _date(_("Submitted on"))
    text = _text(_("Remarks"), required=False)

    def __init__(self, *args, user=None, rows=CANDIDATE_ROWS, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages(user, "review_for_township")
        people = _people(user, "review_for_township")
        for row in range(1, rows + 1):
            self.fields[f"person_{row}"] = forms.ModelChoiceField(
                label=_("Candidate %(n)s") % {"n": row}, queryset=people, required=row == 1
            )
            self.fields[f"post_{row}"] = forms.ChoiceField(
                label=_("Proposed post %(n)s") % {"n": row},
                choices=[("", "—"), *Post.choices],
                required=False,
            )
        self.rows = rows

    def clean(self):
        data = super().clean()
        for row in range(1, self.rows + 1):
            if data.get(f"person_{row}") and not data.get(f"post_{row}"):
                self.add_error(f"post_{row}", _("Give the candidate's post."))
        return data

    def kwargs(self):
        data = self.cleaned_data
        candidates = [
            (data[f"person_{row}"], data[f"post_{row}"])
            for row in range(1, self.rows + 1)
            if data.get(f"person_{row}")
        ]
        return {
            "village": data["village"],
            "purpose": data["purpose"],
            "submitted_on": data["submitted_on"],
            "text": data["text"],
            "candidates": candidates,
        }

    @classmethod
    def data_from(cls, body):
        """The form's data from an API body with `candidates: [{person, post}]`."""
        data = {key: value for key, value in body.items() if key != "candidates"}
        for row, candidate in enumerate(body.get("candidates") or [], 1):
            data[f"person_{row}"] = candidate.get("person")
            data[f"post_{row}"] = candidate.get("post")
        return data


class SecretaryProposalForm(forms.Form):
    """§3b: the township proposes a village's party secretary."""

    village = forms.ModelChoiceField(
        label=_("Village or community"), queryset=Organisation.objects.none()
    )
    person = forms.ModelChoiceField(label=_("Person proposed"), queryset=Person.objects.none())
    proposed_on = _date(_("Proposed on"))
    text = _text(_("Reasons for the proposal"))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages(user, "review_for_township")
        self.fields["person"].queryset = _people(user, "review_for_township")

    def kwargs(self):
        return dict(self.cleaned_data)


class SelectionProposalForm(forms.Form):
    """§3c: the organisation department proposes a person for a post."""

    committee = forms.ModelChoiceField(
        label=_("Committee that decides"), queryset=Organisation.objects.none()
    )
    person = forms.ModelChoiceField(label=_("Person proposed"), queryset=Person.objects.none())
    post = forms.CharField(label=_("Post"), max_length=100)
    unit = forms.ModelChoiceField(label=_("Unit of the post"), queryset=Organisation.objects.none())
    proposed_on = _date(_("Proposed on"))
    with_probation = forms.BooleanField(label=_("Probation applies"), required=False, initial=True)
    text = _text(_("Reasons for the proposal"))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        units = organisations_in_scope(user, "file_for_county").order_by("path")
        self.fields["committee"].queryset = units.filter(kind=OrganisationKind.COMMITTEE)
        self.fields["unit"].queryset = units
        self.fields["person"].queryset = _people(user, "file_for_county")

    def kwargs(self):
        return dict(self.cleaned_data)


class ReserveNominationForm(forms.Form):
    """§3d: the village nominates a reserve cadre."""

    village = forms.ModelChoiceField(
        label=_("Village or community"), queryset=Organisation.objects.none()
    )
    person = forms.ModelChoiceField(label=_("Nominee"), queryset=Person.objects.none())
    nominated_on = _date(_("Nominated on"))
    nomination = forms.ChoiceField(label=_("Nominated by"), choices=Nomination.choices)
    text = _text(_("The village's recommendation"))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages(user, "act_for_branch")
        self.fields["person"].queryset = _people(user, "act_for_branch")

    def kwargs(self):
        return dict(self.cleaned_data)


# --- Between steps ----------------------------------------------------------------


class AppointmentForm(forms.Form):
    """§3a 「未经联审者不得任职」: a village cadre takes a post after a passed review."""

    village = forms.ModelChoiceField(
        label=_("Village or community"), queryset=Organisation.objects.none()
    )
    person = forms.ModelChoiceField(label=_("Person appointed"), queryset=Person.objects.none())
    post = forms.ChoiceField(
        label=_("Post"), choices=[(v, label) for v, label in Post.choices if v in VILLAGE_POSTS]
    )
    appointed_on = _date(_("Appointed on"))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages(user, "review_for_township")
        self.fields["person"].queryset = _people(user, "review_for_township")

    def kwargs(self):
        return dict(self.cleaned_data)


class WithdrawForm(forms.Form):
    reason = _text(_("Why the batch is withdrawn"))


class ObjectionForm(forms.Form):
    received_on = _date(_("Received on"))
    text = _text(_("What the objection says"))


class ResolutionForm(BooleanChoices):
    booleans = {"decision": ("upheld", "upheld")}

    resolved_on = _date(_("Resolved on"))
    decision = _either(
        _("Finding"),
        ("dismissed", _("Not substantiated: the appointment may go on")),
        ("upheld", _("Upheld: no appointment")),
    )
    text = _text(_("Finding of the verification"))


# --- §3a steps ----------------------------------------------------------------------


class DispatchForm(StepForm):
    dispatched_on = _date(_("Sent to the departments on"))


class ConcludeForm(StepForm):
    concluded_on = _date(_("Concluded on"))


def _candidates(case):
    return Batch.objects.get(case_id=case.pk).candidates.select_related("person")


class CandidateRows(StepForm):
    """A step with a row of fields per candidate of the batch."""

    row_fields = ()

    def candidate_field(self, candidate, name):
        return self[f"c{candidate.pk}_{name}"]

    def rows(self):
        """[(candidate, [bound fields of its row])] for the page."""
        return [
            (candidate, [self.candidate_field(candidate, name) for name in self.row_fields])
            for candidate in self.candidates
        ]


class PubliciseForm(CandidateRows):
    row_fields = ("upheld",)

    started_on = _date(_("Publicity from"))
    decided_on = _date(_("Result final on"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = list(_candidates(self.case))
        for candidate in self.candidates:
            self.fields[f"c{candidate.pk}_upheld"] = forms.CharField(
                label=_("Objection upheld against %(name)s: why") % {"name": candidate.person.name},
                required=False,
                widget=forms.Textarea(attrs={"rows": 1}),
            )

    def kwargs(self):
        data = self.cleaned_data
        return {
            "started_on": data["started_on"],
            "decided_on": data["decided_on"],
            "opinion": data["opinion"],
            "upheld": {
                c.pk: data[f"c{c.pk}_upheld"] for c in self.candidates if data[f"c{c.pk}_upheld"]
            },
        }

    @classmethod
    def data_from(cls, body):
        """The form's data from an API body with `upheld: {candidate id: reason}`."""
        data = {key: value for key, value in body.items() if key != "upheld"}
        for pk, reason in (body.get("upheld") or {}).items():
            data[f"c{pk}_upheld"] = reason
        return data


class ReviewForm(CandidateRows):
    """A department's answer: for each candidate, clear or a finding against the list."""

    row_fields = ("item", "occurred_on", "evidence")

    answered_on = _date(_("Answered on"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        referral = Referral.objects.select_related("batch").get(case_id=self.case.pk)
        self.candidates = list(referral.batch.candidates.select_related("person"))
        items = [(CLEAR, _("Clear: nothing on the negative list"))] + [
            (item.code, str(item)) for item in NegativeItem.objects.filter(active=True)
        ]
        for candidate in self.candidates:
            name = candidate.person.name
            self.fields[f"c{candidate.pk}_item"] = forms.ChoiceField(
                label=_("%(name)s: answer") % {"name": name}, choices=items
            )
            self.fields[f"c{candidate.pk}_occurred_on"] = _date(
                _("%(name)s: date of the fact") % {"name": name}, required=False
            )
            self.fields[f"c{candidate.pk}_evidence"] = forms.CharField(
                label=_("%(name)s: evidence") % {"name": name},
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def kwargs(self):
        data = self.cleaned_data
        answers = []
        for candidate in self.candidates:
            item = data[f"c{candidate.pk}_item"]
            answers.append(
                rules.Answer(
                    candidate=candidate.pk,
                    item="" if item == CLEAR else item,
                    occurred_on=data[f"c{candidate.pk}_occurred_on"],
                    evidence=data[f"c{candidate.pk}_evidence"],
                )
            )
        return {"answered_on": data["answered_on"], "opinion": data["opinion"], "answers": answers}

    @classmethod
    def data_from(cls, body):
        """The form's data from an API body with `answers: [{candidate, item, ...}]`."""
        data = {key: value for key, value in body.items() if key != "answers"}
        for answer in body.get("answers") or []:
            prefix = f"c{answer.get('candidate')}_"
            data[prefix + "item"] = answer.get("item") or CLEAR
            data[prefix + "occurred_on"] = answer.get("occurred_on")
            data[prefix + "evidence"] = answer.get("evidence", "")
        return data


# --- §3b steps ----------------------------------------------------------------------


class FileWithCountyForm(StepForm):
    filed_on = _date(_("Filed with the county on"))


class CountyReplyForm(StepForm):
    booleans = {"reply": ("agreed", "agreed")}

    replied_on = _date(_("Replied on"))
    reply = _either(
        _("Reply"), ("agreed", _("Agreed")), ("refused", _("Not agreed: no appointment"))
    )
    text = _text(_("Written reply"))


class AppointSecretaryForm(StepForm):
    appointed_on = _date(_("Appointed on"))


class FileResultForm(StepForm):
    filed_on = _date(_("Result filed on"))


class TermAuditForm(StepForm):
    booleans = {"occasion": ("left_office", "left_office")}

    audited_on = _date(_("Audited on"))
    occasion = _either(
        _("Occasion"),
        ("term_end", _("End of the term")),
        ("left_office", _("The secretary left office before the end of the term")),
    )
    text = _text(_("Conclusion of the audit"))


# --- §3c steps ----------------------------------------------------------------------


class CheckForm(StepForm):
    booleans = {"check_result": ("clear", "clear")}

    checked_on = _date(_("Checked on"))
    check_result = _either(
        _("Result"),
        ("clear", _("Nothing against the appointment")),
        ("problem", _("A problem was found")),
    )
    text = _text(_("What the check found"))


class DecisionMeetingForm(StepForm):
    held_on = _date(_("Meeting held on"))
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("approve", _("Approved")),
            ("reject", _("Rejected")),
            ("defer", _("Deferred (opinions differ widely)")),
        ],
    )
    expected = _count(_("Members expected to attend"))
    present = _count(_("Members present"))
    yes = _count(_("In favour"))
    no = _count(_("Against"))
    abstain = _count(_("Abstaining"))
    text = _text(_("Minutes"), required=False)


class StartPublicityForm(StepForm):
    started_on = _date(_("Publicity from"))


class ClosePublicityForm(StepForm):
    closed_on = _date(_("Publicity closed on"))


class AppointSelectedForm(StepForm):
    appointed_on = _date(_("Appointed on"))
    text = _text(_("Appointment talk"), required=False)


class ProbationReviewForm(StepForm):
    booleans = {"outcome": ("confirm", "confirm")}

    reviewed_on = _date(_("Reviewed on"))
    outcome = _either(
        _("Outcome"), ("confirm", _("Confirmed in the post")), ("remove", _("Removed"))
    )
    text = _text(_("Assessment"))


# --- §3d steps ----------------------------------------------------------------------


class ShortlistForm(StepForm):
    booleans = {"decision": ("shortlisted", "shortlisted")}

    shortlisted_on = _date(_("Decided on"))
    decision = _either(
        _("Decision"), ("shortlisted", _("Shortlisted")), ("not_shortlisted", _("Not shortlisted"))
    )
    text = _text(_("Assessment"))


class ExamineForm(StepForm):
    booleans = {"decision": ("admitted", "admitted")}

    examined_on = _date(_("Examined on"))
    decision = _either(
        _("Decision"),
        ("admitted", _("Entered into the reserve pool")),
        ("refused", _("Not entered")),
    )
    text = _text(_("Assessment"))


class YearlyReviewForm(StepForm):
    booleans = {"decision": ("keep", "keep")}

    reviewed_on = _date(_("Reviewed on"))
    decision = _either(
        _("Decision"), ("keep", _("Stays in the pool")), ("leave", _("Leaves the pool"))
    )
    text = _text(_("Assessment"))


STEP_FORMS = {
    JointReviewFlow: {
        "dispatch": DispatchForm,
        "conclude": ConcludeForm,
        "publicise": PubliciseForm,
    },
    DepartmentReviewFlow: {"review": ReviewForm},
    SecretaryFilingFlow: {
        "file_with_county": FileWithCountyForm,
        "county_reply": CountyReplyForm,
        "appoint": AppointSecretaryForm,
        "file_result": FileResultForm,
        "term_audit": TermAuditForm,
    },
    SelectionFlow: {
        "check_file": CheckForm,
        "check_personal_matters": CheckForm,
        "discipline_opinion": CheckForm,
        "check_petitions": CheckForm,
        "decision_meeting": DecisionMeetingForm,
        "start_publicity": StartPublicityForm,
        "close_publicity": ClosePublicityForm,
        "appoint": AppointSelectedForm,
        "probation_review": ProbationReviewForm,
    },
    ReserveCadreFlow: {
        "shortlist": ShortlistForm,
        "examine": ExamineForm,
        "yearly_review": YearlyReviewForm,
    },
}


def step_form(task):
    """The form of the step `task`, or None when it is no human vetting step."""
    return STEP_FORMS.get(task.flow_task.flow_class, {}).get(task.flow_task.name)
