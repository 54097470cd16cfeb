"""The seven forms of Circular 03/2025/TT-VPCP as PDF bytes (and form 07 as XLSX too).

Each takes the dossier and what the action adds; the back-office services call them when the action
happens and store or serve the bytes. Wording is literal Vietnamese (administrative documents),
laid out as Decree 30/2020/NĐ-CP documents (templates/pdf/forms/, extending templates/pdf/base.html),
with "Mẫu số 0x" at the top right of the first page as the annex prints it.

* 01 ``form01_receipt_pdf(dossier, *, received_by, documents=None, register_book="", register_number=None)``
* 02 ``form02_supplement_pdf(dossier, *, items, reason, officer, contact="")``
* 03 ``form03_refusal_pdf(dossier, *, reasons, officer)``
* 04 ``form04_apology_pdf(dossier, *, reason, old_due_at, new_due_at, signer)``
* 05 ``form05_stop_pdf(dossier, *, reason, legal_basis, signer)``
* 06 ``form06_control_slip_pdf(dossier, *, events=None)``, rows from ``handover_rows(events)``
* 07 ``form07_register_pdf(*, agency, date_from, date_to, dossiers)`` and ``form07_register_xlsx(...)``;
  ``register_dossiers(agency=, date_from=, date_to=)`` loads the dossiers with what the register reads.

Forms 02–05 also take ``at`` (the date printed, default now) and ``number``; 04–05 ``signer_title``
and ``agency`` (the issuer, default the receiving agency).
"""

from .common import FORM_TITLES
from .control import ON_TIME_WINDOW, Row, form06_control_slip_pdf, handover_rows, timeliness
from .notices import form04_apology_pdf, form05_stop_pdf, head_title
from .receipt import form01_receipt_pdf
from .reception import form02_supplement_pdf, form03_refusal_pdf
from .register import (
    form07_register_pdf,
    form07_register_xlsx,
    register_book,
    register_books,
    register_dossiers,
    register_first_numbers,
    register_number,
    register_rows,
)

__all__ = [
    "FORM_TITLES",
    "ON_TIME_WINDOW",
    "Row",
    "form01_receipt_pdf",
    "form02_supplement_pdf",
    "form03_refusal_pdf",
    "form04_apology_pdf",
    "form05_stop_pdf",
    "form06_control_slip_pdf",
    "form07_register_pdf",
    "form07_register_xlsx",
    "handover_rows",
    "head_title",
    "register_book",
    "register_books",
    "register_dossiers",
    "register_first_numbers",
    "register_number",
    "register_rows",
    "timeliness",
]
