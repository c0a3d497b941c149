from django.contrib import admin

from core.people.forms import PersonForm
from core.people.models import Person


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    form = PersonForm
    list_display = ["name", "id_number_masked", "party_status", "organisation"]
    list_filter = ["party_status", "discipline"]
    search_fields = ["name"]
    raw_id_fields = ["organisation", "user"]
