from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .access import staff_required
from .selectors import back_office_summary


@staff_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "onestop/home.html", {"memberships": back_office_summary(user=request.user)})
