from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", include("core.api.urls")),
    path("recruitment/", include("workflows.recruitment.urls")),
    path("rectification/", include("workflows.rectification.urls")),
    path("vetting/", include("workflows.vetting.urls")),
    path("notifications/", include("core.notifications.urls")),
    path("oversight/", include("core.oversight.urls")),
    path("auditing/", include("core.auditing.urls")),
    path("imports/", include("core.imports.urls")),
    path("organisations/", include("core.organisations.urls")),
    path("", include("core.web.urls")),
]
