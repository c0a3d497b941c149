"""The header offers each user the procedures and workspaces their roles reach."""

import pytest


@pytest.mark.parametrize(
    ("username", "shown", "hidden"),
    [
        ("dc_branch_sec", {"recruitment", "rectification", "imports"}, {"oversight", "auditing"}),
        ("dc_organiser", {"recruitment", "oversight", "imports"}, {"auditing"}),
        ("county_staff", {"recruitment", "oversight", "auditing", "imports"}, set()),
        ("auditor", {"recruitment", "auditing"}, {"oversight", "imports"}),
        ("discipline_officer", {"vetting", "rectification"}, {"recruitment", "auditing"}),
    ],
)
def test_the_menu_follows_the_roles(county, client_as, username, shown, hidden):
    response = client_as(county.users[username]).get("/")
    menu = response.context["menu"]
    assert shown <= menu
    assert not hidden & menu
    html = response.content.decode()
    for link in shown:
        assert f'href="/{link}/"' in html
    for link in hidden:
        assert f'href="/{link}/"' not in html


def test_nobody_logged_in_gets_no_menu(client):
    assert client.get("/login/").context["menu"] == set()
