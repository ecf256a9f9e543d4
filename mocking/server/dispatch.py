"""The dispatch table: which interactions could answer a (method, path), found without matching.

Interactions are indexed by method and literal path (a dict lookup); interactions whose path is
matched by a regex are tried with their pre-compiled regexes. Lookups for paths served by regexes are
memoised (bounded), so a steady load on ``/orders/{id}`` costs one dict lookup per request.
"""

from __future__ import annotations

from collections.abc import Sequence

from mocking.server.interactions import MockInteraction

CACHE_LIMIT = 10_000


class DispatchTable:
    def __init__(self, interactions: Sequence[MockInteraction]) -> None:
        self.interactions = list(interactions)
        self._literal: dict[tuple[str, str], list[MockInteraction]] = {}
        self._patterned: dict[str, list[MockInteraction]] = {}
        for interaction in self.interactions:
            if interaction.pattern.literal is not None:
                self._literal.setdefault((interaction.method, interaction.pattern.literal), []).append(
                    interaction
                )
            else:
                self._patterned.setdefault(interaction.method, []).append(interaction)
        self._cache: dict[tuple[str, str], list[MockInteraction]] = {}

    def candidates(self, method: str, path: str) -> list[MockInteraction]:
        """Interactions with this method whose path (literal or pattern) accepts ``path``, in file order."""
        key = (method, path)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        literal = self._literal.get(key, [])
        patterned = self._patterned.get(method)
        if not patterned:
            return literal
        found = [i for i in patterned if i.pattern.accepts(path)]
        result = sorted(literal + found, key=lambda i: i.index) if literal else found
        if len(self._cache) >= CACHE_LIMIT:
            self._cache.clear()
        self._cache[key] = result
        return result

    def methods_for(self, path: str) -> list[str]:
        """Methods served on ``path`` (for the no-match report)."""
        return sorted({i.method for i in self.interactions if i.pattern.accepts(path)})
