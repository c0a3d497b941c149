"""The organisation tree, staff and branch members of a generated province.

province committee -> city committees -> county committees (each with its
organisation department and discipline commission) -> township committees
(which hold approval authority, R1.20) -> village/community/school/enterprise
branches. Users are the township organisers and secretaries, two organisation-
department staff per county, auditors at province and city level, and branch
secretaries for as many branches as the user count allows; cases are only
placed at branches that have a secretary (someone must act for them).
"""

import random
from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone
from stdnum.cn import ric

from core.demo import DEMO_PASSWORD
from core.organisations.models import Domain, Organisation, OrganisationKind, Tier
from core.people import crypto, idnumber
from core.people.choices import Discipline, Education, Gender, Occupation, PartyStatus
from core.people.models import Person
from core.roles.catalogue import Role

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红梅林晓东文辉鹏飞玉兰春燕海波婷宇浩然子涵欣怡思远佳琪俊杰雨萱"
DOMAINS = [Domain.VILLAGE, Domain.COMMUNITY, Domain.SCHOOL, Domain.ENTERPRISE, Domain.INSTITUTION]
REGIONS = [
    f"{p}{c:02d}{d:02d}" for p in (33, 34, 36, 41, 43) for c in (1, 2, 3) for d in range(1, 13)
]


@dataclass
class Branch:
    """A branch where cases are placed, with the people who act for it."""

    id: int
    path: str
    township: int
    county: int
    department: int
    secretary: int  # user id
    members: list  # person ids of its full members, in key order (the secretary first)


@dataclass
class Province:
    orgs: int = 0
    branches: list = field(default_factory=list)
    # township id -> [organiser, secretary] user ids; county id -> two staff user ids
    township_users: dict = field(default_factory=dict)
    county_users: dict = field(default_factory=dict)
    # (user id, person id, role, organisation id, scope id) for every role to grant
    roles: list = field(default_factory=list)
    names: dict = field(default_factory=dict)  # user id -> full name
    users: int = 0
    people: int = 0


class People:
    """Person rows with valid, unique, encrypted resident ID numbers."""

    def __init__(self, writer, ids, rng, regions=REGIONS[:20]):
        # Processes writing people at once draw from disjoint region codes, so
        # their numbers cannot collide; `seen` keeps each process's own unique.
        self.writer, self.ids, self.rng, self.regions = writer, ids, rng, regions
        self.seen = set()
        self.count = 0

    def name(self):
        rng = self.rng
        return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))

    def id_number(self, birth, gender):
        while True:
            serial = self.rng.randrange(500) * 2 + (1 if gender == Gender.MALE else 0)
            body = f"{self.rng.choice(self.regions)}{birth:%Y%m%d}{serial:03d}"
            number = body + ric.calc_check_digit(body + "0")
            if number not in self.seen:
                self.seen.add(number)
                return number

    def add(self, *, org, birth, status, occupation, user=None, name=None, started=None):
        pk = self.ids.take(Person)
        gender = self.rng.choice((Gender.MALE, Gender.FEMALE))
        number = self.id_number(birth, gender)
        self.writer.add(
            Person,
            (
                pk,
                name or self.name(),
                gender,
                "汉族",
                birth,
                self.rng.choice(list(Education.values)),
                occupation,
                crypto.encrypt(number),
                crypto.digest(number),
                idnumber.mask(number),
                status,
                Discipline.NONE,
                org,
                user,
                started,
            ),
        )
        self.count += 1
        return pk


