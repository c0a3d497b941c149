"""Cases in progress are replayed through the recruitment services."""

from viewflow.workflow.models import Task

from core.audit.models import AuditEvent
from core.flowkit.selectors import OPEN
from core.imports.kinds import recruitment as r
from core.imports.models import ImportKind, JobState
from core.people.choices import PartyStatus
from tests.core.imports.conftest import reasons
from workflows.recruitment.models import Dossier, Recruitment

KIND = ImportKind.RECRUITMENT


def case_row(person, branch="dongcheng_village", **dates):
    return {
        r.ID_NUMBER: person.id_number,
        r.NAME: person.name,
        r.BRANCH: branch,
        r.APPLIED: "2023-06-01",
        "谈话日期": "2023-06-11",
        **dates,
    }


def cultivated(county, **later):
    """An activist since 2023-10-01 with contacts, two evaluations and a year of cultivation."""
    contacts = f"{county.people['member_a'].id_number}、{county.people['member_b'].id_number}"
    return {
        "确定入党积极分子日期": "2023-10-01",
        "积极分子备案日期": "2023-10-06",
        "培养联系人身份证号": contacts,
        "指定培养联系人日期": "2023-10-06",
        "半年考察日期": "2024-03-01、2024-08-01",
        "培养考察完成日期": "2024-10-01",
        **later,
    }


def open_step(person):
    case = Recruitment.objects.get(subject=person)
    return case, Task.objects.get(process=case, status__in=OPEN).flow_task.name


def test_cases_are_replayed_up_to_their_step(county, run_import):
    masses, applicant = county.people["masses_a"], county.people["applicant_a"]
    rows = [
        case_row(masses),
        case_row(applicant, **cultivated(county, 确定发展对象日期="2024-10-02")),
    ]
    organiser = county.users["dc_organiser"]
    job = run_import(organiser, KIND, rows, dry_run=False)
    assert (job.state, job.rows_imported, job.report) == (JobState.SUCCEEDED, 2, [])

    case, step = open_step(masses)
    assert step == "choose_activist"
    assert str(Dossier.objects.get(case=case).talked_on) == "2023-06-11"

    case, step = open_step(applicant)
    assert step == "file_development_object"
    dossier = Dossier.objects.get(case=case)
    assert (str(dossier.activist_on), str(dossier.development_object_on)) == (
        "2023-10-01",
        "2024-10-02",
    )
    applicant.refresh_from_db()
    assert applicant.party_status == PartyStatus.DEVELOPMENT_OBJECT
    # The same events as steps done on the pages, each saying it came from the import;
    # a branch step is done by the branch's role holder, the township's by the importer.
    events = AuditEvent.objects.filter(case=case, action="task_completed")
    assert {e.step for e in events} >= {"talk", "choose_activist", "file_activist", "cultivate"}
    assert all(f"#{job.pk}" in e.opinion for e in events)
    assert events.get(step="file_activist").actor == organiser
    assert events.get(step="talk").actor_role in ("branch_secretary", "branch_organiser")


def test_histories_that_break_a_rule_are_bad_rows_and_nothing_is_kept(county, run_import):
    people = county.people
    cases_before, events_before = Recruitment.objects.count(), AuditEvent.objects.count()
    rows = [
        case_row(people["masses_a"]),
        # R1.3: the talk two months after the application, no reason given.
        case_row(people["applicant_a"], 谈话日期="2023-08-01"),
        # R1.9: a development object after eight months as an activist.
        case_row(
            people["member_c"],
            **cultivated(
                county,
                半年考察日期="2024-03-01",
                培养考察完成日期="2024-05-01",
                确定发展对象日期="2024-06-01",
            ),
        ),
        # A step dated after one left empty.
        case_row(people["dc_branch_org"], 谈话日期="", 确定入党积极分子日期="2023-10-01"),
        case_row(people["auditor"], **{r.APPLIED: "2023-02-30"}),
        # Another township's branch.
        case_row(people["applicant_b"], branch="xishan_village"),
    ]
    job = run_import(county.users["dc_organiser"], KIND, rows, dry_run=False)
    assert job.state == JobState.FAILED
    found = reasons(job)
    assert found[(3, "谈话日期")].startswith("[R1.3]")
    # member_c is already a probationary member: R1.1 refuses a new application.
    assert found[(4, r.APPLIED)].startswith("[R1.1]")
    assert "谈话日期" in found[(5, "确定入党积极分子日期")]
    assert "2023-02-30" in found[(6, r.APPLIED)]
    assert (7, r.BRANCH) in found
    assert {bad["row"] for bad in job.report} == {3, 4, 5, 6, 7}
    assert Recruitment.objects.count() == cases_before
    assert AuditEvent.objects.count() == events_before + 1  # the import's own event


def test_a_development_object_before_a_year_is_refused_by_r1_9(county, run_import):
    rows = [
        case_row(
            county.people["masses_a"],
            **cultivated(
                county,
                半年考察日期="2024-03-01",
                培养考察完成日期="2024-05-01",
                确定发展对象日期="2024-06-01",
            ),
        )
    ]
    job = run_import(county.users["dc_organiser"], KIND, rows)
    assert list(reasons(job)) == [(2, "确定发展对象日期")]
    assert reasons(job)[(2, "确定发展对象日期")].startswith("[R1.9]")
    assert not Recruitment.objects.filter(subject=county.people["masses_a"]).exists()


def test_a_probationary_member_s_history_is_replayed_through_the_oath(county, run_import):
    applicant = county.people["applicant_a"]
    sponsors = f"{county.people['member_a'].id_number}、{county.people['member_b'].id_number}"
    history = cultivated(
        county,
        确定发展对象日期="2024-10-02",
        发展对象备案日期="2024-10-07",
        入党介绍人身份证号=sponsors,
        确定入党介绍人日期="2024-10-08",
        政治审查结论日期="2024-11-02",
        集中培训开始日期="2024-11-04",
        集中培训结束日期="2024-11-06",
        发展对象公示开始日期="2024-11-11",
        发展对象公示结束日期="2024-11-26",
        支委会审查日期="2024-11-28",
        上级党委预审日期="2024-12-01",
        填写入党志愿书日期="2024-12-04",
        接收预备党员支部大会日期="2024-12-11",
        接收预备党员表决="4/4/4/0/0",
        党委谈话日期="2024-12-21",
        党委审批日期="2025-01-10",
        党委审批表决="7/7",
        县委组织部备案日期="2025-01-15",
        编入党小组日期="2025-01-16",
        入党宣誓日期="2025-01-17",
    )
    job = run_import(county.users["dc_organiser"], KIND, [case_row(applicant, **history)], False)
    assert (job.state, job.report) == (JobState.SUCCEEDED, [])
    case, step = open_step(applicant)
    assert step == "probation"
    dossier = Dossier.objects.get(case=case)
    assert (str(dossier.admission_meeting_on), str(dossier.approved_on)) == (
        "2024-12-11",
        "2025-01-10",
    )
    applicant.refresh_from_db()
    assert applicant.party_status == PartyStatus.PROBATIONARY
