"""The vetting demo: a Dongcheng batch under review with one department finding."""

from core.flowkit.selectors import inbox
from workflows.vetting.demo import load_vetting_demo
from workflows.vetting.models import Referral, Verdict


def test_the_demo_leaves_one_batch_in_review_with_one_finding(county):
    demo = load_vetting_demo(county)
    referrals = Referral.objects.filter(batch__case=demo.batch)
    assert referrals.count() == 12
    assert referrals.filter(answered_on__isnull=False).count() == 2
    finding = Verdict.objects.get(item__isnull=False)
    assert (finding.item.code, finding.candidate.person) == ("N9c", county.people["member_b"])
    assert inbox(demo.reviewers["police"]).count() == 1
    assert not inbox(demo.reviewers["court"]).exists()
