from django.urls import path

from workflows.recruitment import views

# The namespace is the flow's app label: shared pages link here through it.
app_name = "recruitment"

urlpatterns = [
    path("", views.index, name="index"),
    path("start/", views.start, name="start"),
    path("tasks/<int:pk>/", views.step, name="task"),
    path("cases/<int:pk>/", views.case_detail, name="case"),
    path("cases/<int:pk>/records/", views.add_record, name="record-add"),
    path("cases/<int:pk>/transfer/", views.transfer, name="transfer"),
    path("cases/<int:pk>/chart.svg", views.chart_svg, name="chart"),
    path("cases/<int:pk>/record.xlsx", views.full_record, name="record-xlsx"),
    path("documents/<int:pk>/", views.document, name="document"),
]
