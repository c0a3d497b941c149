"""Rectification in the demo county: a 2024 screening round and its two listed organisations.

`load_rectification_demo(county)` takes the DemoCounty of core.demo and
- gives every branch without one a secretary who can log in (the round asks
  each organisation for its self-check), and the Dongcheng school branch a
  secretary whose term ended in September 2023, so PartyFlow proposes W1;
- opens the annual round on 2024-03-01; the police's referral of the
  Dongcheng village branch (W7) is recorded by the county;
- takes every check through the three levels: the village branch is
  confirmed with W7, PartyFlow's W5 and the township's W4, the school branch
  with W1; everyone else is dismissed with a reason;
- lists both; the village branch goes through forces, plan, problems closed,
  a failed then a passed acceptance, delisting and, in September 2025, a
  look-back that finds the results held; the school branch is left in
  rectification with its problems open.
"""

from datetime import date

from core.demo import add_person
from core.organisations.models import OrganisationKind
from core.roles import services as roles
from core.roles.catalogue import Role
from core.roles.models import RoleAssignment
from workflows.rectification import services
from workflows.rectification.models import Department, RoundKind
from workflows.rectification.scenario import CaseWalk, ScreeningWalk

ROUND_OPENED = date(2024, 3, 1)
STAFFED_FROM = date(2024, 1, 1)
SECRETARY_NAMES = ["钱学文", "冯玉兰", "陈国栋", "褚红霞", "卫东升", "蒋春燕", "沈立军", "韩冬梅"]


def staff_branches(county):
    """A secretary with a login for every branch and general branch that has none.

    The Dongcheng school branch instead gets a secretary whose term ended on
    2023-09-30 and an organising member who logs in, so its post is vacant.
    """
    names = iter(SECRETARY_NAMES)
    branches = [
        key
        for key, org in county.orgs.items()
        if org.kind in (OrganisationKind.BRANCH, OrganisationKind.GENERAL_BRANCH)
    ]
    for key in branches:
        org = county.orgs[key]
        if RoleAssignment.objects.filter(organisation=org).exists():
            continue
        if key == "dongcheng_school":
            former = add_person(
                county, f"{key}_former_sec", next(names), key, birth=date(1968, 5, 4)
            )
            roles.grant_role(
                actor=None,
                person=former,
                role=Role.BRANCH_SECRETARY,
                organisation=org,
                starts_on=date(2019, 1, 1),
                ends_on=date(2023, 9, 30),
            )
            role, username = Role.BRANCH_ORGANISER, f"{key}_org"
        else:
            role, username = Role.BRANCH_SECRETARY, f"{key}_sec"
        person = add_person(
            county, username, next(names), key, birth=date(1978, 6, 1), username=username
        )
        roles.grant_role(
            actor=None, person=person, role=role, organisation=org, starts_on=STAFFED_FROM
        )


def load_rectification_demo(county):
    staff_branches(county)
    orgs, users = county.orgs, county.users
    village, school = orgs["dongcheng_village"], orgs["dongcheng_school"]
    round_case = services.open_round(
        actor=users["county_staff"],
        county=orgs["county"],
        kind=RoundKind.ANNUAL,
        opened_on=ROUND_OPENED,
        text="关于开展2024年度软弱涣散基层党组织排查整顿工作的通知。",
    )
    services.refer(
        actor=users["county_staff"],
        screening=round_case.screeninground,
        organisation=village,
        department=orgs["police"],
        department_kind=Department.POLICE,
        code="W7",
        received_on=date(2024, 3, 5),
        text="县公安局移交：该村存在“村霸”干扰村务问题线索。",
    )
    walk = ScreeningWalk(
        round_case,
        targets={
            village.pk: [
                {"code": "W4", "statement": "2023年下半年未召开支部党员大会，主题党日流于形式。"}
            ],
            school.pk: [],
        },
    )
    walk.verify_all()
    listed = {case.organisation_id: case for case in walk.decide()}
    village_case, school_case = listed[village.pk], listed[school.pk]
    CaseWalk(village_case).until()
    CaseWalk(school_case).until(stop_before="rectify")
    return round_case
