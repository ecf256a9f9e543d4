"""Matching responses given as raw HTTP data, with a quick acceptance path for responses that match.

A load generator checks every response it receives, and almost all of them match. The reference path
(`match`) builds the actual part of the model from the bytes (`contracts.model.actual_response`) and
runs the compiled matcher (`CompiledResponse.match`). `accepts` answers only "does it match?", without
the model objects: what depends only on the contract is done once, what depends only on the status and
the header values (the header comparison, the content-type gate, the body's decoding) is decided once
per distinct set of values by the same functions the reference path calls, and what is left per
response is decoding the JSON body and running the compiled JSON plan over it.

`accepts` returning True guarantees that `match` returns no mismatch; when it returns False (a
mismatch, or a case the quick path does not decide: repeated or missing headers, a body that is not a
JSON object or array, status rules, ...), call `match` for the verdict and its mismatches.
"""

from __future__ import annotations

import codecs
import enum
import json
import json.scanner
from collections.abc import Callable, Mapping

from contracts.http_headers import HeaderInput
from contracts.matching.bodies import _rule_accepts, expected_json
from contracts.matching.compiled import CompiledResponse
from contracts.matching.headers import compare_headers
from contracts.matching.json_accept import json_acceptor
from contracts.matching.json_plan import JsonPlan
from contracts.matching.parts import Presence, fold_headers
from contracts.matching.values import Json
from contracts.media_types import charset, equivalent, is_json_content_type
from contracts.mismatches import Mismatch
from contracts.model import HttpResponse, actual_response

HEAD_CACHE_SIZE = 64


class _Body(enum.Enum):
    """What the body of a response must be, once the status and headers are known to match."""

    ANY = "any"
    """The contract names no body: any body matches."""
    NONE = "none"
    """The contract expects an empty body: only an empty (or absent) body matches."""
    JSON = "json"
    """A JSON document checked by the compiled plan."""
    UNDECIDED = "undecided"
    """Left to the reference path."""


class RawResponseMatcher:
    """An expected HTTP response compiled once, matched against raw responses (status, headers, bytes)."""

    def __init__(self, expected: HttpResponse, spec_version: str = "4") -> None:
        self.compiled = CompiledResponse(expected, spec_version)
        self.version = self.compiled.version
        self.header_names: tuple[str, ...] = tuple(sorted({"content-type", *self.compiled.headers}))
        """The headers `accepts` needs the values of (lower-case): the contract's and Content-Type."""
        self._content_type_index = self.header_names.index("content-type")
        self._status = self.compiled.status if self.compiled.rules.status is None else None
        self._heads: dict[tuple[str | None, ...], tuple[_Body, str]] = {}
        plan = self.compiled.json_plan
        self._accept_json: Callable[[Json], bool] | None = None
        if plan is not None:
            acceptor = json_acceptor(plan, expected_json(self.compiled.body))
            self._accept_json = acceptor if acceptor is not None else _no_mismatch(plan)

    def match(self, status: int, headers: HeaderInput | None, body: bytes | None) -> list[Mismatch]:
        """The reference verdict: every mismatch of the actual response against the contract."""
        return self.compiled.match(actual_response(status, headers, body or None, spec_version=self.version))

    def accepts(self, status: int, values: tuple[str | None, ...], body: bytes | None) -> bool:
        """True only if `match` finds no mismatch (False: call `match`).

        `values` are the values of `header_names`, in order, each the header's value when the response
        sends it exactly once, else None (absent or repeated; see :func:`single_header_values`).
        """
        if status != self._status or status is None:
            return False
        head = self._heads.get(values)
        if head is None:
            head = self._head(values)
            if len(self._heads) >= HEAD_CACHE_SIZE:
                self._heads.clear()
            self._heads[values] = head
        mode, encoding = head
        if mode is _Body.JSON:
            if not body:
                return False
            try:
                document = _parse_json(body.decode(encoding))
            except (ValueError, LookupError):
                return False
            if type(document) is not dict and type(document) is not list:
                return False
            accept_json = self._accept_json
            return accept_json is not None and accept_json(document)
        if mode is _Body.ANY:
            return True
        if mode is _Body.NONE:
            return not body
        return False

    def _head(self, values: tuple[str | None, ...]) -> tuple[_Body, str]:
        """What the status line and these header values leave to check of the body (decided by the
        reference path's own functions)."""
        undecided = (_Body.UNDECIDED, "")
        if any(value is None for value in values):
            return undecided  # a missing header is a mismatch; a repeated one is left to the reference
        single = {
            name: value for name, value in zip(self.header_names, values, strict=True) if value is not None
        }
        compiled = self.compiled
        if compare_headers(compiled.headers, fold_headers(single), compiled.rules.header):
            return undecided
        expected = compiled.body
        content_type = values[self._content_type_index]
        assert content_type is not None
        if is_json_content_type(content_type) and not _known_encoding(charset(content_type)):
            return undecided  # the reference path fails to decode such a body: let it
        if expected.presence is Presence.MISSING:
            return (_Body.ANY, "")
        if expected.presence in (Presence.NULL, Presence.EMPTY):
            return (_Body.NONE, "")
        if compiled.json_plan is None or not content_type or not is_json_content_type(content_type):
            return undecided
        if (
            expected.content_type
            and not equivalent(expected.content_type, content_type)
            and not _rule_accepts(
                compiled.rules.header.get("content-type"), expected.content_type, content_type
            )
        ):
            return undecided
        return (_Body.JSON, charset(content_type))


def single_header_values(
    names: tuple[str, ...], headers: Mapping[str, object] | None
) -> tuple[str | None, ...]:
    """For each of `names` (lower-case), the header's value when `headers` has it exactly once, else None.

    Names compare case-insensitively; a header given under two spellings, or as a list, counts as
    repeated."""
    found: dict[str, str | None] = {}
    if headers:
        for name, value in headers.items():
            lower = name.lower()
            if lower in names:
                found[lower] = None if lower in found or type(value) is not str else value
    return tuple(found.get(name) for name in names)


_scan_once: Callable[[str, int], tuple[Json, int]] = json.scanner.make_scanner(json.JSONDecoder())  # type: ignore[arg-type]  # typeshed types the context as a scanner
"""The standard decoder's scanner: what ``json.loads`` runs once it has found where the document starts."""


def _parse_json(text: str) -> Json:
    """``json.loads(text)``, the same decoder, without its wrappers when the document starts at the
    first character and ends at the last (the usual case); any other text goes through ``json.loads``."""
    try:
        document, end = _scan_once(text, 0)
    except StopIteration:
        return json.loads(text)  # leading whitespace, or not JSON: json.loads decides and says why
    if end != len(text):
        return json.loads(text)  # trailing whitespace, or extra data
    return document


def _known_encoding(name: str) -> bool:
    try:
        codecs.lookup(name)
    except LookupError:
        return False
    return True


def _no_mismatch(plan: JsonPlan) -> Callable[[Json], bool]:
    return lambda document: not plan.match(document)
