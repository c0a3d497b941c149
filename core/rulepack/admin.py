from django.contrib import admin

from core.audit.chain import append
from core.rulepack.models import RulePack


@admin.register(RulePack)
class RulePackAdmin(admin.ModelAdmin):
    """Packs are added, never changed: each addition is written to the audit log."""

    list_display = ("version", "effective_from", "note", "created_by", "created_at")
    # Filled in from the request: a required choice of user on the form would be overwritten.
    readonly_fields = ("created_by",)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        obj.created_by = request.user
        super().save_model(request, obj, form, change)
        append(
            chain="rulepack",
            action="rulepack_added",
            actor=request.user,
            data={
                "version": obj.version,
                "effective_from": obj.effective_from,
                "values": obj.values,
            },
        )
