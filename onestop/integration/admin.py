"""/admin/: partners' systems — API clients (an agency admin creates them for their agencies; the
token is shown once), their call log (read-only), webhook subscriptions (the secret shown once) and
deliveries (read-only, with replay). Registered from onestop/admin.py; scoped like the other agency
admin models (AgencyScopedAdminMixin): an agency admin sees and creates only what belongs to their
agencies and the agencies below them.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ..admin_scoping import AgencyScopedAdminMixin
from ..models import ApiCallLog, ApiClient, ApiScope, WebhookAttempt, WebhookDelivery, WebhookKind, WebhookSubscription
from ..selectors import agencies_administered_by
from .services import api_client_token_issue, api_clients_revoke
from .webhooks.services import SCOPE_OF, subscription_secret_renew, webhook_deliveries_replay
from .webhooks.targets import check_target


def _labels(choices, values) -> str:
    """Stored codes (a JSON list) by their names, an unknown code as it is."""
    return ", ".join(str(choices(v).label) if v in choices.values else v for v in values or [])


class ApiClientForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"), choices=ApiScope.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    new_token = forms.BooleanField(label=_("Issue a new token (the old one stops working)"), required=False)

    class Meta:
        model = ApiClient
        fields = ["name", "agency", "include_subtree", "scopes", "active", "expires_at"]


@admin.register(ApiClient)
class ApiClientAdmin(AgencyScopedAdminMixin, admin.ModelAdmin):
    form = ApiClientForm
    list_display = [
        "name",
        "agency",
        "scope_labels",
        "token_prefix",
        "active",
        "expires_at",
        "revoked_at",
        "last_used_at",
    ]
    list_filter = ["active"]
    list_select_related = ["agency"]
    search_fields = ["name", "token_prefix"]
    readonly_fields = ["token_prefix", "created_by", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # revoked, not deleted: the call log keeps naming it

    @admin.display(description=_("Scopes"))
    def scope_labels(self, obj: ApiClient) -> str:
        return _labels(ApiScope, obj.scopes)

    def save_model(self, request, obj, form, change):
        token = None
        if not change:
            obj.created_by = request.user
        if not change or form.cleaned_data.get("new_token"):
            token = api_client_token_issue(client=obj)
        super().save_model(request, obj, form, change)
        if token:
            messages.warning(
                request,
                _("The token of %(name)s, shown only now — copy it into the partner's system: %(token)s")
                % {"name": obj.name, "token": token},
            )

    @admin.action(description=_("Revoke the selected clients' tokens"), permissions=["change"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiClient]) -> None:
        count = api_clients_revoke(ids=queryset.values_list("pk", flat=True))
        self.message_user(
            request, ngettext("%(count)d client revoked.", "%(count)d clients revoked.", count) % {"count": count}
        )


@admin.register(ApiCallLog)
class ApiCallLogAdmin(AgencyScopedAdminMixin, admin.ModelAdmin):
    agency_field = "client__agency_id"
    list_display = ["at", "client", "scope", "method", "path", "object_id", "status"]
    list_filter = ["status", "method"]
    list_select_related = ["client"]
    search_fields = ["=object_id", "path"]
    date_hierarchy = "at"
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class WebhookSubscriptionForm(forms.ModelForm):
    url = forms.URLField(label=_("URL"), max_length=500, assume_scheme="https")
    kinds = forms.MultipleChoiceField(
        label=_("Event kinds"), choices=WebhookKind.choices, widget=forms.CheckboxSelectMultiple
    )
    new_secret = forms.BooleanField(label=_("Issue a new signing secret (the old one stops working)"), required=False)

    class Meta:
        model = WebhookSubscription
        fields = ["client", "url", "kinds", "active"]

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        check_target(url)
        return url

    def clean(self) -> dict:
        """Each kind needs its scope on the client (the rule deliveries apply: webhooks.services.SCOPE_OF),
        refused here rather than saved and then never delivered."""
        data = super().clean()
        client, kinds = data.get("client"), data.get("kinds") or []
        if client is not None:
            missing = sorted({SCOPE_OF.get(kind, ApiScope.DOSSIERS_READ) for kind in kinds} - set(client.scopes or []))
            if missing:
                self.add_error(
                    "kinds",
                    _("The client lacks the scope these event kinds need: %(scopes)s. Give the client the scope first.")
                    % {"scopes": _labels(ApiScope, missing)},
                )
        return data


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(AgencyScopedAdminMixin, admin.ModelAdmin):
    agency_field = "client__agency_id"
    form = WebhookSubscriptionForm
    list_display = ["client", "url", "kind_labels", "active", "created_at"]
    list_select_related = ["client"]

    @admin.display(description=_("Event kinds"))
    def kind_labels(self, obj: WebhookSubscription) -> str:
        return _labels(WebhookKind, obj.kinds)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "client":
            scope = agencies_administered_by(user=request.user)
            if scope is not None:
                kwargs["queryset"] = ApiClient.objects.filter(agency_id__in=scope)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        secret = None
        if not change or form.cleaned_data.get("new_secret"):
            secret = subscription_secret_renew(subscription=obj)
        super().save_model(request, obj, form, change)
        if secret:
            messages.warning(
                request,
                _("The signing secret of this subscription, shown only now — copy it into the receiver: %(secret)s")
                % {"secret": secret},
            )


class WebhookAttemptInline(admin.TabularInline):
    model = WebhookAttempt
    extra = 0
    can_delete = False
    fields = ["at", "status", "duration_ms", "error"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(AgencyScopedAdminMixin, admin.ModelAdmin):
    agency_field = "subscription__client__agency_id"
    list_display = ["pk", "created_at", "subscription", "kind", "state", "attempts", "last_status", "next_attempt_at",
                    "sent_at"]  # fmt: skip
    list_filter = ["state", "kind"]
    list_select_related = ["subscription__client"]
    search_fields = ["=delivery_id"]
    ordering = ["-pk"]
    inlines = [WebhookAttemptInline]
    actions = ["replay"]
    fields = ["subscription", "delivery_id", "kind", "state", "attempts", "last_status", "last_error",
              "next_attempt_at", "created_at", "sent_at", "payload"]  # fmt: skip
    readonly_fields = fields
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_replay_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("onestop.change_webhookdelivery")

    @admin.action(description=_("Send the selected deliveries again"), permissions=["replay"])
    def replay(self, request: HttpRequest, queryset: QuerySet[WebhookDelivery]) -> None:
        count = webhook_deliveries_replay(ids=queryset.values_list("pk", flat=True))
        self.message_user(
            request,
            ngettext("%(count)d delivery queued again.", "%(count)d deliveries queued again.", count)
            % {"count": count},
            messages.SUCCESS if count else messages.WARNING,
        )
