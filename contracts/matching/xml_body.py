"""Comparing XML bodies: elements by name (namespace URI + local name), attributes, children grouped
by name, and text, with rules at paths like `$.root.child['@attr']` and `$.root.child['#text']`."""

from __future__ import annotations

import functools
import xml.etree.ElementTree as ET
from collections.abc import Iterable

from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException

from contracts.matching.matchers import apply_rules, check_string
from contracts.matching.paths import render_path
from contracts.mismatches import Mismatch, MismatchKind
from contracts.rules import Matcher, MatcherKind, RuleCategory, ValueToken


class XmlParseError(ValueError):
    pass


def parse_xml(text: str | bytes) -> ET.Element:
    try:
        return SafeET.fromstring(text)
    except (ET.ParseError, DefusedXmlException) as exc:
        raise XmlParseError(str(exc)) from exc


@functools.lru_cache(maxsize=512)
def _parse_expected(text: str | bytes) -> ET.Element:
    """Expected bodies come from pacts and are matched many times: parse each once (never mutated)."""
    return parse_xml(text)


def split_name(tag: str) -> tuple[str | None, str]:
    if tag.startswith("{"):
        uri, _, local = tag[1:].partition("}")
        return uri, local
    return None, tag


def element_text(element: ET.Element) -> str:
    """All direct text nodes of the element, each trimmed, concatenated."""
    parts = [(element.text or "").strip()]
    parts.extend((child.tail or "").strip() for child in element)
    return "".join(parts)


def _names_equal(expected: str, actual: str) -> bool:
    expected_uri, expected_local = split_name(expected)
    actual_uri, actual_local = split_name(actual)
    if expected_local != actual_local:
        return False
    # [ref]: a namespace only the actual declares is accepted; different namespace URIs are not.
    return expected_uri is None or expected_uri == actual_uri


def _display(tag: str) -> str:
    return split_name(tag)[1]


def _group(children: Iterable[ET.Element]) -> dict[str, list[ET.Element]]:
    groups: dict[str, list[ET.Element]] = {}
    for child in children:
        groups.setdefault(child.tag, []).append(child)
    return groups


