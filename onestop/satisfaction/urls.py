"""The back office's evaluation pages under /mot-cua/ (names in the "onestop" namespace)."""

from django.urls import path

from . import views

urlpatterns = [
    path("ho-so/<int:dossier_id>/danh-gia/", views.counter_record, name="evaluation_counter"),
    path("ho-so/<int:dossier_id>/danh-gia/tra-loi/", views.answer, name="evaluation_answer"),
]
