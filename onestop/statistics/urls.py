from django.urls import path

from . import views

urlpatterns = [
    path("thong-ke/", views.statistics_page, name="statistics"),
    path("thong-ke/thoi-gian-xu-ly/", views.statistics_times, name="statistics_times"),
    path("thong-ke/bao-cao.pdf", views.statistics_report_pdf, name="statistics_report"),
    path("thong-ke/xuat/<slug:table>.<slug:fmt>", views.statistics_export, name="statistics_export"),
]
