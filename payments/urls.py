from django.urls import path

from . import reconciliation, sandbox, views

app_name = "payments"

urlpatterns = [
    path("ho-so/<uuid:public_id>/thanh-toan/", views.pay, name="pay"),
    path("ho-so/<uuid:public_id>/bien-lai/<uuid:receipt_id>.pdf", views.receipt_download, name="receipt"),
    path("thanh-toan/vnpay/ipn/", views.vnpay_ipn, name="vnpay_ipn"),
    path("thanh-toan/vnpay/tra-ve/", views.vnpay_return, name="vnpay_return"),
    path("bien-lai/<uuid:public_id>/", views.receipt_verify, name="receipt_verify"),
    # The built-in sandbox gateway (only while PAYMENT_PROVIDER=sandbox).
    path("thanh-toan/sandbox/vpcpay/", sandbox.pay, name="sandbox_pay"),
    path("thanh-toan/sandbox/querydr/", sandbox.querydr, name="sandbox_querydr"),
    # Staff: the agency's payments of a day.
    path("mot-cua/thanh-toan/doi-soat/", reconciliation.day_report, name="reconciliation"),
    path("mot-cua/thanh-toan/doi-soat/<int:payment_id>/hoan-tien/", reconciliation.refund, name="refund"),
]
