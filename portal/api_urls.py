"""/api/v1/ — one router for every app's read API."""

from rest_framework.routers import DefaultRouter

from procedures.api import AgencyViewSet, ProcedureViewSet, SectorViewSet

router = DefaultRouter()
router.register("procedures", ProcedureViewSet, basename="procedure")
router.register("sectors", SectorViewSet, basename="sector")
router.register("agencies", AgencyViewSet, basename="agency")

urlpatterns = router.urls