def _shape(orgs):
    """Cities, counties per city, townships per county and branches per township
    adding up to about `orgs` organisations (50,000 gives 14/8/14/~30)."""
    cities = max(1, min(14, orgs // 3500))
    counties = max(1, min(8, orgs // (cities * 450)))
    townships = max(1, min(14, orgs // (cities * counties * 32)))
    fixed = 1 + cities + cities * counties * (3 + townships)
    branches = max(2, (orgs - fixed) // (cities * counties * townships))
    return cities, counties, townships, branches


def regions_of(worker):
    """Region codes for the people written by copying process `worker` (0-3)."""
    return REGIONS[20 + worker * 40 : 20 + (worker + 1) * 40]


def build(writer, ids, *, orgs, users, seed=1):
    """Write the tree, the users and their people; return the Province plan."""
    rng = random.Random(seed)
    province = Province()
    people = People(writer, ids, rng)
    password = make_password(DEMO_PASSWORD)
    joined = timezone.now()
    user_model = get_user_model()

    def org(name, kind, tier, parent_path, domain=Domain.OTHER, approves=False):
        pk = ids.take(Organisation)
        path = f"{parent_path}{pk}/"
        parent = int(parent_path.strip("/").split("/")[-1]) if parent_path != "/" else None
        writer.add(
            Organisation,
            (pk, name, f"p{pk}", kind, tier, domain, parent, path, approves, False),
        )
        province.orgs += 1
        return pk, path

    def user(prefix, org_id, role, scope=None, occupation=Occupation.CIVIL_SERVANT):
        pk = ids.take(user_model)
        name = people.name()
        writer.add(
            user_model,
            (pk, password, None, False, f"{prefix}{pk}", name, "", "", False, True, joined),
        )
        person = people.add(
            org=org_id,
            birth=date(1965, 1, 1) + rng.randrange(9000) * DAY,
            status=PartyStatus.FULL,
            occupation=occupation,
            user=pk,
            name=name,
            started=date(2000, 7, 1),
        )
        province.roles.append((pk, person, role, org_id, scope or org_id))
        province.names[pk] = name
        province.users += 1
        return pk, person

    C, D, B = OrganisationKind.COMMITTEE, OrganisationKind.DEPARTMENT, OrganisationKind.BRANCH
    cities, counties, townships, branches = _shape(orgs)
    root, root_path = org("中共示范省委员会", C, Tier.COUNTY, "/", approves=True)
    user("auditor_", root, Role.AUDITOR)
    township_ids, branch_rows = [], []
    for c in range(cities):
        city, city_path = org(f"中共第{c + 1}市委员会", C, Tier.COUNTY, root_path, approves=True)
        user("auditor_", city, Role.AUDITOR)
        for k in range(counties):
            county, county_path = org(
                f"中共{c + 1}市第{k + 1}县委员会", C, Tier.COUNTY, city_path, approves=True
            )
            dept, _p = org(f"{c + 1}市{k + 1}县委组织部", D, Tier.COUNTY, county_path, Domain.ORGAN)
            org(f"{c + 1}市{k + 1}县纪委监委", D, Tier.COUNTY, county_path, Domain.ORGAN)
            # County staff act on the whole county (core.roles.catalogue.scope_of).
            province.county_users[county] = [
                user("county_staff_", dept, Role.COUNTY_ORG_STAFF, county)[0] for _ in range(2)
            ]
            for t in range(townships):
                township, township_path = org(
                    f"中共{c + 1}市{k + 1}县第{t + 1}镇委员会",
                    C,
                    Tier.TOWNSHIP,
                    county_path,
                    approves=True,
                )
                township_ids.append(township)
                province.township_users[township] = [
                    user("township_org_", township, Role.TOWNSHIP_ORGANISER)[0],
                    user("township_sec_", township, Role.TOWNSHIP_SECRETARY)[0],
                ]
                for b in range(branches):
                    domain = DOMAINS[b % len(DOMAINS)]
                    pk, path = org(
                        f"{c + 1}市{k + 1}县{t + 1}镇第{b + 1}{domain.label}党支部",
                        B,
                        Tier.GRASSROOTS,
                        township_path,
                        domain,
                    )
                    branch_rows.append((b, pk, path, township, county, dept))
    # Branch secretaries with whatever users are left, spread evenly: the first
    # branch of every township, then the second, and so on.
    branch_rows.sort(key=lambda row: row[0])
    for _b, pk, path, township, county, dept in branch_rows[: max(0, users - province.users)]:
        secretary, secretary_person = user("branch_sec_", pk, Role.BRANCH_SECRETARY)
        members = [secretary_person] + [
            people.add(
                org=pk,
                birth=date(1960, 1, 1) + rng.randrange(12000) * DAY,
                status=PartyStatus.FULL,
                occupation=Occupation.FARMER,
                started=date(2005, 7, 1),
            )
            for _ in range(2)
        ]
        province.branches.append(Branch(pk, path, township, county, dept, secretary, members))
    province.people = people.count
    return province


DAY = date.resolution
