"""Cadre vetting as viewflow graphs; what each step checks and writes is in services.py.

Who does what:

- the township committee (review_for_township on the township): submits
  batches, feeds back and publicises results, proposes secretaries, appoints
  village cadres, shortlists and reviews reserve cadres;
- the county organisation department (file_for_county on the county):
  dispatches and concludes joint reviews, answers filings, runs selections;
- each reviewing department (review_for_department on that department):
  answers the joint reviews sent to it and, for the discipline body, gives its
  opinion on selections;
- the village branch (act_for_branch): nominates reserve cadres.

The departments of a joint review are data, so they are not nodes: the
dispatch step starts one `DepartmentReviewFlow` case per department, placed
at the department, and the batch waits on a Handle that the last answer
fires (docs/decisions/0006-vetting-parallel-reviews.md). The four checks of
a selection are fixed by the regulation, so they are a Split/Join.
"""

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow
from viewflow.workflow.flow.views import UpdateProcessView

from core.cases.models import Case
from core.flowkit.flows import CaseFlow
from core.flowkit.nodes import ScopedView
from workflows.vetting import selectors
from workflows.vetting.models import (
    DepartmentReview,
    JointReview,
    ReserveCadre,
    ReserveDossier,
    SecretaryDossier,
    SecretaryFiling,
    Selection,
    SelectionDossier,
)


def _case(process):
    return process if isinstance(process, Case) else process.coerced


def _township(process):
    return _case(process).township


def _county(process):
    return selectors.county_of(_case(process).organisation)


def _own_organisation(process):
    return _case(process).organisation


def _discipline_body(process):
    return selectors.discipline_body(_county(process)).organisation


def _step(title, codename, target):
    node = ScopedView(UpdateProcessView.as_view()).Annotation(title=title)
    node.Permission(f"organisations.{codename}", obj=target)
    return node


def _township_step(title):
    return _step(title, "review_for_township", _township)


def _county_step(title):
    return _step(title, "file_for_county", _county)


def decided(model, step, value):
    """Switch condition: the decision recorded at `step` in the case's `model` row was `value`."""

    def condition(activation):
        decisions = model.objects.values_list("decisions", flat=True).get(
            case_id=activation.process.pk
        )
        return decisions.get(step) == value

    return condition


class JointReviewFlow(CaseFlow):
    """§3a: township batch -> county dispatch -> departments in parallel -> conclusion
    -> feedback and publicity of the result."""

    process_class = JointReview
    process_title = _("Joint qualification review")

    start = flow.StartHandle(this.start_case).Next(this.dispatch)
    dispatch = _county_step(_("Send the candidates to the reviewing departments")).Next(
        this.await_departments
    )
    await_departments = (
        flow.Handle().Annotation(title=_("Departments review the candidates")).Next(this.conclude)
    )
    conclude = _county_step(_("Conclude the joint review")).Next(this.publicise)
    publicise = _township_step(_("Feed back and publicise the result")).Next(this.end)
    end = flow.End().Annotation(title=_("Result final"))


class DepartmentReviewFlow(CaseFlow):
    """One department's answer on every candidate of a batch."""

    process_class = DepartmentReview
    process_title = _("Department review")

    start = flow.StartHandle(this.start_case).Next(this.review)
    review = _step(
        _("Review the candidates against the negative list"),
        "review_for_department",
        _own_organisation,
    ).Next(this.end)
    end = flow.End().Annotation(title=_("Answered"))


class SecretaryFilingFlow(CaseFlow):
    """§3b: proposal -> (joint review passed) -> filing before appointment -> written
    reply -> appointment -> filing of the result -> audit at the end of the term."""

    process_class = SecretaryFiling
    process_title = _("Village secretary filing")

    start = flow.StartHandle(this.start_case).Next(this.file_with_county)
    file_with_county = _township_step(_("File the proposal with the county")).Next(
        this.county_reply
    )
    county_reply = _county_step(_("Reply to the filing in writing")).Next(this.reply_decision)
    reply_decision = (
        flow.Switch()
        .Annotation(title=_("County agrees?"))
        .Case(this.appoint, decided(SecretaryDossier, "county_reply", "agreed"))
        .Default(this.closed)
    )
    appoint = _township_step(_("Appoint the secretary")).Next(this.file_result)
    file_result = _county_step(_("File the result of the appointment")).Next(this.term_audit)
    term_audit = _county_step(_("Audit the secretary's term")).Next(this.end)
    end = flow.End().Annotation(title=_("Term audited"))
    closed = flow.End().Annotation(title=_("Not appointed"))


