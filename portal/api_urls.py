"""/api/v1/ — one router for every app's read API."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from onestop.statistics.api import ServiceStatisticsView
from portal.submission.api import MyDossierViewSet, TrackView
from procedures.api import AgencyViewSet, ProcedureViewSet, SectorViewSet

router = DefaultRouter()
router.register("procedures", ProcedureViewSet, basename="procedure")
router.register("sectors", SectorViewSet, basename="sector")
router.register("agencies", AgencyViewSet, basename="agency")
router.register("me/dossiers", MyDossierViewSet, basename="my-dossier")

urlpatterns = [
    path("dossiers/track/", TrackView.as_view(), name="dossier-track"),
    path("open-data/service-statistics/", ServiceStatisticsView.as_view(), name="open-data-service-statistics"),
    path("", include("onestop.postal.api_urls")),  # the post's systems: token clients with scopes
    *router.urls,
]
