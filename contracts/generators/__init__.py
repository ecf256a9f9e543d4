"""Pact generators: fresh concrete values for requests, responses and messages.

* :func:`generate_value` — one value for one generator definition (RandomInt, RandomDecimal,
  RandomHexadecimal, RandomString, Regex, Uuid, Date, Time, DateTime, RandomBoolean, ProviderState,
  MockServerURL).
* :func:`generate_request`, :func:`generate_response`, :func:`generate_message` — a pact-file-shaped
  part with all its generators applied (categories body/content, header, query, path, status,
  metadata).
* :func:`example_for_matcher`, :func:`example_for_rules`, :func:`refresh_body` — fresh values that
  satisfy matching rules, for parts that carry rules but no generators.
"""

from __future__ import annotations

from contracts.generators.examples import example_for_matcher, example_for_rules, matcher_kind, refresh_body
from contracts.generators.json_paths import parse_json_path
from contracts.generators.parts import (
    apply_body_generators,
    generate_message,
    generate_request,
    generate_response,
)
from contracts.generators.values import (
    GENERATOR_TYPES,
    UUID_FORMATS,
    GeneratorContext,
    GeneratorMode,
    evaluate_expression,
    generate_value,
    generator_type,
    string_from_regex,
)

__all__ = [
    "GENERATOR_TYPES",
    "UUID_FORMATS",
    "GeneratorContext",
    "GeneratorMode",
    "apply_body_generators",
    "evaluate_expression",
    "example_for_matcher",
    "example_for_rules",
    "generate_message",
    "generate_request",
    "generate_response",
    "generate_value",
    "generator_type",
    "matcher_kind",
    "parse_json_path",
    "refresh_body",
    "string_from_regex",
]
