from django.urls import path

from workflows.vetting import views

# The namespace is the flows' app label: shared pages link here through it.
app_name = "vetting"

urlpatterns = [
    path("", views.index, name="index"),
    path("start/batch/", views.start_batch, name="start-batch"),
    path("start/secretary/", views.start_secretary, name="start-secretary"),
    path("start/selection/", views.start_selection, name="start-selection"),
    path("start/reserve/", views.start_reserve, name="start-reserve"),
    path("appointments/new/", views.appoint, name="appoint"),
    path("tasks/<int:pk>/", views.step, name="task"),
    path("cases/<int:pk>/", views.case_detail, name="case"),
    path("cases/<int:pk>/objections/", views.raise_objection, name="objection-add"),
    path("cases/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("objections/<int:pk>/resolve/", views.resolve_objection, name="objection-resolve"),
]
