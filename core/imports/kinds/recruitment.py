"""Member-development cases in progress: each row's history is REPLAYED through
workflows.recruitment.services with the recorded dates, step by step as
scenario.Walk does, so imported history obeys the same rules (a rule it breaks
makes the row bad, with the R-code) and writes the same case events.

Who acts: each step is done by the importer when their roles allow that step
over the case's organisation, else by the user who holds the role for it now
(the branch secretary for a branch step, …); every step's event carries the
import job in its opinion, so the history says it was entered from the file.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.flowkit.selectors import OPEN
from core.imports.rows import bad, parse_date, refusal
from core.imports.sheets import Column
from core.people import idnumber
from core.people.models import Person
from core.roles.catalogue import roles_with
from core.roles.models import RoleAssignment
from core.roles.scope import has_scope
from workflows.recruitment import rules, services
from workflows.recruitment.models import RecordKind

ID_NUMBER, NAME, BRANCH, APPLIED = "身份证号", "姓名", "党支部代码", "入党申请日期"

# Branch roles over their branch and township roles over the township.
PERMISSIONS = ("act_for_branch", "review_for_township")
SENSITIVE = {ID_NUMBER}


@dataclass(frozen=True)
class Step:
    """A step of the flow as the sheet gives it: the date column that says it is
    done, the other columns it reads, and how its fields are built from them."""

    name: str
    done: str
    build: object  # (Reader) -> fields for services.complete
    more: tuple = ()  # further (column header, help text) pairs


class Reader:
    """One row's cells as the values a step needs; a bad cell is a bad row."""

    def __init__(self, row):
        self.row = row

    def date(self, header):
        return parse_date(header, self.row.get(header))

    def optional_date(self, header):
        return self.date(header) if self.row.get(header) else None

    def number(self, header, default):
        text = self.row.get(header)
        if not text:
            return default
        try:
            return float(text)
        except ValueError:
            raise bad(header, text, _("Enter a number.")) from None

    def counts(self, header, size):
        """ "12/12/11/1/0": the counts of a vote, separated by slashes."""
        text = self.row.get(header)
        parts = text.replace("／", "/").split("/")
        if len(parts) != size or not all(p.strip().isdigit() for p in parts):
            raise bad(
                header,
                text,
                _("Enter %(n)d whole numbers separated by /, as in the instructions.")
                % {"n": size},
            )
        return [int(p) for p in parts]

    def votes(self, header):
        return rules.Votes(*self.counts(header, 5))

    def people(self, header):
        found = []
        for number in self.row.get(header).replace("，", "、").replace(",", "、").split("、"):
            if not number.strip():
                continue
            person = Person.find_by_id_number(number.strip())
            if person is None:
                raise bad(
                    header,
                    self.row.get(header),
                    _("No person with the ID number %(number)s is recorded.")
                    % {"number": idnumber.mask(idnumber.normalise(number))},
                )
            found.append(person)
        return found


def _text():
    return _("Entered from the paper file by bulk import.")


VOTES_HELP = gettext_lazy(
    "Expected/present/yes/no/abstaining full members with a vote, e.g. 12/12/12/0/0."
)
COMMITTEE_VOTES_HELP = gettext_lazy("Committee members present/for, e.g. 7/7.")

