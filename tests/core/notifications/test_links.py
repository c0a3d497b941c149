"""Links in notices and inboxes: the same URLs reverse() gives, for every key."""

from django.urls import reverse, set_script_prefix

from core.notifications.links import procedure_url
from workflows.recruitment.flows import RecruitmentFlow
from workflows.vetting.flows import SecretaryFilingFlow


def test_a_procedure_link_is_what_reverse_gives_for_each_key():
    for pk in (1, 7, 42, 700, 98765):
        assert procedure_url(RecruitmentFlow, "case", pk) == reverse("recruitment:case", args=[pk])
        assert procedure_url(RecruitmentFlow, "task", pk) == reverse("recruitment:task", args=[pk])


def test_a_procedure_without_such_a_page_has_no_link():
    assert procedure_url(SecretaryFilingFlow, "no-such-page", 5) is None


def test_a_site_under_a_path_links_under_it():
    set_script_prefix("/partyflow/")
    try:
        assert procedure_url(RecruitmentFlow, "case", 12) == "/partyflow/recruitment/cases/12/"
    finally:
        set_script_prefix("/")
    assert procedure_url(RecruitmentFlow, "case", 12) == reverse("recruitment:case", args=[12])
