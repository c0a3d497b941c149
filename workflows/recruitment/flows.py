"""发展党员: the five stages and twenty-five steps as a viewflow graph.

The graph only says which step follows which and who may do it; what a step
checks and writes is in services.py. Each step is done by the body the
regulations name:

- the branch (支部/支委会/支部大会): act_for_branch on the case's branch;
- the township committee receiving filings and running training:
  review_for_township on the case's township;
- the committee with approval authority (R1.20): approve_for_committee on it;
- the county organisation department (再上一级党委组织部门): file_for_county
  on the committee above the approving committee.

Branching steps store their decision in Dossier.decisions[step]; the
switches after them read it.
"""

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow
from viewflow.workflow.flow.views import UpdateProcessView

from core.cases.models import Case
from core.flowkit.flows import CaseFlow
from core.flowkit.nodes import ScopedView
from workflows.recruitment.models import Dossier, Recruitment

# (stage number, stage name) for every human step, in the order of §1.2.
STAGES = {
    1: _("Application"),
    2: _("Activists: choice and cultivation"),
    3: _("Development objects: choice and review"),
    4: _("Admission of probationary members"),
    5: _("Probation and full membership"),
}


def _case(process):
    return process if isinstance(process, Case) else process.coerced


def _township(process):
    return _case(process).township


def _approving_committee(process):
    return _case(process).organisation.approving_committee()


def _county(process):
    return _approving_committee(process).parent


def _step(number, stage, title, codename="act_for_branch", target=None):
    """A human step; `number` is its place among the 25 (a fraction for publicity,
    which the 细则 does not number but provinces require)."""
    node = ScopedView(UpdateProcessView.as_view()).Annotation(title=title)
    node.Permission(f"organisations.{codename}", obj=target)
    node.step_number, node.stage = number, stage
    return node


def _branch(number, stage, title):
    return _step(number, stage, title)


def _township_step(number, stage, title):
    return _step(number, stage, title, "review_for_township", _township)


def _committee(number, stage, title):
    return _step(number, stage, title, "approve_for_committee", _approving_committee)


def decided(step, value):
    """Switch condition: the decision recorded at `step` was `value`."""

    def condition(activation):
        decisions = Dossier.objects.values_list("decisions", flat=True).get(
            case_id=activation.process.pk
        )
        return decisions.get(step) == value

    return condition