STEPS = [
    Step(
        "talk",
        "谈话日期",
        lambda r: {
            "talked_on": r.date("谈话日期"),
            "talker": r.row.get("谈话人") or _("Branch secretary"),
            "text": _text(),
            "late_reason": r.row.get("谈话延迟原因"),
        },
        (
            ("谈话人", gettext_lazy("Who talked with the applicant.")),
            (
                "谈话延迟原因",
                gettext_lazy("Why the talk came more than a month after the application (R1.3)."),
            ),
        ),
    ),
    Step(
        "choose_activist",
        "确定入党积极分子日期",
        lambda r: {
            "decision": "chosen",
            "decided_on": r.date("确定入党积极分子日期"),
            "nomination": "members",
            "text": _text(),
        },
    ),
    Step("file_activist", "积极分子备案日期", lambda r: {"filed_on": r.date("积极分子备案日期")}),
    Step(
        "assign_contacts",
        "指定培养联系人日期",
        lambda r: {
            "contacts": r.people("培养联系人身份证号"),
            "assigned_on": r.date("指定培养联系人日期"),
        },
        (
            (
                "培养联系人身份证号",
                gettext_lazy("ID numbers of one or two full members, separated by 、."),
            ),
        ),
    ),
    Step(
        "cultivate",
        "培养考察完成日期",
        lambda r: {"completed_on": r.date("培养考察完成日期"), "text": _text()},
        (
            (
                "半年考察日期",
                gettext_lazy(
                    "Dates of the half-yearly evaluations before that, separated by 、 (R1.7)."
                ),
            ),
        ),
    ),
    Step(
        "choose_development_object",
        "确定发展对象日期",
        lambda r: {"decision": "chosen", "decided_on": r.date("确定发展对象日期"), "text": _text()},
    ),
    Step(
        "file_development_object",
        "发展对象备案日期",
        lambda r: {"filed_on": r.date("发展对象备案日期")},
    ),
    Step(
        "assign_sponsors",
        "确定入党介绍人日期",
        lambda r: {
            "sponsors": r.people("入党介绍人身份证号"),
            "assigned_on": r.date("确定入党介绍人日期"),
        },
        (("入党介绍人身份证号", gettext_lazy("ID numbers of the two sponsors, separated by 、.")),),
    ),
    Step(
        "political_review",
        "政治审查结论日期",
        lambda r: {
            "concluded_on": r.date("政治审查结论日期"),
            "conclusion": _text(),
            "passed": True,
        },
    ),
    Step(
        "training",
        "集中培训结束日期",
        lambda r: {
            "started_on": r.date("集中培训开始日期"),
            "finished_on": r.date("集中培训结束日期"),
            "days": r.number("培训天数", 3),
            "hours": r.number("培训学时", 24),
            "text": _text(),
        },
        (
            ("集中培训开始日期", ""),
            ("培训天数", gettext_lazy("Days of training (3 if empty).")),
            ("培训学时", gettext_lazy("Hours of training (24 if empty).")),
        ),
    ),
    Step(
        "publicise_object",
        "发展对象公示结束日期",
        lambda r: {
            "started_on": r.date("发展对象公示开始日期"),
            "decided_on": r.date("发展对象公示结束日期"),
        },
        (("发展对象公示开始日期", ""),),
    ),
    Step(
        "branch_review",
        "支委会审查日期",
        lambda r: {"reviewed_on": r.date("支委会审查日期"), "text": _text()},
    ),
    Step(
        "prereview",
        "上级党委预审日期",
        lambda r: {
            "decision": "passed",
            "reviewed_on": r.date("上级党委预审日期"),
            "text": _text(),
        },
    ),
    Step(
        "volunteer_form",
        "填写入党志愿书日期",
        lambda r: {"filled_on": r.date("填写入党志愿书日期"), "text": _text()},
    ),
    Step(
        "admission_meeting",
        "接收预备党员支部大会日期",
        lambda r: {
            "held_on": r.date("接收预备党员支部大会日期"),
            "votes": r.votes("接收预备党员表决"),
            "secretary": _("Branch secretary"),
            "text": _text(),
        },
        (("接收预备党员表决", VOTES_HELP),),
    ),
    Step(
        "committee_talk",
        "党委谈话日期",
        lambda r: {
            "talked_on": r.date("党委谈话日期"),
            "talker": _("Committee member"),
            "text": _text(),
        },
    ),
    Step(
        "approval",
        "党委审批日期",
        lambda r: dict(
            zip(("members_present", "votes_for"), r.counts("党委审批表决", 2), strict=True),
            decision="approved",
            approved_on=r.date("党委审批日期"),
            text=_text(),
        ),
        (("党委审批表决", COMMITTEE_VOTES_HELP),),
    ),
    Step(
        "county_filing", "县委组织部备案日期", lambda r: {"filed_on": r.date("县委组织部备案日期")}
    ),
    Step("placement", "编入党小组日期", lambda r: {"placed_on": r.date("编入党小组日期")}),
    Step("oath", "入党宣誓日期", lambda r: {"oath_on": r.date("入党宣誓日期"), "text": _text()}),
    Step(
        "probation",
        "预备期考察完成日期",
        lambda r: {"completed_on": r.date("预备期考察完成日期"), "text": _text()},
    ),
    Step(
        "conversion_application",
        "转正申请日期",
        lambda r: {"applied_on": r.date("转正申请日期"), "text": _text()},
    ),
    Step(
        "publicise_conversion",
        "转正公示结束日期",
        lambda r: {
            "started_on": r.date("转正公示开始日期"),
            "decided_on": r.date("转正公示结束日期"),
        },
        (("转正公示开始日期", ""),),
    ),
    Step(
        "conversion_meeting",
        "转正支部大会日期",
        lambda r: {
            "held_on": r.date("转正支部大会日期"),
            "proposal": "convert",
            "votes": r.votes("转正表决"),
            "secretary": _("Branch secretary"),
            "text": _text(),
        },
        (("转正表决", VOTES_HELP),),
    ),
    Step(
        "conversion_approval",
        "党委审批转正日期",
        lambda r: {
            "decision": "approved",
            "approved_on": r.date("党委审批转正日期"),
            "text": _text(),
        },
    ),
]
BY_NAME = {step.name: step for step in STEPS}
EVALUATIONS = "半年考察日期"

