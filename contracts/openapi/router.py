"""Matching a request path against the spec's path templates.

Segments match like the comparator's router (find-my-way): a static segment beats a templated one, a
template parameter spans one segment (several parameters may share a segment, e.g. `{name}.{ext}`), and
`{path*}`-style parameters at the end of a template span the rest of the path. Unlike the comparator,
two templates that differ only in parameter names (`/pets/{id}` and `/pets/{name}`) are both kept and tried
in spec order, instead of the second one silently shadowing (or breaking) the first.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import unquote

_PARAM = re.compile(r"{([.;]?)([^{}]+?)(\*?)}")


@dataclass(frozen=True)
class Template:
    path: str  # as written in the spec, without base path
    order: int
    segments: tuple[str, ...]
    regexes: tuple[re.Pattern[str] | None, ...]  # None for a static segment
    names: tuple[tuple[str, ...], ...]
    tail_param: str | None  # a trailing `{name*}` spanning several segments
    case_insensitive: bool = False

    @property
    def specificity(self) -> tuple[int, ...]:
        # static segments first (0), then templated (1); earlier segments weigh more
        return tuple(0 if r is None else 1 for r in self.regexes)


@dataclass
class Match:
    template: Template
    params: dict[str, str] = field(default_factory=dict)


def _segment_regex(segment: str) -> tuple[re.Pattern[str] | None, tuple[str, ...]]:
    if "{" not in segment:
        return None, ()
    names: list[str] = []
    pattern = ""
    pos = 0
    for found in _PARAM.finditer(segment):
        pattern += re.escape(segment[pos : found.start()])
        prefix, name = found.group(1), found.group(2)
        names.append(name)
        pattern += re.escape(prefix) + f"(?P<p{len(names) - 1}>[^/]+?)"
        pos = found.end()
    pattern += re.escape(segment[pos:])
    return re.compile(f"^{pattern}$", re.DOTALL), tuple(names)


def compile_template(
    path: str,
    order: int,
    base_path: str = "",
    *,
    case_insensitive: bool = False,
    trailing_slash: bool = False,
) -> Template:
    full = (base_path.rstrip("/") + "/" + path.lstrip("/")) if base_path else path
    if trailing_slash and len(full) > 1:
        full = full.rstrip("/")
    raw_segments = full.split("/")[1:] if full.startswith("/") else full.split("/")
    tail: str | None = None
    # a trailing `{path*}` spans the rest of the path; a label or matrix `{.id*}`/`{;id*}` is one segment
    if raw_segments and re.fullmatch(r"{[^{}.;][^{}]*\*}", raw_segments[-1]):
        tail = raw_segments[-1][1:-2]
        raw_segments = raw_segments[:-1]
    regexes: list[re.Pattern[str] | None] = []
    names: list[tuple[str, ...]] = []
    segments: list[str] = []
    for segment in raw_segments:
        regex, segment_names = _segment_regex(segment)
        regexes.append(regex)
        names.append(segment_names)
        segments.append(segment.lower() if case_insensitive and regex is None else segment)
    return Template(path, order, tuple(segments), tuple(regexes), tuple(names), tail, case_insensitive)


@dataclass
class _Node:
    """A segment trie: a path's static segment leads to `static[segment]`, any segment to `param`."""

    static: dict[str, _Node] = field(default_factory=dict)
    param: _Node | None = None
    templates: list[Template] = field(default_factory=list)  # ending here, in spec order


class Router:
    """Templates in a segment trie; lookups try the most specific candidate first."""

    def __init__(
        self, *, case_insensitive: bool = False, trailing_slash: bool = False, duplicate_slashes: bool = False
    ) -> None:
        self.duplicate_slashes = duplicate_slashes
        self._by_length: dict[int, list[Template]] = {}
        self._trie = _Node()
        self._tails: list[Template] = []
        self.case_insensitive = case_insensitive
        self.trailing_slash = trailing_slash

    def add(self, path: str, order: int, base_path: str = "") -> Template:
        if self.duplicate_slashes:
            path, base_path = _single_slashes(path), _single_slashes(base_path)
        template = compile_template(
            path, order, base_path, case_insensitive=self.case_insensitive, trailing_slash=self.trailing_slash
        )
        if template.tail_param is not None:
            self._tails.append(template)
        else:
            self._by_length.setdefault(len(template.segments), []).append(template)
        return template

    def freeze(self) -> None:
        self._trie = _Node()
        for templates in self._by_length.values():
            for template in sorted(templates, key=lambda t: t.order):
                node = self._trie
                for segment, regex in zip(template.segments, template.regexes, strict=True):
                    if regex is None:
                        node = node.static.setdefault(segment, _Node())
                    else:
                        node.param = node.param or _Node()
                        node = node.param
                node.templates.append(template)
        self._tails.sort(key=lambda t: (t.specificity, t.order))

    def _candidates(self, node: _Node, segments: list[str], depth: int) -> Iterator[Template]:
        """Templates whose static segments are the path's, ordered by (specificity, order): at each
        segment a static match comes before a templated one, so a depth-first walk visits them in the
        order of their specificity tuples; the templates ending at one node share theirs."""
        if depth == len(segments):
            yield from node.templates
            return
        segment = segments[depth].lower() if self.case_insensitive else segments[depth]
        child = node.static.get(segment)
        if child is not None:
            yield from self._candidates(child, segments, depth + 1)
        if node.param is not None:
            yield from self._candidates(node.param, segments, depth + 1)

    def matches(self, request_path: str) -> Iterator[Match]:
        """Every template matching the path, most specific first."""
        path = request_path if request_path.startswith("/") else "/" + request_path
        if self.duplicate_slashes:
            path = _single_slashes(path)
        if self.trailing_slash and len(path) > 1:
            path = path.rstrip("/")
        segments = path.split("/")[1:]
        for template in self._candidates(self._trie, segments, 0):
            params = _match_segments(template, segments)
            if params is not None:
                yield Match(template, params)
        for template in self._tails:
            count = len(template.segments)
            if len(segments) <= count:
                continue
            params = _match_segments(template, segments[:count])
            if params is not None and template.tail_param is not None:
                params[template.tail_param] = unquote("/".join(segments[count:]))
                yield Match(template, params)


def _single_slashes(path: str) -> str:
    return re.sub(r"/{2,}", "/", path)


def _match_segments(template: Template, segments: list[str]) -> dict[str, str] | None:
    params: dict[str, str] = {}
    for expected, regex, names, actual in zip(
        template.segments, template.regexes, template.names, segments, strict=False
    ):
        if regex is None:
            if (actual.lower() if template.case_insensitive else actual) != expected:
                return None
            continue
        found = regex.match(actual)
        if not found or any(not found.group(f"p{i}") for i in range(len(names))):
            return None
        for i, name in enumerate(names):
            params[name] = unquote(found.group(f"p{i}"))
    return params
