from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .access import staff_required
from .selectors import back_office_summary


@staff_required
def home(request: HttpRequest) -> HttpResponse:
    """The back office's home: the user's queues with their first dossiers, and their roles."""
    from .backoffice.views import home_context

    return render(
        request,
        "onestop/home.html",
        {"memberships": back_office_summary(user=request.user), **home_context(request)},
    )
