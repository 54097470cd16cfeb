"""Charts as inline SVG drawn on the server: no JavaScript, no charting library, nothing the
Content-Security-Policy would block (presentation attributes only, no style attributes). Readable
when printed in black and white: the second series is hatched, every bar carries its number, and the
axis labels are text."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

DARK = "#1f4e79"
LIGHT = "#2e8b57"
LATE = "#b22222"
FONT = 'font-family="Liberation Sans, Arial, sans-serif"'


def _svg(width: int, height: int, title: str, body: list[str]) -> SafeString:
    return mark_safe(  # noqa: S308 — every text below is escaped
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" class="chart-svg"><title>{escape(title)}</title>{"".join(body)}</svg>'
    )


def _number(value) -> str:
    return f"{value:,}".replace(",", ".") if isinstance(value, int) else str(value)


def received_resolved(months: list[dict], *, title: str) -> SafeString:
    """Grouped vertical bars per month: received (solid) and resolved (hatched)."""
    width, height, left, bottom, top = 760, 280, 40, 40, 40
    count = max(len(months), 1)
    slot = (width - left - 10) / count
    bar = min(slot * 0.38, 28)
    peak = max([m["received"] for m in months] + [m["resolved"] for m in months] + [1])
    scale = (height - bottom - top) / peak
    body = [
        f'<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
        f'<rect width="6" height="6" fill="#ffffff"/><line x1="0" y1="0" x2="0" y2="6" stroke="{LIGHT}" '
        f'stroke-width="3"/></pattern></defs>',
        f'<line x1="{left}" y1="{height - bottom}" x2="{width - 5}" y2="{height - bottom}" stroke="#333333"/>',
        f'<rect x="{left}" y="8" width="14" height="14" fill="{DARK}"/>'
        f'<text x="{left + 20}" y="20" font-size="13" {FONT}>{escape(pgettext("statistics", "Received"))}</text>',
        f'<rect x="{left + 140}" y="8" width="14" height="14" fill="url(#hatch)" stroke="{LIGHT}"/>'
        f'<text x="{left + 160}" y="20" font-size="13" {FONT}>{escape(_("Resolved"))}</text>',
    ]
    for index, month in enumerate(months):
        x = left + index * slot + (slot - 2 * bar) / 2
        for offset, key, fill in ((0, "received", DARK), (bar, "resolved", "url(#hatch)")):
            value = month[key]
            h = value * scale
            y = height - bottom - h
            body.append(
                f'<rect x="{x + offset:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" fill="{fill}" '
                f'stroke="{DARK if key == "received" else LIGHT}"><title>{escape(_number(value))}</title></rect>'
            )
            body.append(
                f'<text x="{x + offset + bar / 2:.1f}" y="{y - 3:.1f}" font-size="10" text-anchor="middle" {FONT}>'
                f"{escape(_number(value))}</text>"
            )
        label = f"{month['month'].month:02d}/{month['month'].year % 100:02d}"
        body.append(
            f'<text x="{left + index * slot + slot / 2:.1f}" y="{height - bottom + 16}" font-size="11" '
            f'text-anchor="middle" {FONT}>{escape(label)}</text>'
        )
    return _svg(width, height, title, body)


def horizontal_bars(
    items: list[tuple[str, float | int | None]], *, title: str, percent: bool, late: bool = False
) -> SafeString:
    """One horizontal bar per item (name, value): on-time rate per agency, overdue per unit."""
    row, label_width, width = 26, 300, 760
    height = max(len(items), 1) * row + 10
    peak = 100 if percent else max([v or 0 for _n, v in items] + [1])
    span = width - label_width - 70
    body = []
    for index, (name, value) in enumerate(items):
        y = 5 + index * row
        shown = "—" if value is None else (f"{value:.1f} %".replace(".", ",") if percent else _number(value))
        w = 0 if value is None else span * value / peak
        body.append(
            f'<text x="{label_width - 8}" y="{y + 17}" font-size="12" text-anchor="end" {FONT}>'
            f"{escape(name[:48])}</text>"
            f'<rect x="{label_width}" y="{y + 4}" width="{w:.1f}" height="{row - 8}" fill="{LATE if late else DARK}"/>'
            f'<text x="{label_width + w + 6:.1f}" y="{y + 17}" font-size="12" {FONT}>{escape(shown)}</text>'
        )
    if not items:
        body.append(f'<text x="10" y="22" font-size="12" {FONT}>{escape(_("Nothing to show."))}</text>')
    return _svg(width, height, title, body)
