"""A small demo county: organisations of several domains, people in every role.

Used by `manage.py load_demo` (the embedded web app) and by the tests, so the
permission tests run against the same shape of data people will click through.
"""

from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth import get_user_model
from stdnum.cn import ric

from core.organisations.models import Domain, Organisation, OrganisationKind, Tier
from core.people.choices import Education, Gender, Occupation, PartyStatus
from core.people.models import Person
from core.roles import services as roles
from core.roles.catalogue import Role

DEMO_PASSWORD = "partyflow-demo"


def make_id_number(birth: date, serial: int, region="110105", gender=Gender.MALE) -> str:
    """A well-formed resident ID number (region code, birth date, serial, check digit)."""
    order = serial * 2 + (1 if gender == Gender.MALE else 0)
    body = f"{region}{birth:%Y%m%d}{order % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


@dataclass
class DemoCounty:
    orgs: dict = field(default_factory=dict)
    users: dict = field(default_factory=dict)
    people: dict = field(default_factory=dict)


def add_organisation(
    county, key, name, kind, tier, parent=None, domain=Domain.OTHER, approves=False
):
    org = Organisation.objects.create(
        name=name,
        code=key,
        kind=kind,
        tier=tier,
        parent=county.orgs.get(parent),
        domain=domain,
        can_approve_members=approves,
    )
    county.orgs[key] = org
    return org


def add_person(
    county,
    key,
    name,
    org_key,
    *,
    birth,
    status=PartyStatus.FULL,
    gender=Gender.MALE,
    education=Education.BACHELOR,
    occupation=Occupation.FARMER,
    username=None,
):
    person = Person(
        name=name,
        gender=gender,
        birth_date=birth,
        education=education,
        occupation=occupation,
        party_status=status,
        organisation=county.orgs[org_key],
    )
    person.set_id_number(make_id_number(birth, len(county.people) + 1, gender=gender))
    if username:
        user = get_user_model().objects.create_user(
            username=username, password=DEMO_PASSWORD, first_name=name
        )
        person.user = user
        county.users[username] = user
    person.save()
    county.people[key] = person
    return person


def build_demo_county() -> DemoCounty:
    county = DemoCounty()
    C, G, B, P, D = (
        OrganisationKind.COMMITTEE,
        OrganisationKind.GENERAL_BRANCH,
        OrganisationKind.BRANCH,
        OrganisationKind.GROUP,
        OrganisationKind.DEPARTMENT,
    )
    add_organisation(county, "county", "中共示范县委员会", C, Tier.COUNTY, approves=True)
    add_organisation(
        county, "org_dept", "中共示范县委组织部", D, Tier.COUNTY, "county", Domain.ORGAN
    )
    add_organisation(county, "discipline", "示范县纪委监委", D, Tier.COUNTY, "county", Domain.ORGAN)
    add_organisation(county, "police", "示范县公安局", D, Tier.COUNTY, "county", Domain.ORGAN)
    for t, tname in (("dongcheng", "东城镇"), ("xishan", "西山乡")):
        add_organisation(county, t, f"中共{tname}委员会", C, Tier.TOWNSHIP, "county", approves=True)
        add_organisation(
            county,
            f"{t}_village",
            f"{tname}{'东村' if t == 'dongcheng' else '石门村'}党支部",
            B,
            Tier.GRASSROOTS,
            t,
            Domain.VILLAGE,
        )
        add_organisation(
            county,
            f"{t}_village_group1",
            f"{tname}村第一党小组",
            P,
            Tier.GRASSROOTS,
            f"{t}_village",
            Domain.VILLAGE,
        )
        add_organisation(
            county,
            f"{t}_community",
            f"{tname}和平社区党总支",
            G,
            Tier.GRASSROOTS,
            t,
            Domain.COMMUNITY,
        )
        add_organisation(
            county,
            f"{t}_community_1",
            f"{tname}和平社区第一党支部",
            B,
            Tier.GRASSROOTS,
            f"{t}_community",
            Domain.COMMUNITY,
        )
        add_organisation(
            county, f"{t}_school", f"{tname}中心学校党支部", B, Tier.GRASSROOTS, t, Domain.SCHOOL
        )
        add_organisation(
            county,
            f"{t}_enterprise",
            f"{tname}红星机械厂党支部",
            B,
            Tier.GRASSROOTS,
            t,
            Domain.ENTERPRISE,
        )

    staff = [
        ("dc_branch_sec", "李建国", "dongcheng_village", Role.BRANCH_SECRETARY, date(1975, 3, 2)),
        ("dc_branch_org", "王秀英", "dongcheng_village", Role.BRANCH_ORGANISER, date(1982, 7, 9)),
        (
            "dc_community_sec",
            "赵敏",
            "dongcheng_community_1",
            Role.BRANCH_SECRETARY,
            date(1979, 1, 5),
        ),
        ("xs_branch_sec", "张德明", "xishan_village", Role.BRANCH_SECRETARY, date(1970, 11, 23)),
        ("dc_organiser", "陈晓东", "dongcheng", Role.TOWNSHIP_ORGANISER, date(1985, 5, 17)),
        ("dc_secretary", "刘志强", "dongcheng", Role.TOWNSHIP_SECRETARY, date(1972, 9, 30)),
        ("xs_organiser", "孙丽", "xishan", Role.TOWNSHIP_ORGANISER, date(1988, 2, 14)),
        ("county_staff", "周文华", "org_dept", Role.COUNTY_ORG_STAFF, date(1980, 4, 1)),
        ("discipline_officer", "吴刚", "discipline", Role.DEPARTMENT_REVIEWER, date(1983, 8, 8)),
        ("auditor", "郑审", "county", Role.AUDITOR, date(1977, 12, 12)),
    ]
    for username, name, org_key, role, birth in staff:
        person = add_person(
            county,
            username,
            name,
            org_key,
            birth=birth,
            occupation=Occupation.CIVIL_SERVANT,
            username=username,
        )
        roles.grant_role(
            actor=None,
            person=person,
            role=role,
            organisation=county.orgs[org_key],
            starts_on=date(2024, 1, 1),
        )

    members = [
        ("member_a", "马永红", "dongcheng_village", date(1965, 6, 1), PartyStatus.FULL),
        ("member_b", "何春梅", "dongcheng_village", date(1990, 10, 3), PartyStatus.FULL),
        ("member_c", "黄立新", "dongcheng_village", date(1994, 4, 21), PartyStatus.PROBATIONARY),
        ("applicant_a", "林小军", "dongcheng_village", date(2001, 3, 15), PartyStatus.APPLICANT),
        ("applicant_b", "徐静", "xishan_village", date(1999, 8, 30), PartyStatus.APPLICANT),
        ("masses_a", "罗强", "dongcheng_village", date(2003, 1, 9), PartyStatus.MASSES),
    ]
    for key, name, org_key, birth, status in members:
        add_person(county, key, name, org_key, birth=birth, status=status)
    return county
