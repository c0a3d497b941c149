"""The rules of 《中国共产党发展党员工作细则》 (2014) as pure functions.

Each function takes plain values (dates, counts, people's statuses), raises
`RuleViolation(<R-code>, message)` when the rule refuses, and returns what
the rule computes, if anything. R-codes are those of
shared/docs/domain-rules.md; docs/rules.md lists the tests for each.
Parameters that provinces set differently come in as arguments (the
services read them from the rule pack).
"""

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from core.flowkit.checks import add_months
from core.flowkit.errors import RuleViolation
from core.organisations.models import OrganisationKind
from core.people.choices import Discipline, PartyStatus

ADULT_AGE = 18  # 细则 第五条
TALK_MONTHS = 1  # 第七条
CONTACTS_MIN, CONTACTS_MAX = 1, 2  # 第九条
EVALUATION_MONTHS = 6  # 第十一条
CULTIVATION_YEARS = 1  # 第十三条
SPONSORS = 2  # 第十四条
TRAINING_DAYS, TRAINING_HOURS = 3, 24  # 第十七条
PROBATION_YEARS = 1  # 第三十二条
EXTENSION_MIN_MONTHS, EXTENSION_MAX_MONTHS = 6, 12  # 第三十二条
CONVERSION_APPROVAL_MONTHS = 3  # 第三十四条

# The five documents 第三十七条 sends to the personnel file.
ARCHIVE_DOCUMENTS = (
    "volunteer_form",
    "application",
    "political_review",
    "conversion_application",
    "evaluation",
)


# --- Stage 1: application ----------------------------------------------------


