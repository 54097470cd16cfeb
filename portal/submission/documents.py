"""The documents step of the wizard: one slot per required document, uploads or vault reuse."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.db.models import Sum, prefetch_related_objects
from django.http import HttpRequest
from django.utils.translation import gettext as _

from onestop.models import Dossier, StoredFile
from onestop.submission.selectors import vault_of
from onestop.uploads.handlers import limit_uploads
from onestop.uploads.storage import stored_file_create
from onestop.uploads.validation import UploadRejected, validate_upload
from onestop.workflow import (
    dossier_document_detach,
    dossier_documents_attach,
    dossier_draft_update,
    missing_documents,
)
from procedures.selectors import document_template_link

MB = 1024 * 1024


def _dossier_bytes(dossier: Dossier) -> int:
    return dossier.documents.aggregate(total=Sum("file__size"))["total"] or 0


def install_upload_limits(request: HttpRequest, dossier: Dossier) -> None:
    """Size limits enforced while the body arrives (before anything reads request.POST/FILES)."""
    request.dossier_bytes = _dossier_bytes(dossier)  # read once per request (receive_files needs it too)
    request.upload_limits = limit_uploads(
        request,
        max_file_bytes=settings.UPLOAD_MAX_FILE_MB * MB,
        max_request_bytes=max(settings.UPLOAD_MAX_DOSSIER_MB * MB - request.dossier_bytes, 0),
    )


def receive_files(request: HttpRequest, *, dossier: Dossier, field_for, requirements) -> tuple[list, list[str]]:
    """Validate and store the uploaded files of each requirement; return (stored pairs, errors).

    Each rejection names the file and the reason; valid files are kept even when others fail.
    """
    limits = getattr(request, "upload_limits", None)
    errors = [str(rejection) for rejection in (limits.rejections if limits else [])]
    stored: list[tuple[str, StoredFile]] = []
    already = getattr(request, "dossier_bytes", None)
    budget = settings.UPLOAD_MAX_DOSSIER_MB * MB - (_dossier_bytes(dossier) if already is None else already)
    for requirement in requirements:
        for uploaded in request.FILES.getlist(field_for(requirement)):
            if not uploaded.size and any(uploaded.name in e for e in errors):
                continue  # refused while receiving: already reported
            try:
                max_bytes = min(requirement["max_size_mb"], settings.UPLOAD_MAX_FILE_MB) * MB
                validated = validate_upload(uploaded, allowed=requirement["accepted_types"], max_bytes=max_bytes)
                if validated.size > budget:
                    raise UploadRejected(
                        _("File “%(name)s”: the dossier would exceed %(limit)s MB in total.")
                        % {"name": validated.safe_name, "limit": settings.UPLOAD_MAX_DOSSIER_MB}
                    )
            except UploadRejected as exc:
                errors.append(str(exc))
                continue
            budget -= validated.size
            stored.append(
                (
                    requirement["code"],
                    # The applicant is the signed-in user (the views fetch only their own dossier).
                    stored_file_create(owner=_applicant(request, dossier), uploaded=uploaded, validated=validated),
                )
            )
    return stored, errors


def _applicant(request: HttpRequest, dossier: Dossier):
    return request.user if request.user.pk == dossier.applicant_id else dossier.applicant


def template_link(requirement) -> dict | None:
    """The form template to download for a document, if the catalogue has one (file, or address)."""
    return document_template_link(requirement)


def _requirements(dossier: Dossier) -> list[dict]:
    return [
        {
            "code": d.code,
            "name": d.name,
            "required": d.required,
            "condition": d.condition,
            "kind": d.get_kind_display(),
            "accepted_types": d.accepted_types,
            "max_size_mb": d.max_size_mb,
            "template": template_link(d),
        }
        for d in dossier.procedure.documents.all()
    ]


def documents_step(request: HttpRequest, dossier: Dossier):
    prefetch_related_objects([dossier.procedure], "documents")  # the slots and the missing ones: one read
    requirements = _requirements(dossier)
    if request.method == "POST":
        remove = request.POST.get("remove")
        if remove and remove.isdigit():
            dossier_document_detach(dossier=dossier, document_id=int(remove))
            return {"requirements": _slots(dossier, requirements), "vault": _vault(dossier)}
        # One transaction for the step's writes (the files' rows, the slots, the wizard's step): one
        # commit instead of one per file. A file stored on disk whose row is rolled back is an orphan
        # the periodic cleanup removes (onestop.uploads.cleanup).
        with transaction.atomic():
            stored, errors = receive_files(
                request, dossier=dossier, field_for=lambda r: f"file-{r['code']}", requirements=requirements
            )
            reused = _vault_choices(request, dossier, requirements)
            if stored or reused:
                dossier_documents_attach(dossier=dossier, files=stored + reused)
            for error in errors:
                messages.error(request, error)
            if stored:
                messages.success(request, _("%(count)s file(s) attached.") % {"count": len(stored)})
            if not errors and "back" in request.POST:
                return True
            if not errors and "next" in request.POST:
                # What was attached before this request (read with the dossier) and what it attached.
                attached = {d.requirement_code for d in dossier.documents.all()} | {c for c, _f in stored + reused}
                missing = missing_documents(dossier, attached=attached)
                if not missing:
                    dossier_draft_update(dossier=dossier, step="documents")
                    return True
                # Said here, at once, naming each document — not only at the review step.
                return {
                    "requirements": _slots(dossier, requirements, missing={r.code for r in missing}),
                    "vault": _vault(dossier),
                    "missing": [
                        {"code": r.code, "message": _("Attach “%(name)s”: it is required.") % {"name": r.name}}
                        for r in missing
                    ],
                }
    return {"requirements": _slots(dossier, requirements), "vault": _vault(dossier)}


def _vault_choices(request: HttpRequest, dossier: Dossier, requirements: list[dict]) -> list[tuple[str, StoredFile]]:
    """Files of the applicant's data store chosen for a slot (vault-<code> fields): only their own."""
    chosen = sorted(
        {
            (requirement["code"], int(value))
            for requirement in requirements
            for value in request.POST.getlist(f"vault-{requirement['code']}")
            if value.isdigit()
        }
    )
    if not chosen:
        return []
    own = StoredFile.objects.filter(owner_id=dossier.applicant_id).in_bulk({pk for _code, pk in chosen})
    return [(code, own[pk]) for code, pk in chosen if pk in own]


def _slots(dossier: Dossier, requirements: list[dict], missing: set[str] = frozenset()) -> list[dict]:
    attached: dict[str, list] = {}
    for document in dossier.documents.select_related("file"):
        attached.setdefault(document.requirement_code, []).append(document)
    return [
        {
            **r,
            "attached": attached.get(r["code"], []),
            "accept": _accept(r["accepted_types"]),
            "missing": r["code"] in missing,
        }
        for r in requirements
    ]


def _accept(types: list[str]) -> str:
    extensions = {"jpg": ".jpg,.jpeg"}
    return ",".join(extensions.get(t, f".{t}") for t in types)


def _vault(dossier: Dossier) -> list[StoredFile]:
    return list(vault_of(user=dossier.applicant)[:50])
