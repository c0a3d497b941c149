from django import forms
from django.core.validators import FileExtensionValidator
from django.utils.translation import gettext_lazy as _

from core.imports.models import ImportKind

MAX_UPLOAD_BYTES = 50 * 1024 * 1024


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the spreadsheet holds"), choices=ImportKind.choices)
    file = forms.FileField(
        label=_("Spreadsheet (.xlsx)"),
        validators=[FileExtensionValidator(["xlsx"])],
        help_text=_("Fill in the template for that kind; the first sheet is read."),
    )
    dry_run = forms.BooleanField(
        label=_("Dry run: check every row and import nothing"), required=False, initial=True
    )

    def __init__(self, *args, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k, ImportKind(k).label) for k in kinds]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 50 MB."))
        return upload
