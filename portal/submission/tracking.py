"""/tra-cuu/: public tracking by dossier code + the applicant's phone (or the last 4 ID digits)."""

from __future__ import annotations

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from onestop.client_ip import client_ip
from onestop.submission import selectors

from .forms import TrackForm
from .labels import citizen_events

# At most this many lookups per client address per window: the verifier is short, so guessing
# must be slow (a code is public on paper; the phone or ID digits are the secret).
TRACK_LIMIT = 10
TRACK_WINDOW_SECONDS = 600


def client_address(request: HttpRequest) -> str:
    """Behind a trusted reverse proxy, the citizen's address from X-Forwarded-For (onestop/client_ip.py)."""
    return client_ip(request)


def rate_allowed(request: HttpRequest, *, scope: str, limit: int, window: int) -> bool:
    """At most `limit` requests of this kind (`scope`) per client address per `window` seconds."""
    key = f"{scope}-rate:{client_address(request)}"
    if cache.add(key, 1, window):
        return True
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, window)
        return True
    return count <= limit


def track_allowed(request: HttpRequest) -> bool:
    return rate_allowed(request, scope="track", limit=TRACK_LIMIT, window=TRACK_WINDOW_SECONDS)


@never_cache
def track(request: HttpRequest) -> HttpResponse:
    form = TrackForm(request.POST or None, initial={"code": request.GET.get("ma", "")})
    context: dict = {"form": form}
    status = 200
    if request.method == "POST" and form.is_valid():
        if not track_allowed(request):
            context["limited"] = True
            status = 429
        else:
            dossier = selectors.dossier_track(code=form.cleaned_data["code"], verifier=form.cleaned_data["verifier"])
            if dossier is None:
                context["not_found"] = True
            else:
                from onestop.postal.selectors import shipment_events_public

                shipment, shipment_events = shipment_events_public(dossier=dossier)
                from .evaluation import tracking_context

                context.update(
                    dossier=dossier,
                    events=citizen_events(dossier),
                    shipment=shipment,
                    shipment_events=shipment_events,
                    **tracking_context(dossier),
                )
    return render(request, "portal/submission/track.html", context, status=status)
