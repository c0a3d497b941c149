from django.urls import path

from core.oversight import views

app_name = "oversight"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.township, name="township"),
    path("<int:pk>/data.json", views.data, name="data"),
    path("<int:pk>/plan/", views.plan, name="plan"),
    path("poor-villages/", views.poor_villages, name="poor-villages"),
    path("poor-villages/<int:pk>/", views.poor_village, name="poor-village"),
]
