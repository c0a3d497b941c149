from django.urls import path

from core.auditing import views

app_name = "auditing"

urlpatterns = [
    path("", views.index, name="index"),
    path("compliance/", views.compliance, name="compliance"),
    path("cases/<int:pk>/", views.case_detail, name="case"),
]
# One export view per subject, for each format.
for fmt in ("xlsx", "pdf"):
    urlpatterns += [
        path(f"export.{fmt}", views.result_export, {"fmt": fmt}, name=f"export-{fmt}"),
        path(f"cases/<int:pk>/export.{fmt}", views.case_export, {"fmt": fmt}, name=f"case-{fmt}"),
    ]
