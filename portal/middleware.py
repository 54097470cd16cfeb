"""Vietnamese first: the language comes from the visitor's own choice (the switch's cookie), else
Vietnamese — never from the browser's Accept-Language, which on many Vietnamese computers says English."""

import logging
import time

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

request_log = logging.getLogger("portal.request")


class VietnameseFirstLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _ in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class RequestContextMiddleware:
    """What code deep below a view and the log lines need of the request being served.

    * the request id (portal/observability.py): from a sane incoming ``X-Request-ID``, else new; in
      every log line of the request and of the tasks it queues; echoed in the response header;
    * the scheme and host the visitor used, for absolute links and QR codes in what goes back to
      them (onestop/links.py);
    * with LOG_REQUESTS, one log line per request (method, path, status, duration, client address).
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        from onestop.links import serving

        from .observability import new_request_id, request_id_var, sane_request_id

        request_id = sane_request_id(request.META.get("HTTP_X_REQUEST_ID")) or new_request_id()
        request.request_id = request_id
        token = request_id_var.set(request_id)
        started = time.monotonic()
        try:
            with serving(request):
                response = self.get_response(request)
            response["X-Request-ID"] = request_id
            if settings.LOG_REQUESTS:
                self._log(request, response, started)
            return response
        finally:
            request_id_var.reset(token)

    @staticmethod
    def _log(request, response, started: float) -> None:
        from onestop.client_ip import client_ip

        request_log.info(
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round((time.monotonic() - started) * 1000, 1),
                "client_ip": client_ip(request),
            },
        )


class NoStoreForSignedInMiddleware:
    """Nothing shown to a signed-in person is kept by a browser or a shared cache (their dossiers,
    PDFs, profile, the API): `Cache-Control: no-store, private` unless the view chose otherwise."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            from django.utils.cache import patch_cache_control

            patch_cache_control(response, no_store=True, private=True)
        return response