def age_on(birth_date: date, day: date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def check_age(birth_date: date, applied_on: date):
    """R1.1 (第五条): an applicant must be 18 on the day the application is received."""
    if age_on(birth_date, applied_on) < ADULT_AGE:
        raise RuleViolation(
            "R1.1",
            _("The applicant was under 18 on %(day)s; an application can only be accepted at 18.")
            % {"day": applied_on},
        )


def check_may_apply(party_status: str):
    """R1.1: only someone who is not yet a member (or probationary member) applies."""
    if party_status in (PartyStatus.PROBATIONARY, PartyStatus.FULL):
        raise RuleViolation("R1.1", _("This person is already a party member."))


def check_where_applied(branch_kind: str, person_in_branch: bool):
    """R1.2 (第六条): the application goes to the branch of the person's unit or residence."""
    if branch_kind not in (OrganisationKind.BRANCH, OrganisationKind.GENERAL_BRANCH):
        raise RuleViolation(
            "R1.2", _("Applications are received by a party branch or general branch.")
        )
    if not person_in_branch:
        raise RuleViolation(
            "R1.2",
            _(
                "The applicant does not belong to this branch; record the application where the "
                "person works, studies or lives."
            ),
        )


def talk_due(applied_on: date) -> date:
    """R1.3 (第七条): the talk is due within one calendar month of receiving the application."""
    return add_months(applied_on, TALK_MONTHS)


def check_talk(applied_on: date, talked_on: date, late_reason: str):
    """R1.3: a talk after the month is accepted only with the reason it was late on record."""
    if talked_on > talk_due(applied_on) and not late_reason.strip():
        raise RuleViolation(
            "R1.3",
            _(
                "The talk was due by %(due)s (one month after the application); "
                "state why it was late."
            )
            % {"due": talk_due(applied_on)},
        )


# --- Stage 2: activists ------------------------------------------------------


def check_nomination(nomination: str, decided_by_committee: bool):
    """R1.4 (第八条): chosen by members' or mass organisations' recommendation, decided by the
    branch committee (or the general meeting where there is no committee)."""
    if nomination not in ("members", "mass_organisation"):
        raise RuleViolation(
            "R1.4",
            _("An activist is nominated by party members or by a mass organisation."),
        )
    if not decided_by_committee:
        raise RuleViolation(
            "R1.4", _("The branch committee (or general meeting) must decide on the activist.")
        )


def check_contacts(statuses: list[str]):
    """R1.5 (第九条): one or two cultivation contacts, each a full member."""
    if not CONTACTS_MIN <= len(statuses) <= CONTACTS_MAX:
        raise RuleViolation(
            "R1.5", _("Name one or two cultivation contacts (%(n)s given).") % {"n": len(statuses)}
        )
    if any(status != PartyStatus.FULL for status in statuses):
        raise RuleViolation("R1.5", _("Cultivation contacts must be full party members."))


def evaluation_due(last: date) -> date:
    """R1.7 (第十一条): the branch evaluates an activist every six months."""
    return add_months(last, EVALUATION_MONTHS)


def check_evaluations(activist_on: date, evaluated_on: list[date], until: date):
    """R1.7: from the activist date to `until`, no six months pass without an evaluation."""
    previous = activist_on
    for day in sorted(evaluated_on) + [until]:
        if day > evaluation_due(previous):
            raise RuleViolation(
                "R1.7",
                _(
                    "No evaluation was recorded between %(start)s and %(due)s; the branch "
                    "evaluates an activist every six months."
                )
                % {"start": previous, "due": evaluation_due(previous)},
            )
        previous = max(previous, day)


# --- Stage 3: development objects -------------------------------------------


def development_eligible_from(activist_on: date) -> date:
    """R1.9 (第十三条): at least one year of cultivation as an activist."""
    return add_months(activist_on, 12 * CULTIVATION_YEARS)


def check_development_object(activist_on: date, decided_on: date):
    """R1.9: the branch committee lists a development object only after one full year."""
    eligible = development_eligible_from(activist_on)
    if decided_on < eligible:
        raise RuleViolation(
            "R1.9",
            _("An activist since %(since)s can be listed as a development object from %(from)s.")
            % {"since": activist_on, "from": eligible},
        )


@dataclass(frozen=True)
class Member:
    """What the rules need to know about a member named in a case."""

    pk: int
    status: str
    discipline: str
    branch_id: int | None = None


def check_sponsors(
    sponsors: list[Member], candidate_pk: int, relatives: set[int], relatives_barred: bool
):
    """R1.10 (第十四条): two full members, none under 留党察看 with rights not restored.
    Where the rule pack bars it (§1.5, local), no near relative of the candidate."""
    if len({s.pk for s in sponsors}) != SPONSORS or len(sponsors) != SPONSORS:
        raise RuleViolation("R1.10", _("A development object needs exactly two sponsors."))
    for sponsor in sponsors:
        if sponsor.pk == candidate_pk:
            raise RuleViolation("R1.10", _("The candidate cannot sponsor themself."))
        if sponsor.status != PartyStatus.FULL:
            raise RuleViolation("R1.10", _("Sponsors must be full party members."))
        if sponsor.discipline != Discipline.NONE:
            raise RuleViolation(
                "R1.10",
                _("A member under probation within the party or suspended cannot sponsor."),
            )
        if relatives_barred and sponsor.pk in relatives:
            raise RuleViolation(
                "§1.5", _("Under the rule pack, a near relative may not sponsor the candidate.")
            )


def check_political_review(conclusion: str):
    """R1.12 (第十六条): the review ends in a written conclusion."""
    if len(conclusion.strip()) < 10:
        raise RuleViolation(
            "R1.12", _("Write the conclusion of the political review (at least 10 characters).")
        )


def check_training(days: float, hours: float, special_reason: str):
    """R1.13 (第十七条): at least three days or 24 class hours, save special cases on record."""
    if days < 0 or hours < 0:
        raise RuleViolation("R1.13", _("Training time cannot be negative."))
    if days >= TRAINING_DAYS or hours >= TRAINING_HOURS:
        return
    if not special_reason.strip():
        raise RuleViolation(
            "R1.13",
            _(
                "Training of %(days)s days / %(hours)s hours is short of 3 days or 24 class hours; "
                "only a special case with its reason on record may proceed."
            )
            % {"days": days, "hours": hours},
        )


def check_publicity_over(ends_on: date, decided_on: date, objections_upheld: bool):
    """§1.5 公示 [S]: the result is recorded only after the period, by statutory working days."""
    if decided_on <= ends_on:
        raise RuleViolation(
            "§1.5",
            _("The publicity runs until %(end)s; record its result after that day.")
            % {"end": ends_on},
        )
    return not objections_upheld


# --- Stage 4: admission ------------------------------------------------------


def check_prerequisites(present: set[str], needed: tuple[str, ...]):
    """R1.14/R1.17: the material that must exist before the branch committee's review."""
    missing = [kind for kind in needed if kind not in present]
    if missing:
        raise RuleViolation(
            "R1.17",
            _("Material missing before this step: %(missing)s.") % {"missing": ", ".join(missing)},
        )


def check_not_leaving(leaves_unit_on: date | None, day: date, months: int):
    """R1.15 (第十九条): no admission when the person leaves their unit within three months,
    nor once they have left it (the case then goes to the new unit's branch, R1.8)."""
    if leaves_unit_on is not None and leaves_unit_on <= add_months(day, months):
        raise RuleViolation(
            "R1.15",
            _(
                "The person leaves (or has left) the unit on %(day)s, within %(months)s months: "
                "the admission is not handled here."
            )
            % {"day": leaves_unit_on, "months": months},
        )


def check_approval_authority(is_committee: bool, can_approve: bool, is_temporary: bool):
    """R1.20: only a (non-temporary) committee with approval authority pre-reviews and approves."""
    if not (is_committee and can_approve and not is_temporary):
        raise RuleViolation(
            "R1.20", _("Only a party committee with approval authority may do this step.")
        )


@dataclass(frozen=True)
class Votes:
    """A branch general meeting's numbers for one candidate (§1.4)."""

    expected: int  # E: full members with a vote expected to attend
    present: int  # P: of them, present
    yes: int
    no: int
    abstain: int
    written_yes: int = 0  # written opinions of absent voters, handed in before the meeting
    written_no: int = 0


def check_branch_can_meet(full_members: int, minimum: int):
    """§1.4.5 [S]: a branch with fewer than three full members cannot hold the meeting."""
    if full_members < minimum:
        raise RuleViolation(
            "§1.4",
            _("The branch has %(n)s full members; at least %(min)s are needed to hold the meeting.")
            % {"n": full_members, "min": minimum},
        )


def count_votes(votes: Votes, full_members: int) -> bool:
    """R1.16 (第二十、二十一条): quorum P > E/2; passed when present yes + written yes > E/2.

    Refuses numbers that do not add up; returns whether the resolution passed.
    """
    numbers = (
        votes.expected,
        votes.present,
        votes.yes,
        votes.no,
        votes.abstain,
        votes.written_yes,
        votes.written_no,
    )
    if any(n < 0 for n in numbers):
        raise RuleViolation("R1.16", _("Vote counts cannot be negative."))
    if votes.expected > full_members:
        raise RuleViolation(
            "R1.16",
            _("%(e)s voters expected, but the branch has only %(n)s full members.")
            % {"e": votes.expected, "n": full_members},
        )
    if votes.present > votes.expected:
        raise RuleViolation("R1.16", _("More voters present than expected."))
    if votes.yes + votes.no + votes.abstain > votes.present:
        raise RuleViolation(
            "R1.16",
            _("%(cast)s ballots for %(p)s voters present.")
            % {"cast": votes.yes + votes.no + votes.abstain, "p": votes.present},
        )
    if votes.written_yes + votes.written_no > votes.expected - votes.present:
        raise RuleViolation(
            "R1.16", _("More written opinions than voters absent from the meeting.")
        )
    if votes.present * 2 <= votes.expected:
        raise RuleViolation(
            "R1.16",
            _("No quorum: %(p)s of %(e)s voters present; more than half must attend.")
            % {"p": votes.present, "e": votes.expected},
        )
    return (votes.yes + votes.written_yes) * 2 > votes.expected


def check_committee_talk_before(talked_on: date | None, approved_on: date):
    """R1.18 (党章 第五条): the committee talks with the person before approving."""
    if talked_on is None or talked_on > approved_on:
        raise RuleViolation(
            "R1.18", _("The committee's talk with the person must come before the approval.")
        )


def check_approval_in_time(
    meeting_on: date, approved_on: date, months: int, extended_months: int, reason: str
):
    """R1.19: approval within three months of the meeting; up to six with the reason on record."""
    if approved_on <= add_months(meeting_on, months):
        return False
    if approved_on > add_months(meeting_on, extended_months):
        raise RuleViolation(
            "R1.19",
            _(
                "More than %(m)s months have passed since the branch meeting of %(day)s; "
                "the admission procedure must be done again."
            )
            % {"m": extended_months, "day": meeting_on},
        )
    if not reason.strip():
        raise RuleViolation(
            "R1.19",
            _("Approval after %(m)s months needs the special circumstances written down.")
            % {"m": months},
        )
    return True


def probation_ends(meeting_on: date) -> date:
    """R1.22 (第三十二条): one year counted from the admission meeting, not the approval."""
    return add_months(meeting_on, 12 * PROBATION_YEARS)


# --- Stage 5: probation and conversion ---------------------------------------


def check_oath(approved_on: date, oath_on: date):
    """R1.21 (第三十条): the oath is taken by an approved probationary member."""
    if oath_on < approved_on:
        raise RuleViolation("R1.21", _("The oath comes after the committee's approval."))


def check_conversion_meeting(probation_ends_on: date, meeting_on: date, postponed_to: date | None):
    """R1.24 (第三十三条) and R1.26: not before probation ends; a transferred member's
    discussion may have been postponed, but probation still ends on its own date."""
    if meeting_on < probation_ends_on:
        raise RuleViolation(
            "R1.24",
            _("Probation ends on %(end)s; the conversion meeting cannot be held before.")
            % {"end": probation_ends_on},
        )
    if postponed_to is not None and meeting_on > postponed_to:
        raise RuleViolation(
            "R1.26",
            _("The conversion discussion was postponed to %(day)s at the latest.")
            % {"day": postponed_to},
        )


def check_postponement(probation_ends_on: date, postponed_to: date, months: int):
    """R1.26: a receiving branch may postpone the conversion discussion by at most six months."""
    if postponed_to < probation_ends_on or postponed_to > add_months(probation_ends_on, months):
        raise RuleViolation(
            "R1.26",
            _("The conversion discussion may be postponed to between %(a)s and %(b)s.")
            % {"a": probation_ends_on, "b": add_months(probation_ends_on, months)},
        )


def check_extension(months: int | None, already_extended: bool):
    """R1.23 (第三十二条): probation is extended once, by six months to a year."""
    if already_extended:
        raise RuleViolation("R1.23", _("Probation can be extended only once."))
    if months is None or not EXTENSION_MIN_MONTHS <= months <= EXTENSION_MAX_MONTHS:
        raise RuleViolation("R1.23", _("An extension is between 6 and 12 months."))


def check_conversion_approval_in_time(meeting_on: date, approved_on: date):
    """R1.25 (第三十四条): the committee decides on a conversion within three months."""
    if approved_on > add_months(meeting_on, CONVERSION_APPROVAL_MONTHS):
        raise RuleViolation(
            "R1.25",
            _("The conversion resolution of %(day)s had to be decided within three months.")
            % {"day": meeting_on},
        )


def check_archive(present: set[str]):
    """R1.27 (第三十七条): the five documents go to the personnel file."""
    missing = [kind for kind in ARCHIVE_DOCUMENTS if kind not in present]
    if missing:
        raise RuleViolation(
            "R1.27",
            _("Documents missing for the archive: %(missing)s.") % {"missing": ", ".join(missing)},
        )


def check_transfer(party_status: str, to_kind: str):
    """R1.8 / R1.26: an activist, development object or probationary member's case moves with
    them to the branch of their new unit; the time already spent counts."""
    if party_status not in (
        PartyStatus.ACTIVIST,
        PartyStatus.DEVELOPMENT_OBJECT,
        PartyStatus.PROBATIONARY,
    ):
        raise RuleViolation(
            "R1.8",
            _(
                "Only an activist, a development object or a probationary member is transferred; "
                "an applicant applies again at the new unit."
            ),
        )
    if to_kind not in (OrganisationKind.BRANCH, OrganisationKind.GENERAL_BRANCH):
        raise RuleViolation("R1.8", _("A case is transferred to a party branch."))
