"""Printed documents (PDF) in the administrative layout of Decree 30/2020/NĐ-CP.

Nothing heavy is imported here: WeasyPrint is imported inside ``render.render_pdf`` (STYLE §12).

* ``render``       — ``render_pdf(template_name, context)`` and ``html_to_pdf(html)``;
* ``codes``        — ``code128_svg(code)``, ``qr_svg(url)``, ``tracking_url(code)``;
* ``layout``       — the Decree 30 header data (agency, motto, place and date) and Vietnamese dates, money;
* ``confirmation`` — ``submission_confirmation_pdf(dossier)``, the receipt of an online submission.
"""
