"""Comparing bodies and message contents: presence, the content-type gate, then dispatch by type."""

from __future__ import annotations

import json
from email import message_from_bytes
from email.message import Message

from contracts.matching.json_body import compare_json
from contracts.matching.json_plan import JsonPlan
from contracts.matching.matchers import apply_rules, check_bytes, check_string
from contracts.matching.parts import Body, Presence, value_body
from contracts.matching.query import compare_query
from contracts.matching.values import Json
from contracts.matching.xml_body import compare_xml
from contracts.media_types import BodyKind, equivalent
from contracts.mismatches import Mismatch, MismatchKind
from contracts.querystrings import parse_query
from contracts.rules import RuleCategory, RuleList

BODY = MismatchKind.BODY


def _one(
    path: str, expected: object, actual: object, message: str, kind: MismatchKind = BODY
) -> list[Mismatch]:
    return [Mismatch(kind, path, expected, actual, message)]


def _preview(body: Body) -> str:
    text = body.as_text()
    return text if len(text) <= 200 else text[:200] + "..."


def compare_bodies(
    expected: Body,
    actual: Body,
    rules: RuleCategory,
    *,
    strict: bool,
    content_type_rule: RuleList | None = None,
    json_plan: JsonPlan | None = None,
) -> list[Mismatch]:
    """Presence table first (absent = don't care, null/empty = must be empty), then the contents."""
    if expected.presence is Presence.MISSING:
        return []
    if expected.presence in (Presence.NULL, Presence.EMPTY):
        if actual.presence is Presence.PRESENT:
            return _one(
                "$", None, _preview(actual), f"Expected an empty body but received '{_preview(actual)}'"
            )
        return []
    if actual.presence is not Presence.PRESENT:
        root = rules.defined_at(()) if rules else None
        # An empty and an absent HTTP body are the same bytes: a rule on the whole binary body decides.
        if (
            actual.presence in (Presence.EMPTY, Presence.MISSING)
            and root is not None
            and expected.kind is BodyKind.BINARY
        ):
            return _binary(expected, Body(Presence.EMPTY, actual.content_type, raw=b""), rules)
        state = "missing" if actual.presence is Presence.MISSING else actual.presence.value
        return _one(
            "$",
            _preview(expected),
            None,
            f"Expected a body of '{_preview(expected)}' but the body was {state}",
        )
    if (
        expected.content_type
        and actual.content_type
        and not equivalent(expected.content_type, actual.content_type)
        and not _rule_accepts(content_type_rule, expected.content_type, actual.content_type)
    ):
        return _one(
            "$",
            expected.content_type,
            actual.content_type,
            f"Expected a body of '{expected.content_type}' but the actual content type was '{actual.content_type}'",
            MismatchKind.BODY_TYPE,
        )
    return compare_contents(expected, actual, rules, strict=strict, json_plan=json_plan)


def expected_json(expected: Body) -> Json:
    """The JSON document of an expected JSON body (a body that is not valid JSON is a JSON string)."""
    return expected.json if expected.has_json else expected.as_text()


def json_plan_for(expected: Body, rules: RuleCategory, *, strict: bool) -> JsonPlan | None:
    """A compiled plan for an expected JSON body, or None when the body is not compared as JSON."""
    if expected.presence is not Presence.PRESENT or expected.kind is not BodyKind.JSON:
        return None
    return JsonPlan(expected_json(expected), rules, strict=strict)


def _rule_accepts(rule: RuleList | None, expected: str, actual: str) -> bool:
    return rule is not None and not apply_rules(rule, lambda m: check_string(m, expected, actual))


