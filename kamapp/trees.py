"""Reporting trees (members' managers, contacts' reports-to): one walk up, safe on loops."""

from collections.abc import Callable, Hashable


def reaches(start: Hashable | None, target: Hashable, parent: Callable) -> bool:
    """Walking up from `start` through `parent` (None at the top), is `target` met? A loop
    already in the data ends the walk instead of running forever."""
    seen = set()
    current = start
    while current is not None and current not in seen:
        if current == target:
            return True
        seen.add(current)
        current = parent(current)
    return False
