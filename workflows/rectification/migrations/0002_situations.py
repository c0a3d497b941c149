"""Seed the weak-and-lax situations W1–W10 in the wording of domain-rules.md §2.2.

The wording is the Chinese of the sources (data the county may edit, not
interface text). W7, W8 and W10 are confirmed on a department's referral;
W1 and W5 are proposed by PartyFlow from its records; W4 would be, once
organisational life is recorded.
"""

from django.db import migrations

SITUATIONS = [
    ("W1", "班子配备不齐、书记长期缺职、工作处于停滞状态", "书记缺职超过3个月", "statement", "secretary_vacancy"),
    ("W2", "书记不胜任现职、工作不在状态、严重影响班子整体战斗力", "考核评价结果", "statement", ""),
    ("W3", "班子不团结、内耗严重、工作不能正常开展", "考核评价结果", "statement", ""),
    (
        "W4",
        "组织制度形同虚设、不开展组织活动",
        "未按《支部工作条例》开展三会一课、主题党日、组织生活会、民主评议",
        "statement",
        "organisational_life",
    ),
    ("W5", "发展党员工作停滞", "2年以上未发展党员", "statement", "no_development"),
    ("W6", "村务、财务管理混乱，民主管理不落实", "审计或“三资”检查发现", "statement", ""),
    ("W7", "宗族宗教和黑恶势力干扰渗透严重，存在“村霸”", "政法、公安部门移交", "referral", ""),
    ("W8", "社会治安问题和信访矛盾集中", "信访部门移交", "referral", ""),
    ("W9", "服务意识差、服务能力弱、群众意见大", "群众满意度低于60%或年度考核末位", "statement", ""),
    ("W10", "换届选举拉票贿选问题突出", "纪检监察机关查处换届违纪", "referral", ""),
]


def seed(apps, schema_editor):
    Situation = apps.get_model("rectification", "Situation")
    for order, (code, name, test, evidence, detector) in enumerate(SITUATIONS, start=1):
        Situation.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "test": test,
                "evidence": evidence,
                "detector": detector,
                "order": order,
            },
        )


def unseed(apps, schema_editor):
    Situation = apps.get_model("rectification", "Situation")
    Situation.objects.filter(code__in=[row[0] for row in SITUATIONS]).delete()


class Migration(migrations.Migration):
    dependencies = [("rectification", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
