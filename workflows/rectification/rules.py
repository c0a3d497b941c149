"""The rules of rectifying weak and lax organisations (domain-rules.md §2) as pure functions.

Each function takes plain values, raises `RuleViolation(<code>, message)` when
the rule refuses and returns what it computes, if anything. W-codes are the
situations of §2.2; Z-codes are the steps of §2.3 ("Z2.3.7" is item 7,
acceptance). Every number that local practice sets comes in as an argument
(the services read it from the rule pack); docs/rules.md lists the tests.
"""

import hashlib
import math
from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta
from django.utils.translation import gettext as _

from core.flowkit.checks import add_months
from core.flowkit.errors import RuleViolation

STATEMENT_MIN_CHARS = 10


def _written(text: str) -> bool:
    return len((text or "").strip()) >= STATEMENT_MIN_CHARS


# --- §2.2: what PartyFlow can tell from its own records ------------------------


def vacant_since(terms: list[tuple[date, date | None]], on: date) -> date | None:
    """The first day without a branch secretary before `on`; None when the post is filled.

    `terms` are the (from, until) periods of branch-secretary roles (until inclusive,
    None while it lasts); at least one term is on record.
    """
    if any(start <= on and (end is None or end >= on) for start, end in terms):
        return None
    ended = [end for start, end in terms if start <= on and end is not None and end < on]
    if not ended:  # every term begins after `on`: none was on record then
        raise RuleViolation(
            "W1", _("No branch secretary is on record, so the vacancy cannot be measured.")
        )
    return max(ended) + relativedelta(days=1)


def check_secretary_vacancy(terms: list[tuple[date, date | None]], on: date, months: int) -> dict:
    """W1 (班子配备不齐、书记长期缺职): the branch secretary post has been vacant for more
    than `months` on `on`. Returns the evidence: when the post fell vacant."""
    if not terms:
        raise RuleViolation(
            "W1", _("No branch secretary is on record, so the vacancy cannot be measured.")
        )
    since = vacant_since(terms, on)
    if since is None:
        raise RuleViolation("W1", _("The branch has a secretary on %(day)s.") % {"day": on})
    if on <= add_months(since, months):
        raise RuleViolation(
            "W1",
            _(
                "The secretary post is vacant since %(since)s: not more than %(m)s months on %(day)s."
            )
            % {"since": since, "m": months, "day": on},
        )
    return {"vacant_since": since, "months": months, "on": on}


def check_no_development(approvals: list[date], on: date, years: int) -> dict:
    """W5 (发展党员工作停滞): no admission approved in the `years` before `on`.
    Returns the evidence: the window looked at and the last admission on record."""
    window_from = on - relativedelta(years=years)
    recent = [day for day in approvals if window_from < day <= on]
    if recent:
        raise RuleViolation(
            "W5",
            _("A member was admitted on %(day)s, within %(years)s years of %(on)s.")
            % {"day": max(recent), "years": years, "on": on},
        )
    earlier = [day for day in approvals if day <= window_from]
    return {"from": window_from, "to": on, "last_admission": max(earlier) if earlier else None}


def check_evidence(code: str, evidence: str, statement: str, has_file: bool, referrals: int):
    """W1–W10: a situation is confirmed only on its kind of evidence.

    A situation confirmed on a referral (W7 clan and gang interference, W8
    petitions, W10 vote-buying in the seed) needs a department's referral in
    the round; any other needs a written finding of at least ten characters
    or a document. Situations PartyFlow proposed are re-read instead
    (check_secretary_vacancy, check_no_development).
    """
    if evidence == "referral":
        if referrals < 1:
            raise RuleViolation(
                code,
                _("%(code)s is confirmed on a referral from the responsible department.")
                % {"code": code},
            )
        return
    if not (_written(statement) or has_file):
        raise RuleViolation(
            code,
            _("Write down what shows %(code)s (at least 10 characters) or attach the document.")
            % {"code": code},
        )


# --- §2.3.1: screening -----------------------------------------------------------


def check_round(kind: str, year: int, opened_on: date, annual_exists: bool, organisations: int):
    """Z2.3.1: one annual round per county and year, in its year; a round covers someone."""
    if kind not in ("annual", "dynamic"):
        raise RuleViolation("Z2.3.1", _("A round is annual or dynamic."))
    if kind == "annual":
        if annual_exists:
            raise RuleViolation(
                "Z2.3.1", _("The county already has its annual round for %(y)s.") % {"y": year}
            )
        if opened_on.year != year:
            raise RuleViolation(
                "Z2.3.1", _("An annual round for %(y)s opens in %(y)s.") % {"y": year}
            )
    if organisations < 1:
        raise RuleViolation("Z2.3.1", _("The round covers no organisation."))


