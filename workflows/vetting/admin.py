from django.contrib import admin
from django.forms.models import model_to_dict

from core.audit.chain import append
from workflows.vetting.models import NegativeItem, ReviewingDepartment


class RecordedAdmin(admin.ModelAdmin):
    """Configuration a joint review depends on: every change is in the audit log,
    and rows are switched off, never deleted, so past findings keep their item."""

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        append(
            chain="vetting:configuration",
            action=f"{obj._meta.model_name}_{'changed' if change else 'added'}",
            actor=request.user,
            data={"pk": obj.pk, **model_to_dict(obj)},
        )


@admin.register(ReviewingDepartment)
class ReviewingDepartmentAdmin(RecordedAdmin):
    list_display = ["organisation", "function", "in_joint_review", "active", "order"]
    list_filter = ["function", "in_joint_review", "active"]


@admin.register(NegativeItem)
class NegativeItemAdmin(RecordedAdmin):
    list_display = ["code", "display_label", "look_back_years", "source", "active"]
    list_filter = ["source", "active"]
    search_fields = ["code", "label"]
