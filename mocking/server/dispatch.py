"""The dispatch table: which interactions could answer a (method, path), found without matching.

Interactions are indexed by method and literal path (a dict lookup). Interactions whose path is matched
by a regex or a path template are indexed in a trie on the literal segments their path starts with
(``/api/r7/items/[0-9]+`` under ``api`` -> ``r7`` -> ``items``), so a request only tries the patterns
that can accept it: walking the request's segments down the trie collects them, and each is then
checked with its pre-compiled pattern. Patterns with no usable literal prefix (an alternation, a rule
the mock does not pre-filter on) sit at the root and are tried for every path of their method.

The trie is a pre-filter only: it may offer a pattern that then refuses the path, never miss one that
accepts it, so the choice is the same as trying every pattern in file order.
"""

from __future__ import annotations

from collections.abc import Sequence

from mocking.server.interactions import MockInteraction

_REGEX_SPECIAL = frozenset(".^$*+?{}[]\\|()")
_QUANTIFIERS = frozenset("*+?{")


def regex_literal_segments(regex: str) -> tuple[str, ...]:
    """The whole path segments every string matched by ``regex`` (fullmatch) starts with; () when unknown.

    Conservative: an alternation, inline flags or an escape stop the literal prefix early or empty it.
    """
    if "|" in regex or regex.startswith("(?"):
        return ()
    text = regex[1:] if regex.startswith("^") else regex
    end = 0
    while end < len(text) and text[end] not in _REGEX_SPECIAL:
        end += 1
    prefix = text[:end]
    if end < len(text) and text[end] in _QUANTIFIERS:
        prefix = prefix[:-1]  # the quantifier makes the character before it optional
    if not prefix.startswith("/"):
        return ()
    return tuple(prefix[: prefix.rfind("/") + 1].split("/")[1:-1])


def literal_segments(interaction: MockInteraction) -> tuple[str, ...]:
    """The literal leading segments of a patterned interaction's path (see :func:`regex_literal_segments`)."""
    pattern = interaction.pattern
    if pattern.template is not None:
        segments: list[str] = []
        for segment in pattern.template.segments:
            if not isinstance(segment, str):
                break
            segments.append(segment)
        return tuple(segments)
    if pattern.sources and not pattern.combine_or:
        # AND: every regex must match, so the longest literal prefix of any of them is required.
        return max((regex_literal_segments(source) for source in pattern.sources), key=len)
    if pattern.sources:
        # OR: only a prefix all of them share is required.
        prefixes = [regex_literal_segments(source) for source in pattern.sources]
        shared: list[str] = []
        for parts in zip(*prefixes, strict=False):
            if any(part != parts[0] for part in parts):
                break
            shared.append(parts[0])
        return tuple(shared)
    return ()


class _Node:
    __slots__ = ("children", "items")

    def __init__(self) -> None:
        self.children: dict[str, _Node] = {}
        self.items: list[MockInteraction] = []


class DispatchTable:
    def __init__(self, interactions: Sequence[MockInteraction]) -> None:
        self.interactions = list(interactions)
        self._literal: dict[tuple[str, str], list[MockInteraction]] = {}
        self._patterned: dict[str, list[MockInteraction]] = {}
        self._tries: dict[str, _Node] = {}
        for interaction in self.interactions:
            if interaction.pattern.literal is not None:
                self._literal.setdefault((interaction.method, interaction.pattern.literal), []).append(
                    interaction
                )
                continue
            self._patterned.setdefault(interaction.method, []).append(interaction)
            node = self._tries.setdefault(interaction.method, _Node())
            for segment in literal_segments(interaction):
                node = node.children.setdefault(segment, _Node())
            node.items.append(interaction)

    def _patterned_offers(self, method: str, path: str) -> list[MockInteraction]:
        node = self._tries.get(method)
        if node is None:
            return []
        if not path.startswith("/"):
            return self._patterned[method]
        offered = list(node.items)
        for segment in path.split("/")[1:]:
            child = node.children.get(segment)
            if child is None:
                break
            node = child
            offered.extend(node.items)
        return offered

    def candidates(self, method: str, path: str) -> list[MockInteraction]:
        """Interactions with this method whose path (literal or pattern) accepts ``path``, in file order."""
        literal = self._literal.get((method, path))
        offered = self._patterned_offers(method, path)
        if not offered:
            return literal or []
        found = [i for i in offered if i.pattern.accepts(path)]
        if literal:
            found.extend(literal)
        if len(found) > 1:
            found.sort(key=_index)
        return found

    def methods_for(self, path: str) -> list[str]:
        """Methods served on ``path`` (for the no-match report)."""
        return sorted({i.method for i in self.interactions if i.pattern.accepts(path)})


def _index(interaction: MockInteraction) -> int:
    return interaction.index