class XmlComparer:
    __slots__ = ("mismatches", "rules", "strict")

    def __init__(self, rules: RuleCategory, strict: bool) -> None:
        self.rules = rules
        self.strict = strict
        self.mismatches: list[Mismatch] = []

    def fail(self, path: tuple[ValueToken, ...], expected: object, actual: object, message: str) -> None:
        self.mismatches.append(Mismatch(MismatchKind.BODY, render_path(path), expected, actual, message))

    def compare_root(self, expected: ET.Element, actual: ET.Element) -> None:
        self.compare((_display(expected.tag),), expected, actual)

    def compare(self, path: tuple[ValueToken, ...], expected: ET.Element, actual: ET.Element) -> None:
        own = self.rules.defined_at(path) if self.rules else None
        if own is not None:
            messages = apply_rules(own, lambda m: self._element_rule(m, expected, actual))
        elif _names_equal(expected.tag, actual.tag):
            messages = []
        else:
            messages = [
                f"Expected element <{_display(expected.tag)}/> but received <{_display(actual.tag)}/>"
            ]
        if messages:
            for message in messages:
                self.fail(path, _display(expected.tag), _display(actual.tag), message)
            return
        self._compare_attributes(path, expected, actual)
        self._compare_children(path, expected, actual)
        self._compare_text(path, expected, actual)

    def _element_rule(self, matcher: Matcher, expected: ET.Element, actual: ET.Element) -> str | None:
        kind = matcher.kind
        if kind is MatcherKind.REGEX:
            return check_string(matcher, _display(expected.tag), _display(actual.tag))
        if kind is MatcherKind.NOT_EMPTY:
            return None if len(actual) else f"Expected <{_display(actual.tag)}/> to have at least one child"
        if not _names_equal(expected.tag, actual.tag):
            return f"Expected element <{_display(expected.tag)}/> but received <{_display(actual.tag)}/>"
        if kind is MatcherKind.TYPE and matcher.sized:
            size = len(actual)
            if matcher.min is not None and size < matcher.min:
                return (
                    f"Expected <{_display(actual.tag)}/> (size {size}) to have minimum size of {matcher.min}"
                )
            if matcher.max is not None and size > matcher.max:
                return (
                    f"Expected <{_display(actual.tag)}/> (size {size}) to have maximum size of {matcher.max}"
                )
        return None

    def _compare_attributes(
        self, path: tuple[ValueToken, ...], expected: ET.Element, actual: ET.Element
    ) -> None:
        want = expected.attrib
        got = actual.attrib
        if self.strict and len(want) != len(got):
            self.fail(
                path,
                dict(want),
                dict(got),
                f"Expected {len(want)} attribute(s) {sorted(want)} on <{_display(expected.tag)}/> "
                f"but received {len(got)}: {sorted(got)}",
            )
        for name, value in want.items():
            attribute_path = (*path, "@" + _display(name))
            if name not in got:
                self.fail(
                    attribute_path, value, None, f"Expected attribute '{_display(name)}' but was missing"
                )
                continue
            self._compare_string(attribute_path, value, got[name], "attribute")

    def _compare_string(self, path: tuple[ValueToken, ...], expected: str, actual: str, what: str) -> None:
        selected = self.rules.select(path) if self.rules else None
        if selected is None:
            if expected != actual:
                self.fail(path, expected, actual, f"Expected {what} '{expected}' but received '{actual}'")
            return
        for message in apply_rules(selected.rules, lambda m: check_string(m, expected, actual)):
            self.fail(path, expected, actual, message)

    def _compare_children(
        self, path: tuple[ValueToken, ...], expected: ET.Element, actual: ET.Element
    ) -> None:
        expected_groups = _group(expected)
        actual_groups = _group(actual)
        if self.strict and not expected_groups and actual_groups:
            self.fail(
                path,
                [],
                [_display(tag) for tag in actual_groups],
                f"Expected no children on <{_display(expected.tag)}/> but received "
                + ", ".join(f"<{_display(tag)}/>" for tag in actual_groups),
            )
            return
        for tag, actual_children in actual_groups.items():
            expected_tag = next((name for name in expected_groups if _names_equal(name, tag)), None)
            child_path = (*path, _display(tag))
            selected = self.rules.select(child_path) if self.rules else None
            typed = selected is not None and any(m.kind is MatcherKind.TYPE for m in selected.rules.matchers)
            if expected_tag is None:
                if self.strict or typed:
                    self.fail(child_path, None, _display(tag), f"Unexpected child <{_display(tag)}/>")
                continue
            expected_children = expected_groups[expected_tag]
            if typed:
                for child in actual_children:
                    self.compare(child_path, expected_children[0], child)
                continue
            for index, child in enumerate(expected_children):
                if index < len(actual_children):
                    self.compare(child_path, child, actual_children[index])
                else:
                    self.fail(
                        child_path, _display(tag), None, f"Expected child <{_display(tag)}/> but was missing"
                    )
            if self.strict and len(actual_children) > len(expected_children):
                self.fail(
                    child_path,
                    len(expected_children),
                    len(actual_children),
                    f"Expected {len(expected_children)} <{_display(tag)}/> child element(s) "
                    f"but received {len(actual_children)}",
                )
        for tag in expected_groups:
            if not any(_names_equal(tag, name) for name in actual_groups):
                self.fail(
                    (*path, _display(tag)),
                    _display(tag),
                    None,
                    f"Expected child <{_display(tag)}/> but was missing",
                )

    def _compare_text(self, path: tuple[ValueToken, ...], expected: ET.Element, actual: ET.Element) -> None:
        want = element_text(expected)
        got = element_text(actual)
        text_path = (*path, "#text")
        selected = self.rules.select(text_path) if self.rules else None
        if selected is None:
            if want != got:
                self.fail(text_path, want, got, f"Expected text '{want}' but received '{got}'")
            return
        for message in apply_rules(selected.rules, lambda m: check_string(m, want, got)):
            self.fail(text_path, want, got, message)


def compare_xml(
    expected: str | bytes, actual: str | bytes, rules: RuleCategory, *, strict: bool
) -> list[Mismatch]:
    try:
        expected_root = _parse_expected(expected)
    except XmlParseError as exc:
        return [Mismatch(MismatchKind.BODY, "$", None, None, f"The expected body is not valid XML: {exc}")]
    try:
        actual_root = parse_xml(actual)
    except XmlParseError as exc:
        return [
            Mismatch(MismatchKind.BODY, "$", None, None, f"Failed to parse the actual body as XML: {exc}")
        ]
    comparer = XmlComparer(rules, strict)
    comparer.compare_root(expected_root, actual_root)
    return comparer.mismatches
