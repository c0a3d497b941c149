"""The rules of cadre vetting (domain-rules.md §3) as pure functions.

Each function takes plain values, raises `RuleViolation(<V-code>, message)`
when the rule refuses, and returns what it computes, if anything. The
V-codes are ours (domain-rules.md gives §3 no R-codes); docs/rules.md lists
each with its source and tests. Local parameters (publicity days, the
attendance fraction, the negative list) come in as arguments.
"""

from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from dateutil.relativedelta import relativedelta
from django.utils.translation import gettext as _

from core.flowkit.errors import RuleViolation
from core.organisations.models import Domain, OrganisationKind, Tier

PROBATION_YEARS = 1  # 2014 条例 第四十四条 [V]: one year, then confirm or remove
VILLAGE_DOMAINS = (Domain.VILLAGE, Domain.COMMUNITY)
VILLAGE_KINDS = (
    OrganisationKind.COMMITTEE,
    OrganisationKind.GENERAL_BRANCH,
    OrganisationKind.BRANCH,
)


def _written(text: str, rule: str, message: str):
    if not (text or "").strip():
        raise RuleViolation(rule, message)


# --- §3a joint qualification review -------------------------------------------


@dataclass(frozen=True)
class Village:
    """What V3a.1 needs to know of the organisation a batch is for."""

    kind: str
    tier: str
    domain: str
    has_township: bool


def check_village(village: Village, rule: str = "V3a.1"):
    """V3a.1 (§3a): a joint review, like a secretary proposal (V3b.1) or a reserve
    nomination (V3d.2), concerns the party organisation of a village or community
    that belongs to a township."""
    if (
        not village.has_township
        or village.kind not in VILLAGE_KINDS
        or village.tier != Tier.GRASSROOTS
        or village.domain not in VILLAGE_DOMAINS
    ):
        raise RuleViolation(
            rule,
            _("Choose the party organisation of a village or community of a township."),
        )


def check_candidates(candidates: list[tuple[int, str]], posts: set[str]):
    """V3a.1 (§3a): a batch names at least one candidate, each person once, each for a
    post of the two committees."""
    if not candidates:
        raise RuleViolation("V3a.1", _("Name at least one candidate."))
    people = [person for person, _post in candidates]
    if len(set(people)) != len(people):
        raise RuleViolation("V3a.1", _("Each candidate is named once in a batch."))
    if any(post not in posts for _person, post in candidates):
        raise RuleViolation("V3a.1", _("Give each candidate a post of the two committees."))


def check_departments(count: int):
    """V3a.2 (§3a): the county sends the batch to its reviewing departments; a county
    with none configured cannot hold a joint review."""
    if count < 1:
        raise RuleViolation(
            "V3a.2",
            _("No reviewing department is configured for this county's joint reviews."),
        )


@dataclass(frozen=True)
class Answer:
    """A department's answer on one candidate; a finding when `item` is given."""

    candidate: int
    item: str = ""
    occurred_on: date | None = None
    evidence: str = ""

    @property
    def is_finding(self) -> bool:
        return bool(self.item)


@dataclass(frozen=True)
class Item:
    """A negative-list item as the rules see it."""

    code: str
    look_back_years: int | None
    active: bool = True


def check_answers_complete(candidates: set[int], answers: list[Answer]):
    """V3a.3 (§3a "each gives a written conclusion"): a department answers on every
    candidate sent to it, once, and on no one else."""
    answered = [answer.candidate for answer in answers]
    if len(set(answered)) != len(answered):
        raise RuleViolation("V3a.3", _("Give one answer per candidate."))
    if set(answered) != candidates:
        raise RuleViolation(
            "V3a.3",
            _("Answer on every candidate sent to the department, and only on them."),
        )


def check_finding(answer: Answer, items: dict[str, Item]):
    """V3a.4 (§3a): a finding cites an item of the negative list in force and gives
    the evidence that substantiates it."""
    item = items.get(answer.item)
    if item is None or not item.active:
        raise RuleViolation(
            "V3a.4",
            _("%(code)s is not an item of the negative list in force.") % {"code": answer.item},
        )
    _written(answer.evidence, "V3a.4", _("A finding states its evidence."))
    return item


def check_look_back(answer: Answer, item: Item, reviewed_on: date):
    """V3a.5 (§3a, local lists): under an item with a look-back period, the fact bars
    the candidate only if it happened within that many years before the review."""
    if answer.occurred_on is not None and answer.occurred_on > reviewed_on:
        raise RuleViolation("V3a.5", _("The fact cannot be dated after the review."))
    if item.look_back_years is None:
        return
    if answer.occurred_on is None:
        raise RuleViolation(
            "V3a.5",
            _("%(code)s counts facts of the last %(years)s years: give the date of the fact.")
            % {"code": item.code, "years": item.look_back_years},
        )
    since = reviewed_on - relativedelta(years=item.look_back_years)
    if answer.occurred_on < since:
        raise RuleViolation(
            "V3a.5",
            _(
                "%(code)s counts facts since %(since)s; a fact of %(day)s does not bar the "
                "candidate. Record the candidate as clear."
            )
            % {"code": item.code, "since": since, "day": answer.occurred_on},
        )


