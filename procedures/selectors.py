"""Reads of master data."""

from __future__ import annotations

from collections.abc import Iterable

from .models import Agency


def agency_subtree_ids(*, agency_ids: Iterable[int]) -> set[int]:
    """The given agencies and every agency below them, at any depth, in one query."""
    roots = set(agency_ids)
    if not roots:
        return set()
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in Agency.objects.values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    result, stack = set(), list(roots)
    while stack:
        pk = stack.pop()
        if pk in result:
            continue
        result.add(pk)
        stack.extend(children.get(pk, ()))
    return result


def agency_ancestors(*, agency: Agency) -> list[Agency]:
    """The chain from the root down to the agency's parent."""
    chain: list[Agency] = []
    node = agency.parent
    while node is not None:
        chain.append(node)
        node = node.parent
    return list(reversed(chain))
