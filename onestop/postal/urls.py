"""The postal clerk's pages, /mot-cua/buu-chinh/ (names in the "onestop" namespace)."""

from django.urls import path

from . import views

urlpatterns = [
    path("buu-chinh/", views.shipment_list, name="postal_list"),
    path("buu-chinh/quet/", views.scan, name="postal_scan"),
    path("buu-chinh/phieu-gui/", views.slips_batch, name="postal_slips"),
    path("buu-chinh/bang-ke/", views.manifest, name="postal_manifest"),
    path("buu-chinh/<int:pk>/", views.shipment_detail, name="postal_shipment"),
    path("buu-chinh/<int:pk>/phieu-gui.pdf", views.slip, name="postal_slip"),
    path("buu-chinh/ho-so/<int:dossier_id>/phieu-ho-so.pdf", views.intake_slip, name="postal_intake_slip"),
]
