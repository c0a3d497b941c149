"""Cadre-vetting demo data on top of core.demo's county.

`load_vetting_demo(county)` adds the county departments of a joint review
(§3a: twelve), one reviewer in each, and leaves one Dongcheng batch under
review: the discipline body has answered (all clear), the court has found
one candidate on the list of dishonest judgment debtors, the others are
still due.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils import timezone
from viewflow.workflow.status import STATUS

from core.demo import add_person
from core.organisations.models import Domain, Organisation, OrganisationKind, Tier
from core.people.choices import Occupation, PartyStatus
from core.roles import services as roles
from core.roles.catalogue import Role
from workflows.vetting import rules, services
from workflows.vetting.flows import DepartmentReviewFlow, JointReviewFlow
from workflows.vetting.models import (
    Candidate,
    DepartmentFunction,
    Post,
    Purpose,
    Referral,
    ReviewingDepartment,
)

F = DepartmentFunction
# function -> (organisation key in the demo county, name, reviewer's username, name)
DEPARTMENTS = {
    F.DISCIPLINE: ("discipline", "示范县纪委监委", "discipline_officer", None),
    F.ORGANISATION: ("org_dept", "中共示范县委组织部", "organisation_officer", "钱组审"),
    F.PUBLICITY: ("publicity_dept", "中共示范县委宣传部", "publicity_officer", "孙宣"),
    F.POLITICAL_LEGAL: (
        "political_legal",
        "中共示范县委政法委员会",
        "political_legal_officer",
        "李政",
    ),
    F.POLICE: ("police", "示范县公安局", "police_officer", "周警"),
    F.PROCURATORATE: ("procuratorate", "示范县人民检察院", "procuratorate_officer", "吴检"),
    F.COURT: ("court", "示范县人民法院", "court_officer", "郑法"),
    F.JUSTICE: ("justice", "示范县司法局", "justice_officer", "王司"),
    F.PETITIONS: ("petitions", "示范县信访局", "petitions_officer", "冯访"),
    F.HEALTH: ("health", "示范县卫生健康局", "health_officer", "陈卫"),
    F.CIVIL_AFFAIRS: ("civil_affairs", "示范县民政局", "civil_affairs_officer", "褚民"),
    F.AGRICULTURE: ("agriculture", "示范县农业农村局", "agriculture_officer", "卫农"),
}


@dataclass
class VettingDemo:
    departments: dict = field(default_factory=dict)  # function -> ReviewingDepartment
    reviewers: dict = field(default_factory=dict)  # function -> User
    batch: object = None


def _department(county, function, order):
    key, name, username, reviewer_name = DEPARTMENTS[function]
    organisation = county.orgs.get(key)
    if organisation is None:
        organisation = Organisation.objects.create(
            name=name,
            code=key,
            kind=OrganisationKind.DEPARTMENT,
            tier=Tier.COUNTY,
            parent=county.orgs["county"],
            domain=Domain.ORGAN,
        )
        county.orgs[key] = organisation
    if username not in county.users:
        person = add_person(
            county,
            username,
            reviewer_name,
            key,
            birth=date(1985, 6, 1),
            occupation=Occupation.CIVIL_SERVANT,
            username=username,
        )
        roles.grant_role(
            actor=None,
            person=person,
            role=Role.DEPARTMENT_REVIEWER,
            organisation=organisation,
            starts_on=date(2024, 1, 1),
        )
    department = ReviewingDepartment.objects.create(
        organisation=organisation, function=function, order=order
    )
    return department, county.users[username]


def add_departments(county) -> VettingDemo:
    """The twelve reviewing departments of the demo county, each with a reviewer."""
    demo = VettingDemo()
    for order, function in enumerate(DEPARTMENTS, 1):
        demo.departments[function], demo.reviewers[function] = _department(county, function, order)
    return demo


def load_vetting_demo(county, today=None) -> VettingDemo:
    today = today or timezone.localdate()
    demo = add_departments(county)

    newcomer = add_person(
        county,
        "candidate_c",
        "周大勇",
        "dongcheng_village",
        birth=date(1986, 5, 20),
        status=PartyStatus.MASSES,
    )
    people = county.people
    candidates = [
        (people["member_a"], Post.SECRETARY),
        (people["member_b"], Post.DIRECTOR),
        (newcomer, Post.VILLAGERS_COMMITTEE_MEMBER),
    ]
    batch = services.submit_batch(
        actor=county.users["dc_organiser"],
        village=county.orgs["dongcheng_village"],
        purpose=Purpose.ELECTION,
        candidates=candidates,
        submitted_on=today - timedelta(days=10),
        text="东村“两委”换届候选人初步人选，已经村级自查、镇级初审。",
        today=today,
    )
    services.complete(
        actor=county.users["county_staff"],
        task=batch.task_set.get(flow_task=JointReviewFlow.dispatch, status=STATUS.NEW),
        dispatched_on=today - timedelta(days=8),
        today=today,
    )
    demo.batch = batch
    candidate_ids = {c.person_id: c.pk for c in Candidate.objects.filter(batch__case=batch)}
    _answer(demo, F.DISCIPLINE, candidate_ids, {}, today - timedelta(days=3), today)
    finding = rules.Answer(
        candidate=candidate_ids[people["member_b"].pk],
        item="N9c",
        evidence="（2024）示执字第118号，列入失信被执行人名单，至今未履行。",
    )
    _answer(
        demo, F.COURT, candidate_ids, {finding.candidate: finding}, today - timedelta(days=2), today
    )
    return demo


def _answer(demo, function, candidate_ids, findings, answered_on, today):
    referral = Referral.objects.get(batch__case=demo.batch, department=demo.departments[function])
    task = referral.case.task_set.get(flow_task=DepartmentReviewFlow.review, status=STATUS.NEW)
    answers = [
        findings.get(pk)
        or rules.Answer(candidate=pk, evidence="经查询本系统，未发现负面清单所列情形。")
        for pk in candidate_ids.values()
    ]
    services.complete(
        actor=demo.reviewers[function],
        task=task,
        answered_on=answered_on,
        answers=answers,
        today=today,
    )
