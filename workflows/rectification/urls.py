from django.urls import path

from workflows.rectification import views

# The namespace is the flows' app label: shared pages link here through it
# ("task" and "case" serve all three flows: round, check and rectification).
app_name = "rectification"

urlpatterns = [
    path("", views.index, name="index"),
    path("rounds/open/", views.round_open, name="round-open"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("rounds/<int:pk>/refer/", views.refer, name="refer"),
    path("tasks/<int:pk>/", views.step, name="task"),
    path("cases/<int:pk>/", views.case_detail, name="case"),
    path("problems/<int:pk>/report/", views.report_problem, name="problem-report"),
    path("problems/<int:pk>/check/", views.check_problem, name="problem-check"),
    path("ledger/", views.ledger_page, name="ledger"),
    path("ledger.xlsx", views.ledger_xlsx, name="ledger-xlsx"),
    path("look-back/draw/", views.look_back_draw, name="look-back-draw"),
    path("documents/<int:pk>/", views.document, name="document"),
]
