from django.contrib import admin

from core.audit.chain import append
from workflows.rectification.models import Situation


@admin.register(Situation)
class SituationAdmin(admin.ModelAdmin):
    """The county's list of situations: reworded, added or retired (never deleted, since
    findings and problems name them); each change is written to the audit log."""

    list_display = ("code", "name", "evidence", "detector", "active", "order")
    list_filter = ("active", "evidence")
    ordering = ("order", "code")

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        append(
            chain="rectification:situations",
            action="situation_changed" if change else "situation_added",
            actor=request.user,
            data={
                "situation": obj.pk,
                "code": obj.code,
                "name": obj.name,
                "evidence": obj.evidence,
                "detector": obj.detector,
                "active": obj.active,
                "changed": form.changed_data,
            },
        )
