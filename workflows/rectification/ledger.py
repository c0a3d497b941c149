"""The ledger (台账) of rectification cases, read for one user, and its Excel export.

One row per listed organisation the user may see: where it stands, who the
assigned forces are, how many problems are open, the next deadline and
whether one is overdue, the last acceptance, delisting and look-back, and
whether it was listed before. The export writes the same rows, with the same
filters, so what is printed is what the page and the API show.
"""

from dataclasses import dataclass
from datetime import date
from io import BytesIO

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from viewflow.workflow.status import PROCESS

from core.cases.models import Case, DeadlineState
from core.flowkit.selectors import OPEN, cases_visible_to
from workflows.rectification.flows import RectificationFlow
from workflows.rectification.models import ForceKind, Listing, ProblemState

# Where a case stands, by its open step.
STAGES = {
    "assign_forces": gettext_lazy("Listed, forces to be assigned"),
    "make_plan": gettext_lazy("Plan to be adopted"),
    "rectify": gettext_lazy("Rectifying"),
    "acceptance": gettext_lazy("Awaiting acceptance"),
    "delist": gettext_lazy("Accepted, to be delisted"),
    "look_back": gettext_lazy("Delisted, look-back due"),
}


@dataclass
class LedgerRow:
    case: int
    township: str
    organisation: str
    domain: str
    round: str
    basis: str
    listed_on: date
    listed_before: bool
    earlier_case: int | None
    situations: str
    stage: str
    county_leader: str
    township_leader: str
    stationed: str
    paired_unit: str
    problems: int
    open_problems: int
    next_due: date | None
    overdue: bool
    last_acceptance: str
    delisted_on: date | None
    look_back: str
    step: str = ""  # the open step's name ("" once the case is closed), for filtering


# The stage filter's value for cases with no open step.
CLOSED = "closed"


def _open_step(case):
    return next((task.flow_task.name for task in case.task_set.all() if task.status in OPEN), "")


def _stage(case, listing):
    step = _open_step(case)
    if step:
        return str(STAGES[step])
    if case.status == PROCESS.CANCELED:
        return _("Cancelled")
    return _("Closed: %(look_back)s") % {"look_back": listing.get_look_back_display()}


def _forces(case):
    names = {}
    for force in case.rectification_forces.all():
        holder = force.holder
        if force.post:
            holder = _("%(name)s (%(post)s)") % {"name": holder, "post": force.get_post_display()}
        names[force.kind] = holder
    return names


def _acceptance(case):
    acceptances = list(case.acceptances.all())
    if not acceptances:
        return ""
    last = acceptances[-1]
    verdict = _("passed") if last.passed else _("failed")
    return _("%(day)s: %(score)s points, %(u)s of %(n)s unsatisfied, %(verdict)s") % {
        "day": last.held_on,
        "score": last.score,
        "u": last.unsatisfied,
        "n": last.participants,
        "verdict": verdict,
    }


def _row(listing):
    case = listing.case
    problems = list(case.rectification_problems.all())
    deadlines = [
        d for d in case.deadlines.all() if d.state == DeadlineState.OPEN and not d.is_earliest
    ]
    forces = _forces(case)
    codes = sorted(
        {p.situation.code for p in problems if p.situation_id},
        key=lambda code: (len(code), code),
    )
    screening = listing.round
    return LedgerRow(
        case=case.pk,
        township=str(case.township or ""),
        organisation=str(case.organisation),
        domain=case.organisation.get_domain_display(),
        round=_("%(year)s, %(kind)s")
        % {"year": screening.year, "kind": screening.get_kind_display()}
        if screening
        else "",
        basis=listing.get_basis_display(),
        listed_on=listing.listed_on,
        listed_before=listing.repeat,
        earlier_case=listing.earlier_id,
        situations=", ".join(codes),
        stage=_stage(case, listing),
        county_leader=forces.get(ForceKind.COUNTY_LEADER, ""),
        township_leader=forces.get(ForceKind.TOWNSHIP_LEADER, ""),
        stationed=forces.get(ForceKind.STATIONED, ""),
        paired_unit=forces.get(ForceKind.PAIRED_UNIT, ""),
        problems=len(problems),
        open_problems=sum(p.state != ProblemState.CLOSED for p in problems),
        next_due=min((d.due_on for d in deadlines), default=None),
        overdue=any(d.overdue_at for d in deadlines),
        last_acceptance=_acceptance(case),
        delisted_on=listing.delisted_on,
        look_back=listing.get_look_back_display() if listing.look_back else "",
        step=_open_step(case),
    )


def ledger_rows(user, screening=None, township=None, stage=None, overdue=False) -> list[LedgerRow]:
    """The ledger as `user` may see it, for one round or for every listing; optionally
    of one township, at one stage (an open step's name, or CLOSED), or overdue only."""
    cases = cases_visible_to(user, Case.objects.filter(flow_class=RectificationFlow))
    listings = (
        Listing.objects.filter(case__in=cases)
        .select_related("case__organisation", "case__township", "round")
        .prefetch_related(
            "case__rectification_forces__person",
            "case__rectification_forces__unit",
            "case__rectification_problems__situation",
            "case__deadlines",
            "case__task_set",
            "case__acceptances",
        )
        .order_by("case__org_path", "listed_on", "case_id")
    )
    if screening is not None:
        listings = listings.filter(round=screening)
    if township is not None:
        listings = listings.filter(case__township=township)
    rows = [_row(listing) for listing in listings]
    if stage:
        rows = [row for row in rows if row.step == ("" if stage == CLOSED else stage)]
    if overdue:
        rows = [row for row in rows if row.overdue]
    return rows


def columns():
    return [
        _("Case"),
        _("Township"),
        _("Organisation"),
        _("Domain"),
        _("Screening round"),
        _("Listed by"),
        _("Listed on"),
        _("Listed before"),
        _("Earlier case"),
        _("Situations"),
        _("Stage"),
        _("County-level leader"),
        _("Township leader"),
        _("First secretary or instructor"),
        _("Paired unit"),
        _("Problems"),
        _("Open problems"),
        _("Next deadline"),
        _("Overdue"),
        _("Last acceptance"),
        _("Delisted on"),
        _("Look-back"),
    ]


def _cells(row):
    yes_no = {True: _("Yes"), False: _("No")}
    return [
        row.case,
        row.township,
        row.organisation,
        row.domain,
        row.round,
        row.basis,
        row.listed_on,
        yes_no[row.listed_before],
        row.earlier_case,
        row.situations,
        row.stage,
        row.county_leader,
        row.township_leader,
        row.stationed,
        row.paired_unit,
        row.problems,
        row.open_problems,
        row.next_due,
        yes_no[row.overdue],
        row.last_acceptance,
        row.delisted_on,
        row.look_back,
    ]


def ledger_workbook(rows) -> Workbook:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Ledger")[:31]
    sheet.append(columns())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(_cells(row))
    sheet.freeze_panes = "D2"
    for index, title in enumerate(columns(), start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(10, min(40, len(title) + 4))
        for cell in sheet[letter][1:]:
            if isinstance(cell.value, date):
                cell.number_format = "yyyy-mm-dd"
    return workbook


def export_ledger(user, screening=None, **filters) -> bytes:
    """The ledger as an .xlsx file, with the filters of `ledger_rows`."""
    buffer = BytesIO()
    ledger_workbook(ledger_rows(user, screening, **filters)).save(buffer)
    return buffer.getvalue()
