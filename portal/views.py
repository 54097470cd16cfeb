from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from onestop.selectors import user_is_staff_member

from .forms import ProfileForm
from .services import user_update_profile


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html")


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
