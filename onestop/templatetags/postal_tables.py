"""The postal clerk's list rows as HTML (templates/onestop/postal/list.html), rendered in Python.

The template engine rendered its 50 rows node by node — some twenty variables and conditions a row,
≈ 4 ms of each page of the list, tabs and searches alike (docs/performance.md, issue #17, eighth
pass). As for the queues (onestop.templatetags.queue_rows), each row is one format string with every
value escaped; the table's head stays in the template.
"""

from __future__ import annotations

from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..documents.layout import vnd

register = template.Library()


@register.filter
def shipment_rows(rows) -> SafeString:
    """<tr>s of (a shipment's values — onestop.postal.selectors.LIST_VALUES and its dossier's code
    (with_dossier_codes) —, its page's URL, its slip's URL, its state's label): tick box, item number,
    dossier code, recipient with address, phone, cash on delivery, state with the failed attempts, slip."""
    w = {
        key: escape(word)
        for key, word in {
            "tick": _("Tick"), "item": _("Item number"), "code": _("Dossier code"), "recipient": _("Recipient"),
            "phone": _("Phone"), "cod": _("COD"), "state": _("State"), "slip": _("Slip"), "pdf": _("PDF"),
        }.items()
    }  # fmt: skip
    out = []
    for s, detail_url, slip_url, label in rows:
        pk, item, state, tries = s["id"], escape(s["item_number"]), str(label), s["attempts"]
        cod = vnd(s["cod_amount"]) if s["cod_amount"] else ""  # "1.250.000 đồng", as on the slip
        if tries:
            failed = ngettext("%(counter)s failed attempt", "%(counter)s failed attempts", tries)
            state += f" ({failed % {'counter': tries}})"
        out.append(
            "<tr>"
            f'<td data-label="{w["tick"]}"><input type="checkbox" name="id" value="{pk}" id="pick-{pk}" '
            f'aria-label="{item}"></td>'
            f'<td data-label="{w["item"]}"><a href="{escape(detail_url)}">{item}</a></td>'
            f'<td data-label="{w["code"]}">{escape(s["dossier__code"] or "")}</td>'
            f'<td data-label="{w["recipient"]}">{escape(s["recipient_name"])}<br>'
            f"<small>{escape(s['recipient_address'])}</small></td>"
            f'<td data-label="{w["phone"]}">{escape(s["recipient_phone"])}</td>'
            f'<td data-label="{w["cod"]}">{cod}</td>'
            f'<td data-label="{w["state"]}">{escape(state)}</td>'
            f'<td data-label="{w["slip"]}"><a href="{escape(slip_url)}">{w["pdf"]}</a></td>'
            "</tr>"
        )
    return mark_safe("\n".join(out))  # noqa: S308 — every value escaped above
