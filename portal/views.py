import logging
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control

from onestop.selectors import user_is_staff_member
from procedures.selectors import sectors_with_published_counts

from .forms import ProfileForm
from .services import user_update_profile

logger = logging.getLogger(__name__)


FAVICON = Path(__file__).resolve().parent.parent / "static" / "img" / "favicon.ico"


@cache_control(max_age=86400, public=True)
def favicon(request: HttpRequest) -> HttpResponse:
    """/favicon.ico, which browsers and bookmarks ask for whatever the page links."""
    return HttpResponse(FAVICON.read_bytes(), content_type="image/x-icon")


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    """The branded 404 page; under /api/ the JSON answer the OpenAPI schema documents."""
    if request.path.startswith("/api/"):
        from django.http import JsonResponse
        from django.utils.translation import gettext as _

        return JsonResponse({"detail": _("Not found.")}, status=404)
    from django.views.defaults import page_not_found as django_page_not_found

    return django_page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """The branded 500 page, with the site's context; a bare page if even that fails (database down)."""
    request_id = getattr(request, "request_id", "")
    try:
        return render(request, "500.html", {"request_id": request_id}, status=500)
    except Exception:
        logger.exception("the 500 page itself failed to render")
        body = (
            '<!DOCTYPE html><html lang="vi"><meta charset="utf-8"><title>Lỗi hệ thống</title>'
            "<h1>Xin lỗi, hệ thống đang gặp sự cố</h1><p>Vui lòng thử lại sau ít phút.</p>"
            f'<p><a href="/">Về trang chủ</a></p><p>Mã tham chiếu: {escape(request_id)}</p></html>'
        )
        return HttpResponse(body, status=500)


@cache_control(max_age=86400, public=True)
def robots_txt(request: HttpRequest) -> HttpResponse:
    """Crawlers may read the catalogue, never the back office or accounts (also the bench's trivial view)."""
    lines = [
        "User-agent: *",
        "Disallow: /mot-cua/",
        "Disallow: /accounts/",
        "Disallow: /tai-khoan/",
        "Disallow: /admin/",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html", {"sectors": sectors_with_published_counts()})


@login_required
def after_login(request: HttpRequest) -> HttpResponse:
    """Staff land on the back office, citizens on their account page."""
    if user_is_staff_member(user=request.user):
        return redirect("onestop:home")
    return redirect("portal:profile")


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user_update_profile(user=request.user, **form.cleaned_data)
        messages.success(request, _("Your profile has been saved."))
        return redirect("portal:profile")
    return render(request, "portal/profile.html", {"form": form})
