from django.urls import include, path

from . import views
from .backoffice import paper

app_name = "onestop"

urlpatterns = [
    path("", views.home, name="home"),
    path("ho-so/<int:dossier_id>/bieu-mau/<str:form>/", paper.staff_form_pdf, name="form_pdf"),
    path("so-theo-doi/", paper.register, name="register"),
    path("", include("onestop.backoffice.urls")),
    path("", include("onestop.postal.urls")),
    path("", include("onestop.satisfaction.urls")),
    path("", include("onestop.statistics.urls")),
]