def check_written(code: str, text: str, label: str):
    """Z2.3.1, Z2.3.6, Z2.3.7: each level's check, the list decision, the report that
    rectification is done and the acceptance are written down."""
    if not _written(text):
        raise RuleViolation(
            code, _("Write the %(what)s (at least 10 characters).") % {"what": label}
        )


def check_decisions(pending: set[int], decisions: dict[int, tuple[bool, str]], allowed: set[int]):
    """Z2.3.1 (不捂不盖): every situation raised is confirmed or dismissed, and a
    dismissal says why. `pending` must be decided; `allowed` may be."""
    unknown = set(decisions) - allowed
    if unknown:
        raise RuleViolation("Z2.3.1", _("A decision names a finding that is not before you."))
    undecided = pending - set(decisions)
    if undecided:
        raise RuleViolation(
            "Z2.3.1",
            _("%(n)s situation(s) raised are neither confirmed nor dismissed.")
            % {"n": len(undecided)},
        )
    for confirmed, reason in decisions.values():
        if not confirmed and not _written(reason):
            raise RuleViolation(
                "Z2.3.1", _("Say why a situation is dismissed (at least 10 characters).")
            )


def check_referral_open(open_step: str | None):
    """Z2.3.1: referrals are inputs to a check still in progress."""
    if open_step not in ("self_check", "township_check", "county_check"):
        raise RuleViolation(
            "Z2.3.1",
            _("This organisation's check is finished; refer it to a new round."),
        )


def check_round_complete(open_checks: int):
    """Z2.3.1: the county decides the list once every organisation has been verified."""
    if open_checks:
        raise RuleViolation(
            "Z2.3.1",
            _("%(n)s organisation(s) of the round are not yet verified by the county.")
            % {"n": open_checks},
        )


# --- §2.3.2 and §2.3.3: the list ----------------------------------------------------


def listing_cap(covered: int, ratio: int) -> int | None:
    """Z2.3.2: how many organisations a ratio allows; None without a quota."""
    return math.ceil(covered * ratio / 100) if ratio else None


def check_list(listed: set, verified: set, covered: int, ratio: int, reason: str):
    """Z2.3.2: without a quota (ratio 0, 应列尽列) every organisation with a verified
    situation is listed; with a quota, listing more than it allows needs the
    standing committee's reason on record (a quota caps, it never hides one)."""
    if not listed:
        raise RuleViolation("Z2.3.2", _("The list names no organisation."))
    cap = listing_cap(covered, ratio)
    if cap is None:
        left_out = verified - listed
        if left_out:
            raise RuleViolation(
                "Z2.3.2",
                _(
                    "No quota is set, so every organisation with a verified situation is "
                    "listed: %(n)s left out."
                )
                % {"n": len(left_out)},
            )
        return False
    if len(listed) > cap and not _written(reason):
        raise RuleViolation(
            "Z2.3.2",
            _(
                "%(n)s organisations listed where the ratio of %(r)s%% allows %(cap)s; "
                "record the reason for listing more."
            )
            % {"n": len(listed), "r": ratio, "cap": cap},
        )
    return len(listed) > cap


def check_listable(name: str, verified: bool, under_rectification: bool):
    """Z2.3.3: the county lists an organisation on situations it verified, and never
    twice at once."""
    if not verified:
        raise RuleViolation(
            "Z2.3.3",
            _("%(org)s has no situation verified by the county in this round.") % {"org": name},
        )
    if under_rectification:
        raise RuleViolation("Z2.3.3", _("%(org)s is already under rectification.") % {"org": name})


def is_repeat(earlier_listed_on: date | None, listed_on: date, years: int) -> bool:
    """Z2.3.8: listed again within `years` of an earlier listing (flagged in the ledger)."""
    return earlier_listed_on is not None and earlier_listed_on > listed_on - relativedelta(
        years=years
    )


# --- §2.3.4: the plan (一村一策) -------------------------------------------------------


@dataclass(frozen=True)
class PlannedMeasure:
    problem: int
    text: str
    due_on: date | None


