"""Messages rendered from templates written per language (DESIGN §4.6).

`templates/notifications/<language>/<kind>.txt` holds three blocks: `subject`, `body` (e-mail
and in-app text) and `sms` (short; optional — the subject and the link otherwise). Vietnamese is
written first; a kind without a template in the recipient's language falls back to Vietnamese.
Plain text: nothing is HTML-escaped.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.template import Context, TemplateDoesNotExist
from django.template.loader import select_template
from django.template.loader_tags import BlockNode
from django.utils import translation

FALLBACK_LANGUAGE = "vi"


@dataclass(frozen=True)
class Message:
    subject: str
    body: str
    sms: str


def template_names(kind: str, language: str) -> list[str]:
    names = [f"notifications/{language}/{kind}.txt"]
    if language != FALLBACK_LANGUAGE:
        names.append(f"notifications/{FALLBACK_LANGUAGE}/{kind}.txt")
    return names


def _render_blocks(template, context: dict[str, Any]) -> dict[str, str]:
    """Render each top-level {% block %} of a template on its own (no {% extends %} here)."""
    django_template = template.template  # the backend wrapper's django.template.Template
    ctx = Context(context, autoescape=False)
    parts: dict[str, str] = {}
    with ctx.bind_template(django_template):
        for node in django_template.nodelist.get_nodes_by_type(BlockNode):
            parts[node.name] = node.render(ctx).strip()
    return parts


def render_message(*, kind: str, context: dict[str, Any], language: str | None = None) -> Message:
    """Subject, body and SMS text of one kind of message, in the recipient's language."""
    language = language or settings.LANGUAGE_CODE
    try:
        template = select_template(template_names(kind, language))
    except TemplateDoesNotExist as exc:
        raise ValueError(f"no notification template for kind {kind!r}") from exc
    from ..province import province

    full = {"PROVINCE": province(), "PROVINCE_NAME": settings.PROVINCE_NAME, "SITE_URL": settings.SITE_URL, **context}
    if context.get("amount") is not None:
        full["amount_text"] = format_vnd(context["amount"], language)
    # Labels that come through gettext (statuses, procedure fields) follow the recipient's language.
    with translation.override(language):
        parts = _render_blocks(template, full)
    subject = " ".join(parts.get("subject", "").split())  # one line, as mail headers require
    body = _tidy(parts.get("body", ""))
    sms = " ".join(parts.get("sms", "").split()) or " ".join(filter(None, [subject, context.get("link", "")]))
    return Message(subject=subject, body=body, sms=sms)


def format_vnd(amount, language: str) -> str:
    """1500000 → "1.500.000" in Vietnamese, "1,500,000" in English (whole đồng)."""
    try:
        grouped = f"{round(float(amount)):,}"
    except (TypeError, ValueError):
        return str(amount)
    return grouped.replace(",", ".") if language == "vi" else grouped


def _tidy(text: str) -> str:
    """Trailing spaces off, at most one blank line in a row (template tags leave gaps)."""
    lines = [line.rstrip() for line in text.splitlines()]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip() + "\n"


def strip_diacritics(text: str) -> str:
    """Vietnamese without diacritics (đ → d), for SMS sent in the GSM-7 alphabet.

    A single accented character switches an SMS to UCS-2: 70 characters a part instead of 160.
    """
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    # Typographic punctuation GSM-7 lacks.
    return stripped.translate(str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "–": "-", "—": "-", "…": "..."}))
