"""One form per step; the browser and the API both validate through these.

A form checks the shape of the input (types, required fields, choices);
`kwargs()` turns it into the arguments of the step's handler in services.py,
which checks the rules. Every form takes the case, so choices of people and
groups are limited to the case's branch.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.organisations.models import Organisation, OrganisationKind
from core.organisations.picker import RECEIVING, OrganisationField
from core.people.choices import PartyStatus
from core.people.models import Person
from workflows.recruitment import rules
from workflows.recruitment.models import Nomination, RecordKind


def _date(label, required=True):
    return forms.DateField(
        label=label, required=required, widget=forms.DateInput(attrs={"type": "date"})
    )


def _text(label, required=True):
    return forms.CharField(label=label, required=required, widget=forms.Textarea(attrs={"rows": 3}))


class StepForm(forms.Form):
    opinion = forms.CharField(
        label=_("Opinion"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case

    def kwargs(self):
        return dict(self.cleaned_data)

    def branch_members(self):
        return Person.objects.filter(
            organisation__path__startswith=self.case.organisation.path,
            party_status__in=[PartyStatus.FULL, PartyStatus.PROBATIONARY],
        ).exclude(pk=self.case.subject_id)


class FileMixin(forms.Form):
    file = forms.FileField(label=_("Scanned document"), required=False)


class ApplicationForm(forms.Form):
    """Step 1: the branch records an application it received (the person may be new)."""

    person = forms.ModelChoiceField(label=_("Applicant"), queryset=Person.objects.none())
    applied_on = _date(_("Application received on"))
    text = _text(_("Summary of the application"), required=False)
    file = forms.FileField(label=_("Scanned application"), required=False)

    def __init__(self, *args, branch=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.branch = branch
        self.fields["person"].queryset = Person.objects.filter(
            organisation__path__startswith=branch.path,
            party_status__in=[PartyStatus.MASSES, PartyStatus.APPLICANT],
        ).order_by("name")


class TalkForm(FileMixin, StepForm):
    talked_on = _date(_("Talk held on"))
    talker = forms.CharField(label=_("Talk held by"), max_length=50)
    text = _text(_("Talk record"))
    late_reason = _text(_("Why the talk was later than one month"), required=False)


DECISIONS_ACTIVIST = [
    ("chosen", _("Chosen as an activist")),
    ("wait", _("Not yet: stays an applicant")),
    ("close", _("Not chosen: close the case")),
]


class ChooseActivistForm(FileMixin, StepForm):
    decision = forms.ChoiceField(
        label=_("Decision of the branch committee"), choices=DECISIONS_ACTIVIST
    )
    decided_on = _date(_("Decided on"))
    nomination = forms.ChoiceField(
        label=_("Nominated by"), choices=[("", "—"), *Nomination.choices], required=False
    )
    text = _text(_("Recommendation and decision"))


class FilingForm(StepForm):
    filed_on = _date(_("Filing received on"))
    text = _text(_("Remarks"), required=False)


class ContactsForm(StepForm):
    contacts = forms.ModelMultipleChoiceField(
        label=_("Cultivation contacts"), queryset=Person.objects.none()
    )
    assigned_on = _date(_("Appointed on"))
    text = _text(_("Remarks"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contacts"].queryset = self.branch_members()


class CultivateForm(StepForm):
    completed_on = _date(_("Cultivation summarised on"))
    text = _text(_("Summary of cultivation and evaluations"))


DECISIONS_OBJECT = [
    ("chosen", _("List as a development object")),
    ("wait", _("Not yet: continue cultivation")),
]


class ChooseObjectForm(StepForm):
    decision = forms.ChoiceField(
        label=_("Decision of the branch committee"), choices=DECISIONS_OBJECT
    )
    decided_on = _date(_("Decided on"))
    text = _text(_("Opinions of the party group, contacts, members and the masses"))


class SponsorsForm(StepForm):
    sponsors = forms.ModelMultipleChoiceField(label=_("Sponsors"), queryset=Person.objects.none())
    assigned_on = _date(_("Appointed on"))
    text = _text(_("Remarks"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sponsors"].queryset = self.branch_members()


class PoliticalReviewForm(FileMixin, StepForm):
    concluded_on = _date(_("Concluded on"))
    conclusion = _text(_("Written conclusion"))
    passed = forms.TypedChoiceField(
        label=_("Result"),
        choices=[("yes", _("Passed")), ("no", _("Not passed"))],
        coerce=lambda v: v == "yes",
    )


class TrainingForm(FileMixin, StepForm):
    started_on = _date(_("Training started on"))
    finished_on = _date(_("Training finished on"))
    days = forms.DecimalField(label=_("Days"), min_value=0, max_digits=5, decimal_places=1)
    hours = forms.DecimalField(label=_("Class hours"), min_value=0, max_digits=5, decimal_places=1)
    special_reason = _text(_("Special case (if short of 3 days / 24 hours)"), required=False)
    text = _text(_("Training record"), required=False)


class PublicityForm(StepForm):
    started_on = _date(_("Publicity started on"))
    decided_on = _date(_("Result recorded on"))
    objections = _text(_("Objections received and how they were checked"), required=False)
    upheld = forms.BooleanField(label=_("An objection was upheld"), required=False)


class BranchReviewForm(StepForm):
    reviewed_on = _date(_("Reviewed on"))
    text = _text(_("Review by the branch committee"))
    leaves_unit_on = _date(_("Leaves the work or study unit on (if known)"), required=False)


DECISIONS_PREREVIEW = [
    ("passed", _("Passed: issue the application form")),
    ("returned", _("Returned to the branch")),
    ("refused", _("Refused: close the case")),
]


class PrereviewForm(StepForm):
    decision = forms.ChoiceField(label=_("Pre-review result"), choices=DECISIONS_PREREVIEW)
    reviewed_on = _date(_("Pre-reviewed on"))
    text = _text(_("Written result"))


class VolunteerForm(FileMixin, StepForm):
    filled_on = _date(_("Filled in on"))
    text = _text(_("Main content and the sponsors' opinions"))


class VotesForm(StepForm):
    held_on = _date(_("Meeting held on"))
    expected = forms.IntegerField(label=_("Full members with a vote expected (E)"), min_value=0)
    present = forms.IntegerField(label=_("Of them present (P)"), min_value=0)
    yes = forms.IntegerField(label=_("In favour"), min_value=0)
    no = forms.IntegerField(label=_("Against"), min_value=0)
    abstain = forms.IntegerField(label=_("Abstain"), min_value=0)
    written_yes = forms.IntegerField(
        label=_("Written yes from absent voters"), min_value=0, initial=0
    )
    written_no = forms.IntegerField(
        label=_("Written no from absent voters"), min_value=0, initial=0
    )
    secretary = forms.CharField(label=_("Signed by the branch secretary"), max_length=50)
    text = _text(_("Resolution"))

    VOTE_FIELDS = ("expected", "present", "yes", "no", "abstain", "written_yes", "written_no")

    def kwargs(self):
        data = dict(self.cleaned_data)
        data["votes"] = rules.Votes(**{name: data.pop(name) for name in self.VOTE_FIELDS})
        return data


class AdmissionMeetingForm(VotesForm):
    if_failed = forms.ChoiceField(
        label=_("If the vote fails"),
        choices=[("retry", _("Back to the branch committee")), ("close", _("Close the case"))],
        required=False,
        initial="retry",
    )

    def clean_if_failed(self):
        # Closing a case is never the silent default: an empty answer means retry.
        return self.cleaned_data["if_failed"] or "retry"


class CommitteeTalkForm(StepForm):
    talked_on = _date(_("Talk held on"))
    talker = forms.CharField(label=_("Committee member or organiser"), max_length=50)
    text = _text(_("Outcome and opinion"))


class ApprovalForm(StepForm):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("approved", _("Approved")), ("rejected", _("Not approved"))]
    )
    approved_on = _date(_("Decided on"))
    members_present = forms.IntegerField(label=_("Committee members present"), min_value=1)
    votes_for = forms.IntegerField(label=_("Votes in favour"), min_value=0)
    extension_reason = _text(_("Special circumstances (after 3 months)"), required=False)
    text = _text(_("Approval opinion"))


class PlacementForm(StepForm):
    placed_on = _date(_("Placed on"))
    group = forms.ModelChoiceField(
        label=_("Party group"), queryset=Organisation.objects.none(), required=False
    )
    text = _text(_("Remarks"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = Organisation.objects.filter(
            parent=self.case.organisation, kind=OrganisationKind.GROUP
        )


class OathForm(StepForm):
    oath_on = _date(_("Oath taken on"))
    text = _text(_("Remarks"), required=False)


class ProbationForm(StepForm):
    completed_on = _date(_("Summarised on"))
    text = _text(_("Education and observation during probation"))


class ConversionApplicationForm(FileMixin, StepForm):
    applied_on = _date(_("Application dated"))
    text = _text(_("Summary of the application"))


class ConversionMeetingForm(VotesForm):
    proposal = forms.ChoiceField(
        label=_("Proposal voted on"),
        choices=[
            ("convert", _("Convert on time")),
            ("extend", _("Extend probation")),
            ("cancel", _("Cancel probationary membership")),
        ],
    )
    extension_months = forms.IntegerField(label=_("Extension (months)"), required=False)


class ConversionApprovalForm(StepForm):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approved", _("Approve the branch's resolution")), ("returned", _("Return it"))],
    )
    approved_on = _date(_("Decided on"))
    text = _text(_("Approval opinion"))


class ArchiveForm(StepForm):
    archived_on = _date(_("Archived on"))
    text = _text(_("Where the file is kept"), required=False)


STEP_FORMS = {
    "talk": TalkForm,
    "choose_activist": ChooseActivistForm,
    "file_activist": FilingForm,
    "assign_contacts": ContactsForm,
    "cultivate": CultivateForm,
    "choose_development_object": ChooseObjectForm,
    "file_development_object": FilingForm,
    "assign_sponsors": SponsorsForm,
    "political_review": PoliticalReviewForm,
    "training": TrainingForm,
    "publicise_object": PublicityForm,
    "branch_review": BranchReviewForm,
    "prereview": PrereviewForm,
    "volunteer_form": VolunteerForm,
    "admission_meeting": AdmissionMeetingForm,
    "committee_talk": CommitteeTalkForm,
    "approval": ApprovalForm,
    "county_filing": FilingForm,
    "placement": PlacementForm,
    "oath": OathForm,
    "probation": ProbationForm,
    "conversion_application": ConversionApplicationForm,
    "publicise_conversion": PublicityForm,
    "conversion_meeting": ConversionMeetingForm,
    "conversion_approval": ConversionApprovalForm,
    "archive": ArchiveForm,
}


class RecordForm(forms.Form):
    """A half-yearly evaluation (R1.7) or a probation note, filed between steps."""

    kind = forms.ChoiceField(
        label=_("Document"),
        choices=[
            (RecordKind.EVALUATION, RecordKind.EVALUATION.label),
            (RecordKind.PROBATION_NOTE, RecordKind.PROBATION_NOTE.label),
        ],
    )
    dated = _date(_("Date"))
    text = _text(_("Content"))
    file = forms.FileField(label=_("Scanned document"), required=False)


class TransferForm(forms.Form):
    to_branch = forms.ModelChoiceField(
        label=_("Receiving branch"),
        queryset=Organisation.objects.filter(
            kind__in=[OrganisationKind.BRANCH, OrganisationKind.GENERAL_BRANCH]
        ),
    )
    transferred_on = _date(_("Transferred on"))
    reason = _text(_("Reason (new work, study unit or residence)"))
    postpone_to = _date(
        _("Conversion discussion postponed to (probationary members)"), required=False
    )


class TransferPageForm(TransferForm):
    """The case page's transfer: the receiving branch typed, with suggestions, as
    a drop-down of every branch of a province would be tens of thousands of
    options on each case page. The API keeps TransferForm (the branch's id)."""

    to_branch = OrganisationField(
        label=_("Receiving branch"),
        scope=RECEIVING,
        kinds=[OrganisationKind.BRANCH, OrganisationKind.GENERAL_BRANCH],
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_branch"].limit_to(user)


class CaseFilterForm(forms.Form):
    """The case list's branch filter: a picker, since a province auditor sees
    ~48,000 branches (a drop-down of them took 2.3 s a page)."""

    branch = OrganisationField(
        label=_("Branch"),
        required=False,
        scope="view_cases",
        kinds=[OrganisationKind.BRANCH, OrganisationKind.GENERAL_BRANCH],
    )

    def __init__(self, data, *, user):
        super().__init__(data)
        self.fields["branch"].limit_to(user)

    def chosen_branch(self):
        """The branch asked for, or None (no text, or text naming none in scope)."""
        return self.cleaned_data.get("branch") if self.is_valid() else None
