"""The figures of a township's oversight page, read from a built data set."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from core.oversight import services
from core.oversight.selectors import _admissions_at_or_below, open_cases, township_figures
from core.rulepack.models import RulePack


def figures_of(township, year):
    return township_figures(township, year, timezone.localdate())


def pack(**values):
    return RulePack.objects.create(
        version=RulePack.objects.count() + 1,
        effective_from=timezone.localdate() - timedelta(days=1),
        values=values,
        note="oversight test",
    )


@pytest.mark.django_db
def test_cases_by_stage_with_the_overdue_counted_and_listed_first(township, county):
    figures = figures_of(township, township.admitted_on.year)
    assert figures["cases"]["open"] == 4  # two admitted, two applications; 西山's is not here
    assert figures["cases"]["overdue"] == 1
    stages = {stage["stage"].split(" · ")[0]: stage for stage in figures["cases"]["stages"]}
    assert stages["1"]["cases"] == 2
    assert stages["1"]["overdue"] == 1
    assert stages["4"]["cases"] == 2
    assert stages["4"]["overdue"] == 0
    assert sum(stage["cases"] for stage in stages.values()) == figures["cases"]["open"]
    first = open_cases(township, timezone.localdate()).first()
    assert first.pk == county.cases["overdue"].pk
    assert first.overdue is True


@pytest.mark.django_db
def test_the_other_township_counts_only_its_own_case(township, county):
    figures = figures_of(county.orgs["xishan"], township.admitted_on.year)
    assert figures["cases"]["open"] == 1
    assert figures["cases"]["overdue"] == 1  # applied 90 days ago, nobody talked to them
    assert figures["plan"]["township"]["admitted"] == 0
    assert figures["structure"]["admitted"] == 0
    assert figures["structure"]["young"]["met"] is None  # no share without admissions


@pytest.mark.django_db
def test_plan_against_admissions_counted_in_the_year_of_approval(township, county):
    year = township.admitted_on.year
    village = county.orgs["dongcheng_village"]
    services.enter_plan(
        actor=county.users["county_staff"], organisation=township, year=year, planned=5
    )
    services.enter_plan(
        actor=county.users["dc_organiser"],
        organisation=village,
        year=year,
        planned=3,
        planned_young=2,
        planned_educated=3,
    )
    plan = figures_of(township, township.admitted_on.year)["plan"]
    assert (plan["township"]["planned"], plan["township"]["admitted"]) == (5, 2)
    row = next(row for row in plan["branches"] if row["id"] == village.pk)
    assert (row["planned"], row["planned_young"], row["planned_educated"]) == (3, 2, 3)
    assert row["admitted"] == 2
    # The year before: no plan entered and nobody approved yet.
    before = figures_of(township, year - 1)["plan"]
    assert (before["township"]["planned"], before["township"]["admitted"]) == (None, 0)


@pytest.mark.django_db
def test_structure_shares_against_the_rule_pack_targets(township):
    structure = figures_of(township, township.admitted_on.year)["structure"]
    assert structure["admitted"] == 2
    # applicant_a (born 2001, bachelor) and 郭大山 (born 1970, junior high).
    assert structure["young"] == {"count": 1, "share": 50.0, "target": 70, "met": False}
    assert structure["educated"] == {"count": 1, "share": 50.0, "target": 70, "met": False}
    pack(**{"oversight.young_share_percent": 50})
    structure = figures_of(township, township.admitted_on.year)["structure"]
    assert structure["young"]["met"] is True
    assert structure["young"]["target"] == 50
    assert structure["educated"]["met"] is False


@pytest.mark.django_db
def test_idle_branches_use_the_w5_threshold(township, county):
    idle = figures_of(township, township.admitted_on.year)["idle"]
    names = {row["name"] for row in idle["branches"]}
    assert idle["years"] == 2
    assert county.orgs["dongcheng_village"].name not in names  # admitted within two years
    assert {county.orgs[k].name for k in ("dongcheng_school", "dongcheng_community_1")} <= names
    assert all(row["last_admission"] is None for row in idle["branches"])
    # The approvals were over a year ago: with a one-year threshold the village is idle too.
    assert timezone.localdate() - township.admitted_on > timedelta(days=366)
    pack(**{"rectification.no_development_years": 1})
    idle = figures_of(township, township.admitted_on.year)["idle"]
    village = next(
        row for row in idle["branches"] if row["id"] == county.orgs["dongcheng_village"].pk
    )
    assert village["last_admission"] == township.admitted_on.isoformat()


@pytest.mark.django_db
def test_each_poor_village_against_the_minimum(township, county):
    for key in ("dongcheng_village", "xishan_village"):
        services.list_poor_village(
            actor=county.users["county_staff"], organisation=county.orgs[key], listed=True
        )
    ours = figures_of(township, township.admitted_on.year)["poor_villages"]
    assert ours == {
        "minimum": 1,
        "villages": [
            {
                "id": county.orgs["dongcheng_village"].pk,
                "name": county.orgs["dongcheng_village"].name,
                "admitted": 2,
                "met": True,
            }
        ],
    }
    theirs = figures_of(county.orgs["xishan"], township.admitted_on.year)["poor_villages"][
        "villages"
    ]
    assert [(v["admitted"], v["met"]) for v in theirs] == [(0, False)]
    pack(**{"oversight.poor_village_minimum": 3})
    assert (
        figures_of(township, township.admitted_on.year)["poor_villages"]["villages"][0]["met"]
        is False
    )


def test_a_subtree_sums_its_own_paths_and_not_a_sibling_sharing_digits():
    by_path = {
        "/1/7/": (1, date(2024, 3, 1)),
        "/1/7/42/": (2, date(2025, 6, 1)),
        "/1/70/": (5, date(2026, 1, 1)),  # /1/70/ is not under /1/7/
        "/1/7/43/": (0, None),
    }
    assert _admissions_at_or_below("/1/7/", by_path) == (3, date(2025, 6, 1))
    assert _admissions_at_or_below("/1/7/43/", by_path) == (0, None)
    assert _admissions_at_or_below("/9/", by_path) == (0, None)
