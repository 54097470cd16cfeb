from django.urls import path

from . import views

app_name = "onestop"

urlpatterns = [
    path("", views.home, name="home"),
]
