from django.db import models
from django.utils.translation import gettext_lazy as _


class Gender(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class Education(models.TextChoices):
    POSTGRADUATE = "postgraduate", _("Postgraduate")
    BACHELOR = "bachelor", _("Bachelor's degree")
    JUNIOR_COLLEGE = "junior_college", _("Junior college")
    SECONDARY_VOCATIONAL = "secondary_vocational", _("Secondary vocational school")
    HIGH_SCHOOL = "high_school", _("High school")
    JUNIOR_HIGH_OR_BELOW = "junior_high_or_below", _("Junior high school or below")


class Occupation(models.TextChoices):
    WORKER = "worker", _("Worker")
    FARMER = "farmer", _("Farmer, herdsman or fisherman")
    ENTERPRISE_STAFF = "enterprise_staff", _("Enterprise manager or technician")
    INSTITUTION_STAFF = "institution_staff", _("Public institution staff")
    CIVIL_SERVANT = "civil_servant", _("Party or government staff")
    STUDENT = "student", _("Student")
    SOLDIER = "soldier", _("Soldier or armed police")
    NEW_SOCIAL_STRATUM = "new_social_stratum", _("New social stratum")
    RETIRED = "retired", _("Retired")
    OTHER = "other", _("Other")


class PartyStatus(models.TextChoices):
    MASSES = "masses", _("Non-member")  # 群众
    APPLICANT = "applicant", _("Applicant")  # 入党申请人
    ACTIVIST = "activist", _("Activist")  # 入党积极分子
    DEVELOPMENT_OBJECT = "development_object", _("Development object")  # 发展对象
    PROBATIONARY = "probationary", _("Probationary member")  # 预备党员
    FULL = "full", _("Full member")  # 正式党员


class Discipline(models.TextChoices):
    NONE = "none", _("None in force")
    PROBATION_WITHIN_PARTY = (
        "probation_within_party",
        _("Probation within the party, rights not restored"),
    )  # 留党察看，尚未恢复党员权利
    MEMBERSHIP_SUSPENDED = "membership_suspended", _("Membership suspended")  # 停止党籍


# The 56 officially recognised ethnic groups (proper names, not translated).
ETHNICITIES = [
    "汉族",
    "蒙古族",
    "回族",
    "藏族",
    "维吾尔族",
    "苗族",
    "彝族",
    "壮族",
    "布依族",
    "朝鲜族",
    "满族",
    "侗族",
    "瑶族",
    "白族",
    "土家族",
    "哈尼族",
    "哈萨克族",
    "傣族",
    "黎族",
    "傈僳族",
    "佤族",
    "畲族",
    "高山族",
    "拉祜族",
    "水族",
    "东乡族",
    "纳西族",
    "景颇族",
    "柯尔克孜族",
    "土族",
    "达斡尔族",
    "仫佬族",
    "羌族",
    "布朗族",
    "撒拉族",
    "毛南族",
    "仡佬族",
    "锡伯族",
    "阿昌族",
    "普米族",
    "塔吉克族",
    "怒族",
    "乌孜别克族",
    "俄罗斯族",
    "鄂温克族",
    "德昂族",
    "保安族",
    "裕固族",
    "京族",
    "塔塔尔族",
    "独龙族",
    "鄂伦春族",
    "赫哲族",
    "门巴族",
    "珞巴族",
    "基诺族",
]
