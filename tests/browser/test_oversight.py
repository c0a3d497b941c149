"""A township organiser's morning look at the township, in chromium."""

import re
from datetime import timedelta

from django.utils import timezone

from core.demo import add_person
from core.people.choices import PartyStatus
from workflows.recruitment import scenario


def test_township_organiser_sees_overdue_cases_first_and_the_charts(page_as, county):
    today, branch = timezone.localdate(), county.orgs["dongcheng_village"]
    secretary = county.users["dc_branch_sec"]
    late = add_person(
        county,
        "late",
        "钱晚",
        "dongcheng_village",
        birth=today.replace(year=2000),
        status=PartyStatus.MASSES,
    )
    # Received first but talked to in time: it must still come after the overdue one.
    scenario.start(county.people["masses_a"], branch, secretary, today - timedelta(days=3))
    overdue = scenario.start(late, branch, secretary, today - timedelta(days=60))

    page = page_as("dc_organiser")
    page.goto("/oversight/")
    page.wait_for_url(f"**/oversight/{county.orgs['dongcheng'].pk}/")
    first = page.locator("#cases tr").nth(1)
    assert first.get_attribute("class") == "overdue"
    assert overdue.title in first.inner_text()
    charts = page.locator("figure.chart svg[role=img]")
    assert charts.count() == 3
    for n in range(3):
        assert charts.nth(n).is_visible()
        assert charts.nth(n).locator("title").first.text_content()
    # The stage chart writes its numbers out: two cases at the talk, one overdue.
    texts = page.locator("figure.chart").first.locator("text").all_text_contents()
    assert [re.match(r"\d+", t).group() for t in texts if t[:1].isdigit()] == ["2", "1"]
