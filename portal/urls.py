from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import verification, views
from .health import healthz, readyz
from .submission.urls import urlpatterns as submission_urls

portal_patterns = (
    [
        path("", views.home, name="home"),
        path("tai-khoan/", views.profile, name="profile"),
        path("tai-khoan/sau-dang-nhap/", views.after_login, name="after_login"),
        *submission_urls,
    ],
    "portal",
)

urlpatterns = [
    path("", include(portal_patterns)),
    path("", include("procedures.urls")),
    path("xac-thuc/", verification.verify_upload, name="verify-upload"),
    path("xac-thuc/<str:code>/", verification.verify_code, name="verify-result"),
    path("", include("onestop.notifications.urls")),
    path("", include("payments.urls")),
    path("", include("onestop.statistics.public_urls")),
    path("mot-cua/", include("onestop.urls")),
    path("api/v1/", include("portal.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("favicon.ico", views.favicon, name="favicon"),
]

handler404 = "portal.views.page_not_found"
handler500 = "portal.views.server_error"
