from django.urls import path

from core.imports import views

app_name = "imports"

urlpatterns = [
    path("", views.index, name="index"),
    path("templates/<str:kind>.xlsx", views.template, name="template"),
    path("jobs/<int:pk>/", views.job_detail, name="job"),
    path("jobs/<int:pk>/progress.json", views.job_progress, name="progress"),
    path("jobs/<int:pk>/report.xlsx", views.job_report, name="report"),
    path("jobs/<int:pk>/import/", views.import_for_real, name="import"),
]
