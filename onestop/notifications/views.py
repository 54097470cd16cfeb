"""Pages: the citizen's channel choices and the staff's in-app messages. Thin: parse, call, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..access import staff_required
from .forms import NotificationPreferenceForm
from .selectors import inbox_for, preference_for
from .services import notification_preference_update, notifications_mark_read


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    current = preference_for(user=request.user)
    initial = {"email": current.email, "sms": current.sms, "language": current.language}
    form = NotificationPreferenceForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        notification_preference_update(user=request.user, **form.cleaned_data)
        messages.success(request, _("Your notification choices have been saved."))
        return redirect("notifications:preferences")
    return render(request, "onestop/notifications_preferences.html", {"form": form})


@staff_required
def inbox(request: HttpRequest) -> HttpResponse:
    page = Paginator(inbox_for(user=request.user), 30).get_page(request.GET.get("page"))
    return render(request, "onestop/notifications.html", {"page": page})


@staff_required
@require_POST
def mark_read(request: HttpRequest) -> HttpResponse:
    """POST `id` (repeatable) marks those messages read; `all` marks every one."""
    if request.POST.get("all"):
        notifications_mark_read(user=request.user)
    else:
        ids = [int(value) for value in request.POST.getlist("id") if value.isdigit()]
        notifications_mark_read(user=request.user, ids=ids)
    return redirect("notifications:inbox")
