"""Reading pacts for the OpenAPI check: the project's pact model (`contracts.model`), read the way the
comparator's rules need it.

The check takes `contracts.model.Pact` / `HttpInteraction` objects as they are. This module holds only
the readings of their parts that the rules share: header values joined with commas (control characters
dropped, as the comparator's HTTP layer does), a body's value (`MISSING` when there is none), the query
as the comparator rebuilds it (V1/V2 strings as written), and matching rules in the V3/V4 shape
(category -> path -> matchers) whatever the pact's version. `load_pact_file` / `parse_pact` are the
pact readers every command uses, with errors naming the file.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from contracts.errors import PactFormatError
from contracts.model import Body, HttpRequest, Pact
from contracts.pactfile import load_pact
from contracts.pactfile import parse_pact as model_parse_pact
from contracts.validation import require_usable

MISSING: Any = object()

Matchers = list[dict[str, Any]]
MatchingRules = dict[str, dict[str, Matchers]]


def major_version(version: str) -> int:
    head = version.split(".")[0]
    return int(head) if head.isdigit() else 1


def _clean(value: str) -> str:
    return value.replace("\r", "").replace("\n", "").replace("\0", "")


def joined_headers(headers: Mapping[str, Any]) -> dict[str, str]:
    """Header name (as written) -> its values joined with commas."""
    return {
        str(name): ",".join(_clean(str(v)) for v in value)
        if isinstance(value, list | tuple)
        else _clean(str(value))
        for name, value in headers.items()
    }


def body_value(body: Body | None) -> Any:
    """The value a body's rules see: decoded JSON, text, binary as text; `MISSING` without a body."""
    if body is None:
        return MISSING
    if body.encoding == "base64" and isinstance(body.content, bytes | bytearray):
        return bytes(body.content).decode("utf-8", errors="replace")
    return body.content


def query_value(request: HttpRequest) -> str | dict[str, str] | None:
    """The query as written (V1/V2 text) or name -> values joined with commas; None without a query."""
    if request.query_text is not None:
        return request.query_text
    if request.query:
        return {
            name: ",".join(_clean(v) if isinstance(v, str) else "" for v in values)
            for name, values in request.query.items()
        }
    return None


def matching_rules(raw: Any, version: int) -> MatchingRules:
    """Matching rules in the V3/V4 shape (`{"body": {"$.id": [matcher, ...]}, "header": ...}`)."""
    if not isinstance(raw, Mapping):
        return {}
    rules: MatchingRules = {}
    if version < 3 and any(str(key).startswith("$.") for key in raw):
        for key, rule in raw.items():
            text = str(key)
            if not text.startswith("$.") or not isinstance(rule, Mapping):
                continue
            category, _, rest = text[2:].partition(".")
            category, bracket, tail = category.partition("[")
            path = "$" + (("[" + tail) if bracket else "") + ("." + rest if rest else "")
            rules.setdefault(category.rstrip("s") if category == "headers" else category, {})[path] = [
                dict(rule)
            ]
        return rules
    for category, entries in raw.items():
        if not isinstance(entries, Mapping):
            continue
        name = "header" if category == "headers" else str(category)
        if "matchers" in entries and isinstance(entries.get("matchers"), list):  # e.g. a V3 path rule
            rules.setdefault(name, {})["$"] = [dict(m) for m in entries["matchers"] if isinstance(m, Mapping)]
            continue
        for path, rule in entries.items():
            if isinstance(rule, Mapping) and isinstance(rule.get("matchers"), list):
                matchers = [dict(m) for m in rule["matchers"] if isinstance(m, Mapping)]
                key = str(path)
                if name in {"header", "query"} and not key.startswith("$"):
                    key = f"$.{key}"
                rules.setdefault(name, {})[key] = matchers
    return rules


def parse_pact(document: Any, source: str = "<pact>") -> Pact:
    """A parsed pact document (V1-V4) read with the project's pact model; errors name `source`."""
    if not isinstance(document, Mapping):
        raise PactFormatError("[root]", "a pact must be a JSON object", source=source)
    try:
        return model_parse_pact(document)
    except PactFormatError as exc:
        raise exc.with_source(source) from exc


def load_pact_file(path: str | Path) -> Pact:
    """Read a pact file with the project's pact reader (`contracts.pactfile.load_pact`: UTF-8 with or
    without a byte-order mark, errors naming the JSON location), so every command accepts the same files."""
    try:
        return require_usable(load_pact(path), str(path))
    except PactFormatError as exc:
        raise exc.with_source(str(path)) from exc
