from django.contrib.auth import views as auth_views
from django.urls import path

from core.web import views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation-detail"),
    path("people/<int:pk>/", views.person_detail, name="person-detail"),
    path("people/<int:pk>/id-number/", views.person_id_number, name="person-id-number"),
    path("cases/", views.case_list, name="case-list"),
    path("cases/<int:pk>/", views.case_detail, name="case-detail"),
    path("tasks/<int:pk>/take/", views.task_take, name="task-take"),
    path("tasks/<int:pk>/release/", views.task_release, name="task-release"),
    path("tasks/<int:pk>/hand-over/", views.task_hand_over, name="task-hand-over"),
    path("tasks/file-many/", views.tasks_file_many, name="tasks-file-many"),
    path("audit/", views.audit_status, name="audit-status"),
]