STEP_DATE_HELP = gettext_lazy("Date the step was done, YYYY-MM-DD; empty if not yet.")
COLUMNS = [
    Column(
        ID_NUMBER,
        gettext_lazy("The applicant's resident ID number (the person is recorded already)."),
        True,
        "110105200103150011",
    ),
    Column(
        NAME, gettext_lazy("The applicant's name, checked against the ID number."), True, "林小军"
    ),
    Column(
        BRANCH,
        gettext_lazy("The code of the branch that received the application."),
        True,
        "dongcheng_village",
    ),
    Column(
        APPLIED, gettext_lazy("Date of the written application, YYYY-MM-DD."), True, "2023-06-01"
    ),
]
for _step in STEPS:
    COLUMNS.append(Column(_step.done, STEP_DATE_HELP))
    COLUMNS.extend(Column(header, help or STEP_DATE_HELP) for header, help in _step.more)


def actor_for(ctx, codename, organisation):
    """The importer if their roles allow the step there, else the current holder of
    a role that does (nearest to the organisation), else nobody."""
    if has_scope(ctx.user, codename, organisation):
        return ctx.user
    holder = (
        RoleAssignment.objects.active()
        .filter(
            role__in=roles_with(codename),
            scope_id__in=organisation.ancestor_ids(),
            person__user__is_active=True,
        )
        .select_related("person__user")
        .order_by("-scope__path", "pk")
        .first()
    )
    return holder.person.user if holder else None


def _person(row):
    number = row.get(ID_NUMBER)
    person = Person.find_by_id_number(number)
    if person is None:
        raise bad(
            ID_NUMBER,
            number,
            _("No person with this ID number is recorded: import the people first."),
        )
    if person.name != row.get(NAME):
        raise bad(
            NAME,
            row.get(NAME),
            _("The ID number belongs to %(name)s, not to the name given.") % {"name": person.name},
        )
    return person


def _check_no_gaps(row):
    """The steps done are the first ones: a date after an empty step is a mistake."""
    empty = None
    for step in STEPS:
        if not row.get(step.done):
            empty = empty or step
        elif empty is not None:
            raise bad(
                step.done,
                row.get(step.done),
                _("%(later)s is dated but the step before it (%(step)s) is not.")
                % {"later": step.done, "step": empty.done},
            )


def _refused(column, value, error):
    return bad(column, value, refusal(error))


def _evaluate(ctx, case, actor, row):
    """The half-yearly evaluations filed before the cultivation is completed (R1.7)."""
    text = row.get(EVALUATIONS)
    for part in text.replace("，", "、").replace(",", "、").split("、"):
        if part.strip():
            services.add_record(
                actor=actor,
                case=case,
                kind=RecordKind.EVALUATION,
                dated=parse_date(EVALUATIONS, part.strip()),
                text=_text(),
                today=ctx.today,
            )


def import_row(ctx, row):
    person = _person(row)
    branch = ctx.organisation(BRANCH, row.get(BRANCH))
    applied_on = parse_date(APPLIED, row.get(APPLIED))
    _check_no_gaps(row)
    applicant_actor = actor_for(ctx, "act_for_branch", branch)
    if applicant_actor is None:
        raise bad(
            BRANCH,
            row.get(BRANCH),
            _("Nobody holds a branch role in %(org)s to record the steps.") % {"org": branch},
        )
    try:
        case = services.apply(
            actor=applicant_actor,
            branch=branch,
            person=person,
            applied_on=applied_on,
            text=_text(),
            today=ctx.today,
        )
    except (ValidationError, PermissionDenied) as error:
        raise _refused(APPLIED, row.get(APPLIED), error) from None
    opinion = _("Imported by job #%(job)s.") % {"job": ctx.job.pk}
    while (task := case.task_set.filter(status__in=OPEN).first()) is not None:
        step = BY_NAME.get(task.flow_task.name)
        if step is None or not row.get(step.done):
            return
        fields = step.build(Reader(row))
        organisation = task.flow_task.target_organisation(case)
        actor = actor_for(ctx, task.owner_permission.split(".", 1)[1], organisation)
        if actor is None:
            raise bad(
                step.done,
                row.get(step.done),
                _("Nobody holds the role to do this step in %(org)s.") % {"org": organisation},
            )
        try:
            if step.name == "cultivate":
                _evaluate(ctx, case, actor, row)
            services.complete(actor=actor, task=task, opinion=opinion, today=ctx.today, **fields)
        except (ValidationError, PermissionDenied) as error:
            raise _refused(step.done, row.get(step.done), error) from None
