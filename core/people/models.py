from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.people import crypto, idnumber
from core.people.choices import (
    ETHNICITIES,
    Discipline,
    Education,
    Gender,
    Occupation,
    PartyStatus,
)


class Person(models.Model):
    """Someone the procedures are about or who acts in them.

    The resident ID number is kept only encrypted (`id_number_cipher`), with a
    keyed digest for uniqueness and look-up and a masked form for display;
    `id_number` decrypts it for the few who need the whole number.
    """

    name = models.CharField(_("full name"), max_length=64)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    ethnicity = models.CharField(
        _("ethnicity"), max_length=16, choices=[(e, e) for e in ETHNICITIES], default="汉族"
    )
    birth_date = models.DateField(_("birth date"))
    education = models.CharField(_("education"), max_length=32, choices=Education.choices)
    occupation = models.CharField(
        _("occupation category"), max_length=32, choices=Occupation.choices
    )
    id_number_cipher = models.TextField(editable=False)
    id_number_digest = models.CharField(max_length=64, unique=True, editable=False)
    id_number_masked = models.CharField(_("ID number"), max_length=18, editable=False)
    party_status = models.CharField(
        _("party status"), max_length=24, choices=PartyStatus.choices, default=PartyStatus.MASSES
    )
    discipline = models.CharField(
        _("discipline in force"), max_length=32, choices=Discipline.choices, default=Discipline.NONE
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="people",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
    )
    membership_started_on = models.DateField(
        _("full membership since"),
        null=True,
        blank=True,
        help_text=_("Party age counts from here."),
    )

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["organisation", "party_status"])]

    def __str__(self):
        return f"{self.name}（{self.id_number_masked}）"

    def save(self, *args, **kwargs):
        # Cases keep a copy of their subject's name (Case.subject_name).
        renamed = self.pk is not None and self.name != getattr(self, "_saved_name", None)
        super().save(*args, **kwargs)
        if renamed:
            self.cases.update(subject_name=self.name)
        self._saved_name = self.name

    @classmethod
    def from_db(cls, db, field_names, values):
        person = super().from_db(db, field_names, values)
        person._saved_name = person.__dict__.get("name")
        return person

    @property
    def id_number(self) -> str:
        return crypto.decrypt(self.id_number_cipher) if self.id_number_cipher else ""

    def set_id_number(self, number: str) -> None:
        """Validate against the person's birth date and gender, then encrypt."""
        number = idnumber.validate_id_number(
            number, birth_date=self.birth_date, gender=self.gender or None
        )
        self.store_validated_id_number(number)

    def store_validated_id_number(self, number: str) -> None:
        self.id_number_cipher = crypto.encrypt(number)
        self.id_number_digest = crypto.digest(number)
        self.id_number_masked = idnumber.mask(number)

    def clean(self):
        if not self.id_number_cipher:
            raise ValidationError(_("The resident ID number is required."))

    @classmethod
    def find_by_id_number(cls, number: str):
        return cls.objects.filter(
            id_number_digest=crypto.digest(idnumber.normalise(number))
        ).first()
