"""A township organiser narrows their inbox to one branch by typing its name."""

from playwright.sync_api import expect

from core.organisations.picker import as_text


def test_organiser_picks_a_branch_to_filter_the_inbox(page_as, county, start_probe):
    village = start_probe("dongcheng_village")
    community = start_probe("dongcheng_community_1")
    page = page_as("dc_organiser")

    page.goto("/")
    expect(page.locator(f"a[href='/cases/{village.pk}/']")).not_to_have_count(0)
    box = page.locator("#id_organisation")
    box.press_sequentially("社区", delay=50)
    suggestions = page.locator("datalist#id_organisation-suggestions option")
    expect(suggestions).not_to_have_count(0)
    wanted = county.orgs["dongcheng_community_1"]
    values = [suggestions.nth(i).get_attribute("value") for i in range(suggestions.count())]
    assert as_text(wanted) in values
    # Taking a suggestion writes its value into the box (the datalist's pop-up is
    # the browser's own, out of the headless keyboard's reach).
    box.fill(as_text(wanted))
    page.click("form.filters button")
    page.wait_for_url("**/?*organisation=*")
    expect(page.locator(f"a[href='/cases/{community.pk}/']")).not_to_have_count(0)
    expect(page.locator(f"a[href='/cases/{village.pk}/']")).to_have_count(0)
