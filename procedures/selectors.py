"""Reads of master data and of the catalogue (query-count conscious)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Prefetch, QuerySet

from .models import Agency, Procedure, ProcedureStatus, ProcessStep


def agency_subtree_ids(*, agency_ids: Iterable[int]) -> set[int]:
    """The given agencies and every agency below them, at any depth, in one query."""
    return agency_subtree(agency_ids=agency_ids)[0]


def agency_subtree(*, agency_ids: Iterable[int]) -> tuple[set[int], set[int]]:
    """The given agencies and every agency below them, and every other agency of the table (so that
    a caller knows what the subtree leaves out), in one query."""
    roots = set(agency_ids)
    if not roots:
        return set(), set()
    return agency_subtree_in(parents=dict(Agency.objects.values_list("pk", "parent_id")), agency_ids=roots)


def agency_subtree_in(*, parents: dict[int, int | None], agency_ids: Iterable[int]) -> tuple[set[int], set[int]]:
    """`agency_subtree` over an agency tree already read (pk → parent pk), without a query: for callers
    that need the subtrees of many agencies (a fan-out's many leaders) from one read of the tree."""
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in parents.items():
        children.setdefault(parent_id, []).append(pk)
    result: set[int] = set()
    stack = list(agency_ids)
    while stack:
        pk = stack.pop()
        if pk in result:
            continue
        result.add(pk)
        stack.extend(children.get(pk, ()))
    return result, set(parents) - result


def agency_ancestors(*, agency: Agency) -> list[Agency]:
    """The chain from the root down to the agency's parent."""
    chain: list[Agency] = []
    node = agency.parent
    while node is not None:
        chain.append(node)
        node = node.parent
    return list(reversed(chain))


def procedures_public(*, with_channels: bool = True) -> QuerySet[Procedure]:
    """Published procedures for the public list pages (sector and receiving agency joined; their
    channels for the API — the list page does not show them)."""
    procedures = Procedure.objects.filter(status=ProcedureStatus.PUBLISHED).select_related("sector", "receiving_agency")
    return procedures.prefetch_related("channels") if with_channels else procedures


def procedure_public_detail(*, code: str) -> Procedure:
    """One published procedure with everything its page shows, in a fixed number of queries."""
    return (
        Procedure.objects.filter(status=ProcedureStatus.PUBLISHED)
        .select_related("sector", "receiving_agency")
        .prefetch_related(
            "channels",
            "fees",
            "documents",
            "form_fields",
            "implementing_agencies",
            Prefetch("process__steps", queryset=ProcessStep.objects.select_related("agency")),
        )
        .get(code=code)
    )


def procedures_for_export(*, codes: Iterable[str] | None = None) -> QuerySet[Procedure]:
    qs = Procedure.objects.select_related("sector", "receiving_agency", "process").prefetch_related(
        "channels",
        "fees",
        "documents",
        "form_fields",
        "implementing_agencies",
        Prefetch("process__steps", queryset=ProcessStep.objects.select_related("agency")),
    )
    if codes is not None:
        qs = qs.filter(code__in=list(codes))
    return qs.order_by("code")


def sectors_with_published_counts() -> QuerySet:
    """Sectors that have published procedures, with how many (one query)."""
    from django.db.models import Count, Q

    from .models import Sector

    return (
        Sector.objects.annotate(published=Count("procedures", filter=Q(procedures__status=ProcedureStatus.PUBLISHED)))
        .filter(published__gt=0)
        .order_by("name")
    )


def document_template_link(requirement) -> dict | None:
    """Where to download a document's form template (mẫu đơn, tờ khai): the catalogue's own file
    (served by procedures:template), else the address the record gives; None when it has neither."""
    from django.urls import reverse

    name = requirement.template_name or requirement.name
    if requirement.template_file:
        extension = requirement.template_file.name.rsplit(".", 1)[-1].upper()
        url = reverse("procedures:template", args=[requirement.procedure.code, requirement.pk])
        return {"url": url, "name": name, "format": extension, "external": False}
    if requirement.template_url:
        return {"url": requirement.template_url, "name": name, "format": "", "external": True}
    return None
