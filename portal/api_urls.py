"""/api/v1/ — one router for every app's read API."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from onestop.integration import api as partner
from onestop.statistics.api import ServiceStatisticsView
from payments.api import PartnerPaymentList
from portal.submission.api import MyDossierViewSet, TrackView

router = DefaultRouter()
# The public catalogue; a partner's token there needs catalogue:read (onestop.integration).
router.register("procedures", partner.CatalogueProcedureViewSet, basename="procedure")
router.register("sectors", partner.CatalogueSectorViewSet, basename="sector")
router.register("agencies", partner.CatalogueAgencyViewSet, basename="agency")
router.register("me/dossiers", MyDossierViewSet, basename="my-dossier")

urlpatterns = [
    path("dossiers/track/", TrackView.as_view(), name="dossier-track"),
    path("open-data/service-statistics/", ServiceStatisticsView.as_view(), name="open-data-service-statistics"),
    path("", include("onestop.postal.api_urls")),  # the post's systems: token clients with scopes
    # Partners' systems (onestop.integration): token clients with scopes, their agencies only.
    path("dossiers/", partner.PartnerDossierList.as_view(), name="partner-dossier-list"),
    path("dossiers/<str:dossier_id>/", partner.PartnerDossierDetail.as_view(), name="partner-dossier"),
    path("dossiers/<str:dossier_id>/notes/", partner.PartnerDossierNote.as_view(), name="partner-dossier-notes"),
    path(
        "dossiers/<str:dossier_id>/documents/",
        partner.PartnerDossierDocument.as_view(),
        name="partner-dossier-documents",
    ),
    path(
        "dossiers/<str:dossier_id>/interagency-results/",
        partner.PartnerDossierInteragencyResult.as_view(),
        name="partner-dossier-interagency-results",
    ),
    path("payments/", PartnerPaymentList.as_view(), name="partner-payment-list"),
    *router.urls,
]