def compare_contents(
    expected: Body, actual: Body, rules: RuleCategory, *, strict: bool, json_plan: JsonPlan | None = None
) -> list[Mismatch]:
    kind = expected.kind
    root = rules.defined_at(()) if rules else None
    if (
        kind is BodyKind.TEXT
        and root is not None
        and any(m.kind.value == "contentType" for m in root.matchers)
    ):
        kind = BodyKind.BINARY
    if kind is BodyKind.JSON:
        want = expected_json(expected)
        if actual.has_json:
            got = actual.json
        elif actual.json_error is not None:
            return _one(
                "$", want, actual.as_text(), f"Failed to parse the actual body as JSON: {actual.json_error}"
            )
        else:
            try:
                got = json.loads(actual.as_text())
            except ValueError as exc:
                return _one("$", want, actual.as_text(), f"Failed to parse the actual body as JSON: {exc}")
        if json_plan is not None:
            return json_plan.match(got)
        return compare_json(want, got, rules, strict=strict)
    if kind is BodyKind.XML:
        return compare_xml(expected.as_text(), actual.as_bytes(), rules, strict=strict)
    if kind is BodyKind.FORM:
        return _form(expected, actual, rules)
    if kind is BodyKind.MULTIPART:
        return _multipart(expected, actual, rules, strict=strict)
    if kind is BodyKind.BINARY:
        return _binary(expected, actual, rules)
    return _text(expected, actual, rules)


def _text(expected: Body, actual: Body, rules: RuleCategory) -> list[Mismatch]:
    want = expected.as_text()
    got = actual.as_text()
    root = rules.select(()) if rules else None
    if root is not None:
        return [
            Mismatch(BODY, "$", want, got, message)
            for message in apply_rules(root.rules, lambda m: check_string(m, want, got))
        ]
    if want == got:
        return []
    return _one("$", want, got, f"Expected body '{want}' to match '{got}' using equality but did not match")


def _describe(content_type: str | None, data: bytes) -> str:
    return f"[{content_type or 'unknown'}, {len(data)} bytes, starting with {data[:32].hex()}]"


def _binary(expected: Body, actual: Body, rules: RuleCategory) -> list[Mismatch]:
    want = expected.as_bytes()
    got = actual.as_bytes()
    root = rules.select(()) if rules else None
    if root is not None:
        return [
            Mismatch(
                BODY,
                "$",
                _describe(expected.content_type, want),
                _describe(actual.content_type, got),
                message,
            )
            for message in apply_rules(root.rules, lambda m: check_bytes(m, want, got))
        ]
    if want == got:
        return []
    shown_want = _describe(expected.content_type, want)
    shown_got = _describe(actual.content_type, got)
    return _one(
        "$", shown_want, shown_got, f"Actual body {shown_got} is not equal to the expected body {shown_want}"
    )


def _form(expected: Body, actual: Body, rules: RuleCategory) -> list[Mismatch]:
    want = parse_query(expected.as_text())
    got = parse_query(actual.as_text())

    def rule_for(name: str) -> RuleList | None:
        selected = rules.select((name,)) if rules else None
        return None if selected is None else selected.rules

    return compare_query(
        want, got, rule_for, label="form post parameter", kind=BODY, path_of=lambda name: f"$.{name}"
    )


def _parts(body: Body) -> dict[str, Message] | None:
    header = f"Content-Type: {body.content_type}\r\n\r\n".encode()
    message = message_from_bytes(header + body.as_bytes())
    if not message.is_multipart():
        return None
    parts: dict[str, Message] = {}
    for index, part in enumerate(message.get_payload()):
        assert isinstance(part, Message)
        name = part.get_param("name", header="content-disposition")
        parts[str(name) if name else str(index)] = part
    return parts


def _multipart(expected: Body, actual: Body, rules: RuleCategory, *, strict: bool) -> list[Mismatch]:
    want = _parts(expected)
    got = _parts(actual)
    if want is None:
        return _binary(expected, actual, rules)
    if got is None:
        return _one(
            "$", expected.content_type, actual.content_type, "Failed to parse the actual body as multipart"
        )
    mismatches: list[Mismatch] = []
    for name, part in want.items():
        other = got.get(name)
        if other is None:
            mismatches.extend(
                _one(f"$.{name}", name, None, f"Expected a multipart part named '{name}' but was missing")
            )
            continue
        part_rules = (
            RuleCategory(tuple((path[1:], rule) for path, rule in rules.entries if path[:1] == (name,)))
            if rules
            else rules
        )
        part_type = part.get_content_type()
        want_body = value_body(part.get_payload(decode=True), part_type)
        got_body = value_body(other.get_payload(decode=True), other.get_content_type())
        for mismatch in compare_bodies(want_body, got_body, part_rules, strict=strict):
            path = f"$.{name}" + mismatch.path[1:]
            mismatches.append(
                Mismatch(mismatch.kind, path, mismatch.expected, mismatch.actual, mismatch.message)
            )
    return mismatches
