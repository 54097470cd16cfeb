from django.urls import path

from . import evaluation, tracking, views

urlpatterns = [
    path("nop-ho-so/<str:code>/", views.apply_start, name="apply"),
    path("ho-so/", views.my_dossiers, name="my_dossiers"),
    path("ho-so/<uuid:public_id>/", views.dossier_detail, name="dossier"),
    path("ho-so/<uuid:public_id>/buoc/<str:step>/", views.wizard, name="wizard"),
    path("ho-so/<uuid:public_id>/xoa/", views.draft_delete, name="draft_delete"),
    path("ho-so/<uuid:public_id>/da-nop/", views.submitted, name="submitted"),
    path("ho-so/<uuid:public_id>/phieu-xac-nhan.pdf", views.confirmation_pdf, name="confirmation_pdf"),
    path("ho-so/<uuid:public_id>/rut/", views.withdraw, name="withdraw"),
    path("ho-so/<uuid:public_id>/bieu-mau/<str:form>/", views.dossier_form_pdf, name="dossier_form"),
    path("ho-so/<uuid:public_id>/bo-sung/", views.supplement, name="supplement"),
    path("ho-so/<uuid:public_id>/tai-lieu/<int:document_id>/", views.dossier_document, name="dossier_document"),
    path("kho-du-lieu/", views.vault, name="vault"),
    path("kho-du-lieu/<int:file_id>/", views.vault_file, name="vault_file"),
    path("ho-so/<uuid:public_id>/danh-gia/", evaluation.evaluate, name="evaluate"),
    path("tra-cuu/", tracking.track, name="track"),
    path("tra-cuu/danh-gia/", evaluation.track_evaluate, name="track_evaluate"),
]