def check_plan(
    diagnosis: str, open_problems: set[int], measures: list[PlannedMeasure], planned_on: date
):
    """Z2.3.4: a diagnosis, and at least one measure with a later due date for every
    problem on the list (问题清单、整改清单 side by side)."""
    if not _written(diagnosis):
        raise RuleViolation(
            "Z2.3.4", _("Write the diagnosis of the organisation (at least 10 characters).")
        )
    for measure in measures:
        if measure.problem not in open_problems:
            raise RuleViolation("Z2.3.4", _("A measure names a problem that is not on the list."))
        if not measure.text.strip():
            raise RuleViolation("Z2.3.4", _("Say what each measure does."))
        if measure.due_on is None:
            raise RuleViolation("Z2.3.4", _("Give each measure its due date."))
        if measure.due_on <= planned_on:
            raise RuleViolation(
                "Z2.3.4",
                _("A measure is due on %(due)s, not after the plan of %(day)s.")
                % {"due": measure.due_on, "day": planned_on},
            )
    uncovered = open_problems - {m.problem for m in measures}
    if uncovered:
        raise RuleViolation(
            "Z2.3.4",
            _("%(n)s problem(s) on the list have no measure.") % {"n": len(uncovered)},
        )


# --- §2.3.5: assigned forces (四个一) ---------------------------------------------------


@dataclass(frozen=True)
class Holder:
    """Who holds a force: a person and where they belong, or a unit."""

    kind: str
    pk: int
    in_county: bool
    in_township: bool  # within the listed organisation's township
    in_listed: bool  # within the listed organisation itself
    is_person: bool


def check_forces(holders: list[Holder], required: list[str], known: set[str]):
    """Z2.3.5: every required force assigned before rectification starts; a county
    leader from this county (not from a township), a township leader from the
    organisation's township, nobody from the organisation itself, and no one
    person holding two of them. First secretaries and paired units may come
    from any level (central, provincial, city or county organs send them)."""
    strange = set(required) - known
    if strange:
        raise RuleViolation(
            "Z2.3.5",
            _("The rule pack requires unknown forces: %(k)s.") % {"k": ", ".join(sorted(strange))},
        )
    kinds = [h.kind for h in holders]
    if not set(kinds) <= known:
        raise RuleViolation("Z2.3.5", _("Assign only the forces PartyFlow knows."))
    if len(kinds) != len(set(kinds)):
        raise RuleViolation("Z2.3.5", _("Each force is assigned once."))
    missing = [kind for kind in required if kind not in kinds]
    if missing:
        raise RuleViolation(
            "Z2.3.5",
            _("Rectification cannot start before these forces are assigned: %(k)s.")
            % {"k": ", ".join(missing)},
        )
    people = [h.pk for h in holders if h.is_person]
    if len(people) != len(set(people)):
        raise RuleViolation("Z2.3.5", _("One person cannot hold two of the forces."))
    for holder in holders:
        wants_person = holder.kind != "paired_unit"
        if holder.is_person != wants_person:
            raise RuleViolation(
                "Z2.3.5", _("A paired unit is an organisation; the other forces are people.")
            )
        if holder.kind == "county_leader" and (holder.in_township or not holder.in_county):
            raise RuleViolation("Z2.3.5", _("The county-level leader works at this county."))
        if holder.kind == "township_leader" and not holder.in_township:
            raise RuleViolation(
                "Z2.3.5", _("The township leader belongs to the organisation's township.")
            )
        if holder.in_listed:
            raise RuleViolation(
                "Z2.3.5", _("Forces come from outside the organisation being rectified.")
            )


# --- §2.3.6: item-by-item rectification (整改销号) --------------------------------------


def check_problem_report(state: str, text: str, has_file: bool):
    """Z2.3.6: a problem is reported rectified with its evidence: a description and a file."""
    if state != "open":
        raise RuleViolation("Z2.3.6", _("Only an open problem is reported rectified."))
    if not _written(text) or not has_file:
        raise RuleViolation(
            "Z2.3.6",
            _("Report what was done (at least 10 characters) and attach the evidence."),
        )


def check_problem_check(state: str, accepted: bool, text: str):
    """Z2.3.6: the township checks each reported problem; sending one back says why."""
    if state != "reported":
        raise RuleViolation("Z2.3.6", _("Only a problem reported rectified is checked."))
    if not accepted and not _written(text):
        raise RuleViolation(
            "Z2.3.6", _("Say why the problem is not rectified (at least 10 characters).")
        )


