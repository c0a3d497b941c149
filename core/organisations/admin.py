from django.contrib import admin

from core.organisations.models import Organisation


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "tier", "domain", "can_approve_members"]
    list_filter = ["kind", "tier", "domain", "can_approve_members"]
    search_fields = ["name", "code"]
    raw_id_fields = ["parent"]
