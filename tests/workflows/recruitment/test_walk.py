from core.audit.chain import verify
from core.people.choices import PartyStatus
from workflows.recruitment.models import Outcome


def test_a_lawful_case_runs_all_steps_to_archive(walk):
    steps = []
    while walk.open_task() is not None:
        steps.append(walk.step())
    person = walk.case.subject
    person.refresh_from_db()
    dossier = walk.dossier
    assert dossier.outcome == Outcome.FULL_MEMBER
    assert person.party_status == PartyStatus.FULL
    assert person.membership_started_on == dossier.probation_ends_on
    assert len(steps) == 26  # 24 numbered steps after the application, plus 2 publicity
    assert verify(chain=f"case:{walk.case.pk}").ok
