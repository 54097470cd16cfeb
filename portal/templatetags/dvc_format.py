"""Formatting as Vietnamese documents write it."""

from django import template

from onestop.workflow.fields import label_prefix

register = template.Library()


@register.filter
def vnd(amount) -> str:
    """30000 → "30.000" (Vietnamese groups thousands with dots; the currency word is the template's)."""
    try:
        value = int(amount)
    except (TypeError, ValueError):
        return ""
    sign = "-" if value < 0 else ""
    return sign + f"{abs(value):,}".replace(",", ".")


@register.filter
def as_prefix(label) -> str:
    """A field label followed by ": message" in an error summary: without its closing full stop."""
    return label_prefix(label)


@register.filter
def fee_name(fee) -> str:
    """A fee's name without the amount it repeats ("Phí cấp bản sao: 8.000 đồng/bản" beside "8.000 đồng")."""
    from procedures.display import fee_label

    if isinstance(fee, dict):  # a snapshot's fee, or a line of onestop.fees.dossier_dues (unit_amount)
        return fee_label(fee.get("name", ""), fee.get("unit_amount", fee.get("amount")))
    return fee_label(fee.name, fee.amount)


@register.filter
def file_kind(file) -> str:
    """ "DOCX", "PDF"… — the extension of a stored file's name, to say what a download is."""
    name = getattr(file, "name", "") or ""
    return name.rsplit(".", 1)[-1].upper() if "." in name else ""
