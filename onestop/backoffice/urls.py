"""Back-office pages under /mot-cua/, in the "onestop" namespace.

Included from onestop/urls.py with ``path("", include("onestop.backoffice.urls"))`` (no app_name
here: the names stay ``onestop:queue``, ``onestop:dossier``…).
"""

from django.urls import path

from . import counter_views, views

urlpatterns = [
    path("hang-doi/<slug:slug>/", views.queue, name="queue"),
    path("hang-doi/cho-phan-cong/phan-cong/", views.bulk_assign, name="bulk_assign"),
    path("ho-so/<int:dossier_id>/", views.dossier_detail, name="dossier"),
    # The notifications link by public id: reverse("onestop:dossier", kwargs={"public_id": …}) works too.
    path("ho-so/<uuid:public_id>/", views.dossier_detail, name="dossier"),
    path("ho-so/<uuid:public_id>/", views.dossier_detail, name="dossier_public"),
    path("ho-so/<int:dossier_id>/thao-tac/<slug:action>/", views.dossier_action, name="dossier_action"),
    path("tiep-nhan-truc-tiep/", counter_views.counter, name="counter"),
]