def joint_result(findings: int) -> str:
    """V3a.6 (§3a): one substantiated finding by any department disqualifies."""
    return "failed" if findings else "passed"


def check_result_publicity(
    ends_on: date, decided_on: date, upheld: dict[int, str], candidates: set[int]
):
    """V3a.7 (§3a "results are fed back and publicised"): the result is final only
    after the publicity period; an objection upheld names its candidate and reason."""
    if decided_on <= ends_on:
        raise RuleViolation(
            "V3a.7",
            _("The publicity runs until %(end)s; record its result after that day.")
            % {"end": ends_on},
        )
    if set(upheld) - candidates:
        raise RuleViolation("V3a.7", _("An upheld objection concerns a candidate of the batch."))
    for reason in upheld.values():
        _written(reason, "V3a.7", _("Say why the objection is upheld."))


def check_may_serve(result: str | None, final: bool, rule: str = "V3a.8"):
    """V3a.8 (§3a 「未经联审者不得任职」): only a candidate whose latest joint review
    passed, with its result final after publicity, may take a post. §3b (V3b.1)
    and §3d (V3d.1) apply the same test under their own codes."""
    if result is None:
        raise RuleViolation(
            rule, _("This person has not been through the joint qualification review.")
        )
    if result == "failed":
        raise RuleViolation(rule, _("This person failed the joint qualification review."))
    if result != "passed" or not final:
        raise RuleViolation(
            rule, _("The joint qualification review of this person is not final yet.")
        )


def check_post(post: str, posts: set[str], rule: str = "V3a.8"):
    """V3a.8: an appointment names a post of the two committees."""
    if post not in posts:
        raise RuleViolation(rule, _("Name a post of the two committees."))


# --- §3b village secretary filing -----------------------------------------------


def check_reply(filed_on: date, replied_on: date, text: str):
    """V3b.2 (§3b): the county organisation department replies in writing to the
    filing it received."""
    if replied_on < filed_on:
        raise RuleViolation("V3b.2", _("The reply cannot come before the filing."))
    _written(text, "V3b.2", _("The county replies in writing."))


def check_appointment_after_reply(replied_on: date | None, agreed: bool, appointed_on: date):
    """V3b.3 (§3b): the secretary is appointed only after the county's written reply
    agreeing (filing before appointment, not after)."""
    if replied_on is None or not agreed:
        raise RuleViolation("V3b.3", _("The county has not agreed to the appointment."))
    if appointed_on < replied_on:
        raise RuleViolation(
            "V3b.3",
            _("The appointment (%(day)s) cannot come before the county's reply (%(reply)s).")
            % {"day": appointed_on, "reply": replied_on},
        )


def check_result_filing(appointed_on: date, filed_on: date):
    """V3b.4 (§3b): the result is filed with the county after the appointment."""
    if filed_on < appointed_on:
        raise RuleViolation("V3b.4", _("The result is filed after the appointment."))


def check_term_audit(term_ends_on: date, audited_on: date, left_office: bool, text: str):
    """V3b.5 (§3b "term audit at the end of a term"): the secretary's term is audited
    when it ends, or earlier only when they leave office before it ends, with the
    audit's conclusion in writing."""
    if audited_on < term_ends_on and not left_office:
        raise RuleViolation(
            "V3b.5",
            _(
                "The term runs until %(end)s; audit it then, or record that the secretary "
                "left office earlier."
            )
            % {"end": term_ends_on},
        )
    _written(text, "V3b.5", _("Record the conclusion of the term audit."))


# --- §3c selection ------------------------------------------------------------

FOUR_CHECKS = ("file", "personal_matters", "discipline", "petitions")


def check_check_result(clear: bool, text: str):
    """V3c.1 (条例 第三十一条, 凡提四必): each check is recorded in writing; one that
    finds a problem says what it found."""
    if clear:
        _written(text, "V3c.1", _("Record the result of the check."))
    else:
        _written(text, "V3c.1", _("Describe what the check found."))


def check_all_checks(done: dict[str, bool]):
    """V3c.1: the decision is discussed only after all four checks, each clear."""
    missing = [kind for kind in FOUR_CHECKS if kind not in done]
    if missing:
        raise RuleViolation(
            "V3c.1",
            _("Checks missing before the decision: %(missing)s.") % {"missing": ", ".join(missing)},
        )
    if not all(done.values()):
        raise RuleViolation("V3c.1", _("A check found a problem; the selection cannot go on."))


def attendance_fraction(value: str) -> Fraction:
    """The rule pack's attendance share, e.g. "2/3"."""
    try:
        share = Fraction(value)
    except (ValueError, ZeroDivisionError):
        share = None
    if share is None or not 0 < share <= 1:
        raise RuleViolation(
            "V3c.2",
            _("The rule pack's attendance share %(value)r is not a fraction.") % {"value": value},
        )
    return share


