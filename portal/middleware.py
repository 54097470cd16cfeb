"""Vietnamese first: the language comes from the visitor's own choice (the switch's cookie), else
Vietnamese — never from the browser's Accept-Language, which on many Vietnamese computers says English."""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class VietnameseFirstLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _ in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class RequestContextMiddleware:
    """What code deep below a view may need of the request being served, without passing it down.

    Today: the scheme and host the visitor used, for absolute links and QR codes in what goes back
    to them (onestop/links.py).
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        from onestop.links import serving

        with serving(request):
            return self.get_response(request)
