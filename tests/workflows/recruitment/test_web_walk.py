"""A whole case from application to archive through the pages, as each role clicks it."""

from datetime import date

import pytest
from django.utils import translation
from viewflow.workflow.models import Task

from core.audit.chain import verify
from core.flowkit.selectors import OPEN
from core.people.choices import PartyStatus
from tests.workflows.recruitment.test_api import body
from workflows.recruitment import rules, scenario
from workflows.recruitment.models import Dossier, Outcome, RecordKind


@pytest.fixture(autouse=True)
def _keep_language():
    with translation.override(translation.get_language()):
        yield


def _form_data(data):
    return {key: value for key, value in data.items() if value is not None and value is not False}


def test_a_case_runs_from_application_to_archive_through_the_pages(county, client_as, actors):
    clients = {user: client_as(user) for user in vars(actors).values()}
    branch = county.orgs["dongcheng_village"]
    person = county.people["applicant_a"]
    response = clients[actors.branch].post(
        f"/recruitment/start/?branch={branch.pk}",
        {"person": person.pk, "applied_on": "2023-06-01", "text": "入党申请书。"},
    )
    assert response.status_code == 302
    case = person.cases.get()
    walk = scenario.Walk(case, actors)
    done = []
    while (task := Task.objects.filter(process_id=case.pk, status__in=OPEN).first()) is not None:
        name = task.flow_task.name
        client = clients[actors.for_step(task)]
        inbox = client.get("/").context["tasks"]
        assert task.pk in [row["task"].pk for row in inbox], name
        if name == "cultivate":
            activist_on = walk.dossier.activist_on
            for months in (5, 10):
                response = client.post(
                    f"/recruitment/cases/{case.pk}/records/",
                    {
                        "kind": RecordKind.EVALUATION,
                        "dated": rules.add_months(activist_on, months).isoformat(),
                        "text": "考察情况良好。",
                    },
                )
                assert response.status_code == 302
        assert client.get(f"/recruitment/tasks/{task.pk}/").status_code == 200
        response = client.post(f"/recruitment/tasks/{task.pk}/", _form_data(body(walk, name)))
        assert response.status_code == 302, (name, response.content.decode()[:2000])
        done.append(name)
    dossier = Dossier.objects.get(case_id=case.pk)
    person.refresh_from_db()
    assert dossier.outcome == Outcome.FULL_MEMBER
    assert person.party_status == PartyStatus.FULL
    assert person.membership_started_on == dossier.probation_ends_on
    assert dossier.probation_ends_on == rules.probation_ends(dossier.admission_meeting_on)
    assert len(done) == 26
    assert verify(chain=f"case:{case.pk}").ok
    assert dossier.applied_on == date(2023, 6, 1)
