"""/api/v1/ — one router for every app's read API."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from portal.submission.api import MyDossierViewSet, TrackView
from procedures.api import AgencyViewSet, ProcedureViewSet, SectorViewSet

router = DefaultRouter()
router.register("procedures", ProcedureViewSet, basename="procedure")
router.register("sectors", SectorViewSet, basename="sector")
router.register("agencies", AgencyViewSet, basename="agency")
router.register("me/dossiers", MyDossierViewSet, basename="my-dossier")

urlpatterns = [
    path("dossiers/track/", TrackView.as_view(), name="dossier-track"),
    path("", include("onestop.postal.api_urls")),  # the post's systems: token clients with scopes
    *router.urls,
]