def check_all_closed(open_problems: int, what: str):
    """Z2.3.6: a problem list is done when every problem is closed."""
    if open_problems:
        raise RuleViolation(
            "Z2.3.6",
            _("%(n)s problem(s) are not closed yet: %(what)s waits for them.")
            % {"n": open_problems, "what": what},
        )


# --- §2.3.7: acceptance and delisting (验收销号) -------------------------------------------


@dataclass(frozen=True)
class Evaluation:
    """The democratic evaluation held at an acceptance."""

    participants: int
    satisfied: int
    basically_satisfied: int
    unsatisfied: int


def acceptance_passed(score: int, votes: Evaluation, pass_score: int, share: int, size: int):
    """Z2.3.7: passes at `pass_score` points or more, and fails whatever the score
    when more than `share`% of the evaluators are unsatisfied. Refuses numbers
    that do not add up or an evaluation smaller than `size`."""
    if not 0 <= score <= 100:
        raise RuleViolation("Z2.3.7", _("The score is between 0 and 100."))
    counts = (votes.satisfied, votes.basically_satisfied, votes.unsatisfied)
    if any(n < 0 for n in counts) or sum(counts) != votes.participants:
        raise RuleViolation(
            "Z2.3.7",
            _("Satisfied, basically satisfied and unsatisfied add up to those who took part."),
        )
    if votes.participants < size:
        raise RuleViolation(
            "Z2.3.7",
            _("The democratic evaluation needs at least %(n)s party members and villagers.")
            % {"n": size},
        )
    return score >= pass_score and votes.unsatisfied * 100 <= share * votes.participants


def check_failed_acceptance(held_on: date, redo_by: date | None, shortcomings: list[str]):
    """Z2.3.7: a failed acceptance sends the case back with what is still wrong and a date."""
    if redo_by is None or redo_by <= held_on:
        raise RuleViolation("Z2.3.7", _("Set the date by which the organisation rectifies again."))
    if not any(text.strip() for text in shortcomings):
        raise RuleViolation("Z2.3.7", _("List what the acceptance found still wrong."))


def check_delisting(passed: bool | None, open_problems: int, accepted_on: date, delisted_on: date):
    """Z2.3.7: delisted only after a passed acceptance, with every problem closed."""
    if not passed:
        raise RuleViolation("Z2.3.7", _("Delisting needs a passed acceptance."))
    if open_problems:
        raise RuleViolation(
            "Z2.3.7", _("Delisting needs every problem closed (%(n)s open).") % {"n": open_problems}
        )
    if delisted_on < accepted_on:
        raise RuleViolation("Z2.3.7", _("Delisting comes after the acceptance."))


# --- §2.3.8: look-back and relapse (回头看) ---------------------------------------------------


def look_back_from(delisted_on: date, months: int) -> date:
    return add_months(delisted_on, months)


def sample_key(case_pk: int) -> str:
    return hashlib.sha256(f"look-back:{case_pk}".encode()).hexdigest()


def look_back_sample(case_pks: list[int], share: int) -> set[int]:
    """Z2.3.8: the cases a look-back visits: ceil(share% of them), taken in the order
    of SHA-256("look-back:<case id>"). Anyone can recompute the choice, and a
    larger share keeps every case a smaller one chose."""
    ordered = sorted(case_pks, key=sample_key)
    return set(ordered[: math.ceil(len(ordered) * share / 100)])


def check_look_back(delisted_on: date, on: date, months: int, sampled: bool | None, share: int):
    """Z2.3.8: the look-back comes `months` after delisting, at an organisation in the sample."""
    due = look_back_from(delisted_on, months)
    if on < due:
        raise RuleViolation(
            "Z2.3.8",
            _("The look-back is held from %(due)s, %(m)s months after delisting.")
            % {"due": due, "m": months},
        )
    if share < 100 and sampled is not True:
        raise RuleViolation(
            "Z2.3.8", _("This organisation is not in the look-back sample; draw the sample first.")
        )


def check_relapse(relapse: bool, situations: list[str], text: str):
    """Z2.3.8: a look-back is written down; a relapse names the situations found again."""
    if not _written(text):
        raise RuleViolation("Z2.3.8", _("Write the look-back's findings (at least 10 characters)."))
    if relapse and not situations:
        raise RuleViolation("Z2.3.8", _("Name the situations found again."))
