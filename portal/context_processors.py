from django.conf import settings
from django.utils.functional import SimpleLazyObject


def site(request):
    from onestop.province import province
    from onestop.selectors import user_is_staff_member

    user = getattr(request, "user", None)
    return {
        "PROVINCE": province(),  # name, emblem, hotline, address (settings PROVINCE_*)
        "PROVINCE_NAME": settings.PROVINCE_NAME,
        "OIDC_ENABLED": settings.OIDC_ENABLED,
        # Lazy: evaluated (one query) only by templates that show the back-office link.
        "is_staff_member": SimpleLazyObject(lambda: bool(user and user_is_staff_member(user=user))),
    }
