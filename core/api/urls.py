from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from core.api import views

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("cases/", views.CaseList.as_view(), name="api-case-list"),
    path("cases/<int:pk>/", views.CaseDetail.as_view(), name="api-case-detail"),
    path("cases/<int:pk>/history/", views.CaseHistory.as_view(), name="api-case-history"),
    path("tasks/", views.TaskList.as_view(), name="api-task-list"),
    path("tasks/<int:pk>/take/", views.TaskTake.as_view(), name="api-task-take"),
    path("tasks/<int:pk>/release/", views.TaskRelease.as_view(), name="api-task-release"),
    path("tasks/<int:pk>/hand-over/", views.TaskHandOver.as_view(), name="api-task-hand-over"),
    path("recruitment/", include("workflows.recruitment.api")),
    path("rectification/", include("workflows.rectification.api")),
    path("vetting/", include("workflows.vetting.api")),
    path("oversight/", include("core.oversight.api")),
]
