from django.contrib import admin

from core.roles.models import RoleAssignment


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    """Read-only: roles change through core.roles.services so that grants and
    the audit log follow."""

    list_display = ["person", "role", "organisation", "starts_on", "ends_on"]
    list_filter = ["role"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