class SelectionFlow(CaseFlow):
    """§3c: proposal -> the four checks in parallel -> decision meeting -> pre-appointment
    publicity -> appointment -> probation."""

    process_class = Selection
    process_title = _("Cadre selection")

    start = flow.StartHandle(this.start_case).Next(this.checks)
    checks = (
        flow.Split()
        .Annotation(title=_("The four checks"))
        .Next(this.check_file)
        .Next(this.check_personal_matters)
        .Next(this.discipline_opinion)
        .Next(this.check_petitions)
    )
    check_file = _county_step(_("Audit the personnel file")).Next(this.checks_done)
    check_personal_matters = _county_step(_("Check the personal-matters report")).Next(
        this.checks_done
    )
    discipline_opinion = _step(
        _("Opinion of the discipline body"), "review_for_department", _discipline_body
    ).Next(this.checks_done)
    check_petitions = _county_step(_("Verify petitions and reports")).Next(this.checks_done)
    checks_done = flow.Join().Annotation(title=_("All four checks done")).Next(this.checks_clear)
    checks_clear = (
        flow.Switch()
        .Annotation(title=_("Nothing against the appointment?"))
        .Case(this.decision_meeting, decided(SelectionDossier, "checks", "clear"))
        .Default(this.closed)
    )
    decision_meeting = _county_step(_("Committee decision meeting")).Next(this.meeting_decision)
    meeting_decision = (
        flow.Switch()
        .Annotation(title=_("Approved?"))
        .Case(this.start_publicity, decided(SelectionDossier, "decision_meeting", "approve"))
        .Case(this.decision_meeting, decided(SelectionDossier, "decision_meeting", "defer"))
        .Default(this.closed)
    )
    start_publicity = _county_step(_("Start the pre-appointment publicity")).Next(
        this.close_publicity
    )
    close_publicity = _county_step(_("Close the publicity")).Next(this.publicity_decision)
    publicity_decision = (
        flow.Switch()
        .Annotation(title=_("No objection upheld?"))
        .Case(this.appoint, decided(SelectionDossier, "close_publicity", "clear"))
        .Default(this.closed)
    )
    appoint = _county_step(_("Appoint")).Next(this.probation_applies)
    probation_applies = (
        flow.Switch()
        .Annotation(title=_("Probation applies?"))
        .Case(this.probation_review, decided(SelectionDossier, "appoint", "probation"))
        .Default(this.end)
    )
    probation_review = _county_step(_("Confirm or remove after probation")).Next(this.end)
    end = flow.End().Annotation(title=_("Appointed"))
    closed = flow.End().Annotation(title=_("Not appointed"))


class ReserveCadreFlow(CaseFlow):
    """§3d 村推镇选县考察: village nomination -> township shortlist -> county examination
    (through the joint review) -> the pool, reviewed every year."""

    process_class = ReserveCadre
    process_title = _("Reserve cadre")

    start = flow.StartHandle(this.start_case).Next(this.shortlist)
    shortlist = _township_step(_("Shortlist the nominee")).Next(this.shortlist_decision)
    shortlist_decision = (
        flow.Switch()
        .Annotation(title=_("Shortlisted?"))
        .Case(this.examine, decided(ReserveDossier, "shortlist", "shortlisted"))
        .Default(this.closed)
    )
    examine = _county_step(_("County examination")).Next(this.examination_decision)
    examination_decision = (
        flow.Switch()
        .Annotation(title=_("Entered into the pool?"))
        .Case(this.yearly_review, decided(ReserveDossier, "examine", "admitted"))
        .Default(this.closed)
    )
    yearly_review = _township_step(_("Yearly review of the reserve cadre")).Next(
        this.review_decision
    )
    review_decision = (
        flow.Switch()
        .Annotation(title=_("Stays in the pool?"))
        .Case(this.yearly_review, decided(ReserveDossier, "yearly_review", "keep"))
        .Default(this.end)
    )
    end = flow.End().Annotation(title=_("Left the pool"))
    closed = flow.End().Annotation(title=_("Not entered into the pool"))