def check_attendance(expected: int, present: int, share: Fraction):
    """V3c.2 (条例 讨论决定): at least `share` (2/3) of the members expected to attend
    are present, or the meeting cannot decide."""
    if expected < 1 or present < 0 or present > expected:
        raise RuleViolation("V3c.2", _("The attendance numbers do not add up."))
    if present < share * expected:
        raise RuleViolation(
            "V3c.2",
            _("%(present)s of %(expected)s members present: at least %(share)s must attend.")
            % {"present": present, "expected": expected, "share": share},
        )


def check_deciding_body(kind: str):
    """V3c.3 (条例 讨论决定): appointments are decided collectively by a party committee."""
    if kind != OrganisationKind.COMMITTEE:
        raise RuleViolation("V3c.3", _("Appointments are decided by a party committee."))


DECISIONS = ("approve", "reject", "defer")


def check_decision(decision: str, expected: int, present: int, yes: int, no: int, abstain: int):
    """V3c.3 (条例 讨论决定): an appointment is approved by more than half of the
    members expected to attend (应到会成员), not of those present; a meeting whose
    opinions differ widely may defer (缓议)."""
    if decision not in DECISIONS:
        raise RuleViolation("V3c.3", _("Record approval, rejection or deferral."))
    if min(yes, no, abstain) < 0 or yes + no + abstain > present:
        raise RuleViolation("V3c.3", _("The votes do not add up to the members present."))
    majority = yes * 2 > expected
    if decision == "approve" and not majority:
        raise RuleViolation(
            "V3c.3",
            _("%(yes)s in favour is not more than half of the %(expected)s members expected.")
            % {"yes": yes, "expected": expected},
        )
    if decision == "reject" and majority:
        raise RuleViolation(
            "V3c.3", _("More than half of the members voted in favour; the appointment passed.")
        )
    return decision


def check_publicity_over(ends_on: date, decided_on: date):
    """V3c.4 (条例 任前公示, at least 5 statutory working days): the publicity is
    closed, and the appointment made, only after its last day."""
    if decided_on <= ends_on:
        raise RuleViolation(
            "V3c.4",
            _("The publicity runs until %(end)s; close it after that day.") % {"end": ends_on},
        )


def check_objection(started_on: date, received_on: date, text: str):
    """V3c.5: an objection is received during the publicity and is recorded in writing."""
    if received_on < started_on:
        raise RuleViolation("V3c.5", _("The objection predates the publicity."))
    _written(text, "V3c.5", _("Record what the objection says."))


def check_resolution(received_on: date, resolved_on: date, text: str):
    """V3c.5: an objection is resolved by a written finding after it was received."""
    if resolved_on < received_on:
        raise RuleViolation("V3c.5", _("An objection is resolved after it was received."))
    _written(text, "V3c.5", _("Record the finding of the verification."))


def check_no_open_objections(open_objections: int):
    """V3c.5: an objection during publicity suspends the appointment until resolved."""
    if open_objections:
        raise RuleViolation(
            "V3c.5",
            _("%(n)s objection(s) are being verified; the appointment waits until resolved.")
            % {"n": open_objections},
        )


def probation_ends(appointed_on: date) -> date:
    return appointed_on + relativedelta(years=PROBATION_YEARS)


def check_probation_review(appointed_on: date, reviewed_on: date, confirm: bool, text: str):
    """V3c.6 (2014 条例 第四十四条 [V]): after one year of probation the cadre is
    confirmed, or removed and returned to the former rank, on a written assessment."""
    if reviewed_on < probation_ends(appointed_on):
        raise RuleViolation(
            "V3c.6",
            _("Probation runs until %(end)s.") % {"end": probation_ends(appointed_on)},
        )
    if confirm:
        _written(text, "V3c.6", _("Record the assessment at the end of probation."))
    else:
        _written(text, "V3c.6", _("State why the cadre is removed after probation."))


# --- §3d reserve cadres -------------------------------------------------------

NOMINATIONS = ("self", "members", "masses")


def check_nomination(nomination: str, text: str):
    """V3d.2 (§3d 村推): a reserve cadre is nominated by self-recommendation, by
    party members or by the villagers, with the village's recommendation written."""
    if nomination not in NOMINATIONS:
        raise RuleViolation(
            "V3d.2",
            _("A reserve cadre is self-recommended or recommended by members or villagers."),
        )
    _written(text, "V3d.2", _("Record the village's recommendation."))


def check_yearly_review(since: date, reviewed_on: date, text: str):
    """V3d.3 (§3d 年度考核): each yearly review follows the entry or the last review
    and is recorded in writing."""
    if reviewed_on <= since:
        raise RuleViolation(
            "V3d.3",
            _("The review must follow the entry or the last review (%(day)s).") % {"day": since},
        )
    _written(text, "V3d.3", _("Record the yearly assessment."))
