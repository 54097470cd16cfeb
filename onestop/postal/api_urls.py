"""/api/v1/shipments/ (included from portal/api_urls.py)."""

from django.urls import path

from .api import ShipmentEventCreate, ShipmentList

urlpatterns = [
    path("shipments/", ShipmentList.as_view(), name="shipment-list"),
    path("shipments/<str:item_number>/events/", ShipmentEventCreate.as_view(), name="shipment-events"),
]
