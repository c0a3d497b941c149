"""§1.5 (annual plan): what may be entered, each rule passing and refusing."""

from datetime import date

import pytest

from core.flowkit.errors import RuleViolation
from core.oversight import rules
from core.oversight.charts import PLOT, Bar, Chart, Row


@pytest.mark.django_db
def test_plan_organisation_is_a_township_or_a_branch(county):
    for key in ("dongcheng", "dongcheng_village", "dongcheng_community"):
        rules.check_plan_organisation(county.orgs[key])
    for key in ("county", "dongcheng_village_group1", "org_dept"):
        with pytest.raises(RuleViolation) as refused:
            rules.check_plan_organisation(county.orgs[key])
        assert refused.value.rule == "§1.5"


def test_plan_year_at_most_next_year():
    rules.check_plan_year(2027, date(2026, 11, 21))
    rules.check_plan_year(2020, date(2026, 11, 21))
    with pytest.raises(RuleViolation):
        rules.check_plan_year(2028, date(2026, 11, 21))


def test_plan_structure_within_the_planned_number():
    rules.check_plan_structure(5, 5, None)
    with pytest.raises(RuleViolation):
        rules.check_plan_structure(5, None, 6)


@pytest.mark.django_db
def test_poor_village_is_a_village_branch(county):
    rules.check_poor_village(county.orgs["dongcheng_village"])
    for key in ("dongcheng_school", "dongcheng_village_group1"):
        with pytest.raises(RuleViolation):
            rules.check_poor_village(county.orgs[key])


def test_bars_are_scaled_to_the_widest_value_or_target():
    chart = Chart(
        "k",
        "t",
        "d",
        [Row("a", [Bar(4, "4", "cases")], target=8), Row("b", [Bar(2, "2", "cases")])],
    )
    first, second = chart.rows
    assert first.bars[0].width == PLOT / 2
    assert second.bars[0].width == PLOT / 4
    assert first.target_x == chart.plot_x + PLOT
    assert second.y > first.y + first.height
