from django.urls import path

from . import views

app_name = "procedures"

urlpatterns = [
    path("thu-tuc/", views.procedure_list, name="list"),
    path("thu-tuc/<str:code>/", views.procedure_detail, name="detail"),
    path("thu-tuc/<str:code>/mau/<int:document_id>/", views.document_template, name="template"),
    path("co-quan/<str:code>/", views.agency_detail, name="agency"),
    path("linh-vuc/<str:code>/", views.sector_detail, name="sector"),
]
