"""What the site header offers: each procedure's and workspace's link, shown to
the users whose roles reach it (the pages check again; this only hides links
that would answer 403)."""

from core.roles.scope import codenames_held

# link -> any of these permissions shows it
MENU = {
    "recruitment": {"view_cases"},
    "rectification": {"view_cases", "review_for_department"},
    "vetting": {"view_cases", "review_for_department"},
    "oversight": {"review_for_township", "file_for_county"},
    "auditing": {"read_audit"},
    "imports": {"act_for_branch", "review_for_township", "file_for_county"},
}


def menu(request):
    held = codenames_held(request.user)
    return {"menu": {link for link, needs in MENU.items() if needs & held}}
