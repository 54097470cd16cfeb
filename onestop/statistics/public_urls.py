from django.urls import path

from .public_views import public_statistics

urlpatterns = [path("thong-ke/", public_statistics, name="public_statistics")]