class RecruitmentFlow(CaseFlow):
    process_class = Recruitment
    process_title = _("Member development")
    stages = STAGES

    # Stage 1 — 申请入党
    start = flow.StartHandle(this.start_case).Next(this.talk)  # 1 递交入党申请书
    talk = _branch(2, 1, _("Talk with the applicant")).Next(this.choose_activist)

    # Stage 2 — 入党积极分子的确定和培养教育
    choose_activist = _branch(3, 2, _("Recommend and decide on the activist")).Next(
        this.activist_decision
    )
    activist_decision = (
        flow.Switch()
        .Annotation(title=_("Chosen as activist?"))
        .Case(this.file_activist, decided("choose_activist", "chosen"))
        .Case(this.choose_activist, decided("choose_activist", "wait"))
        .Default(this.closed)
    )
    file_activist = _township_step(4, 2, _("File the activist with the higher committee")).Next(
        this.assign_contacts
    )
    assign_contacts = _branch(5, 2, _("Appoint cultivation contacts")).Next(this.cultivate)
    cultivate = _branch(6, 2, _("Educate, cultivate and evaluate")).Next(
        this.choose_development_object
    )

    # Stage 3 — 发展对象的确定和考察
    choose_development_object = _branch(7, 3, _("Decide on the development object")).Next(
        this.development_decision
    )
    development_decision = (
        flow.Switch()
        .Annotation(title=_("Listed as development object?"))
        .Case(this.file_development_object, decided("choose_development_object", "chosen"))
        .Default(this.cultivate)
    )
    file_development_object = _township_step(
        8, 3, _("File the development object with the higher committee")
    ).Next(this.assign_sponsors)
    assign_sponsors = _branch(9, 3, _("Appoint the sponsors")).Next(this.political_review)
    political_review = _branch(10, 3, _("Political review")).Next(this.review_decision)
    review_decision = (
        flow.Switch()
        .Annotation(title=_("Political review passed?"))
        .Case(this.training, decided("political_review", "passed"))
        .Default(this.closed)
    )
    training = _township_step(11, 3, _("Concentrated training")).Next(this.publicise_object)
    publicise_object = _branch(11.5, 3, _("Publicity of the development object")).Next(
        this.object_publicity_decision
    )
    object_publicity_decision = (
        flow.Switch()
        .Annotation(title=_("Publicity without upheld objection?"))
        .Case(this.branch_review, decided("publicise_object", "clear"))
        .Default(this.closed)
    )

    # Stage 4 — 预备党员的接收
    branch_review = _branch(12, 4, _("Review by the branch committee")).Next(this.prereview)
    prereview = _committee(13, 4, _("Pre-review by the higher committee")).Next(
        this.prereview_decision
    )
    prereview_decision = (
        flow.Switch()
        .Annotation(title=_("Pre-review passed?"))
        .Case(this.volunteer_form, decided("prereview", "passed"))
        .Case(this.branch_review, decided("prereview", "returned"))
        .Default(this.closed)
    )
    volunteer_form = _branch(14, 4, _("Fill in the membership application form")).Next(
        this.admission_meeting
    )
    admission_meeting = _branch(15, 4, _("Branch general meeting on admission")).Next(
        this.admission_decision
    )
    admission_decision = (
        flow.Switch()
        .Annotation(title=_("Admission passed?"))
        .Case(this.committee_talk, decided("admission_meeting", "passed"))
        .Case(this.branch_review, decided("admission_meeting", "retry"))
        .Default(this.closed)
    )
    committee_talk = _committee(16, 4, _("Talk by the higher committee")).Next(this.approval)
    approval = _committee(17, 4, _("Approval by the higher committee")).Next(this.approval_decision)
    approval_decision = (
        flow.Switch()
        .Annotation(title=_("Admission approved?"))
        .Case(this.county_filing, decided("approval", "approved"))
        .Default(this.closed)
    )
    county_filing = _step(
        18, 4, _("Filing with the county organisation department"), "file_for_county", _county
    ).Next(this.placement)

    # Stage 5 — 预备党员的教育考察和转正
    placement = _branch(19, 5, _("Place in a branch and party group")).Next(this.oath)
    oath = _branch(20, 5, _("Oath of admission")).Next(this.probation)
    probation = _branch(21, 5, _("Education and observation during probation")).Next(
        this.conversion_application
    )
    conversion_application = _branch(22, 5, _("Application for full membership")).Next(
        this.publicise_conversion
    )
    publicise_conversion = _branch(22.5, 5, _("Publicity of the member to be converted")).Next(
        this.conversion_meeting
    )
    conversion_meeting = _branch(23, 5, _("Branch general meeting on conversion")).Next(
        this.conversion_approval
    )
    conversion_approval = _committee(24, 5, _("Approval of the conversion")).Next(
        this.conversion_decision
    )
    conversion_decision = (
        flow.Switch()
        .Annotation(title=_("Outcome of the conversion"))
        .Case(this.archive, decided("conversion_approval", "convert"))
        .Case(this.probation, decided("conversion_approval", "extend"))
        .Case(this.conversion_meeting, decided("conversion_approval", "returned"))
        .Default(this.closed)
    )
    archive = _branch(25, 5, _("Archive the materials")).Next(this.end)

    end = flow.End().Annotation(title=_("Full member, archived"))
    closed = flow.End().Annotation(title=_("Closed"))


def human_steps():
    """The flow's human steps in the order of §1.2."""
    nodes = [n for n in RecruitmentFlow.instance.nodes() if hasattr(n, "step_number")]
    return sorted(nodes, key=lambda n: n.step_number)
