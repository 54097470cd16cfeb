"""Included at the site root (portal/urls.py): path("", include("onestop.notifications.urls"))."""

from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("tai-khoan/thong-bao/", views.preferences, name="preferences"),
    path("mot-cua/thong-bao/", views.inbox, name="inbox"),
    path("mot-cua/thong-bao/da-doc/", views.mark_read, name="mark_read"),
]
