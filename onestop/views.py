from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .access import access_scope, staff_required


@staff_required
def home(request: HttpRequest) -> HttpResponse:
    """The back office's home: the user's queues with their first dossiers, and their roles."""
    from .backoffice.views import home_context

    return render(
        request,
        "onestop/home.html",
        {"memberships": access_scope(request.user).memberships(), **home_context(request)},
    )
