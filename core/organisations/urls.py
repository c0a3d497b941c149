from django.urls import path

from core.organisations import views

app_name = "organisations"

urlpatterns = [
    path("lookup/", views.lookup, name="lookup"),
]
