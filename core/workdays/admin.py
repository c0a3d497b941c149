from django.contrib import admin

from core.workdays.models import OfficialSchedule, ScheduleDay


class ScheduleDayInline(admin.TabularInline):
    model = ScheduleDay
    extra = 0
    fields = ["date", "kind", "name"]


@admin.register(OfficialSchedule)
class OfficialScheduleAdmin(admin.ModelAdmin):
    list_display = ["year", "source", "entered_by", "entered_at"]
    fields = ["year", "source", "entered_by", "entered_at"]
    readonly_fields = ["entered_by", "entered_at"]
    inlines = [ScheduleDayInline]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.entered_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(ScheduleDay)
class ScheduleDayAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "name", "schedule"]
    list_filter = ["kind", "schedule"]
    date_hierarchy = "date"
