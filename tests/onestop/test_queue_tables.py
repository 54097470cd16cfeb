"""The queue tables' rows rendered in Python (onestop.templatetags.queue_rows): every value escaped, the
same cells as the templates had."""

from django.utils import translation

from onestop.templatetags.queue_rows import oversight_rows, queue_rows

ROW = {
    "pk": 7, "code": "A<1>", "url": "/mot-cua/ho-so/7/", "pick_label": "Select A<1>", "applicant": "<b>Ann</b>",
    "organisation": "", "phone": "0909", "procedure_code": "1.0", "procedure_name": "P & Q", "status": "received",
    "status_label": "Received", "channel_label": "", "unit": "Unit", "step": "step 2", "assignee": "",
    "submitted": "08:00 01/12/2026", "deadline": "", "deadline_iso": "", "late": False, "appointment": "",
}  # fmt: skip


def test_values_are_escaped_and_optional_cells_follow_the_row():
    with translation.override("en"):
        html = str(queue_rows([ROW], pick=True))
    assert "<b>" not in html and "&lt;b&gt;Ann&lt;/b&gt;" in html and "P &amp; Q" in html
    assert 'value="7" id="pick-7"' in html and "Select A&lt;1&gt;" in html
    assert '<br><span class="hint">0909</span>' in html  # the phone, no organisation line
    assert '<td data-label="Deadline">—</td>' in html and 'class="late"' not in html
    late = str(queue_rows([{**ROW, "deadline": "09:00", "deadline_iso": "x", "late": True}]))
    assert late.startswith('<tr class="late">') and 'class="late-flag"' in late and "pick-7" not in late


def test_oversight_rows_say_why_a_late_dossier_waits():
    row = {**ROW, "agency": "Desk", "step_unit": "", "lateness": "2 days late", "behind": True, "reason": "",
           "received": "", "due": "01/12/2026"}  # fmt: skip
    with translation.override("en"):
        html = str(oversight_rows([row]))
    assert '<strong class="late-flag">2 days late</strong>' in html and "No reason recorded" in html
    assert '<span class="hint">not assigned</span>' in html
    assert "Because &lt;x&gt;" in str(oversight_rows([{**row, "reason": "Because <x>"}]))
