"""The JSON Schema keywords Tether reads the OpenAPI way (shared by the validators of `schemas.py`).

JavaScript's (ajv's) types, `required` and `additionalProperties` with ajv's messages, `$ref` chains
that loop, ECMAScript `pattern`s, parameter coercion inside `anyOf`/`oneOf`, discriminator branches,
and OpenAPI's reading of `allOf` as one merged object.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from jsonschema import Draft7Validator, ValidationError

from contracts.openapi.coercion import coerce
from contracts.openapi.ecmaregex import pattern_search

__all__ = [
    "LATER_KEYWORDS",
    "SUBSCHEMA_KEYS",
    "RefCycle",
    "additional_properties_keyword",
    "check_ref_chain",
    "coercing_branches",
    "deref",
    "discriminated_branch",
    "is_type",
    "known_property",
    "merge_all_of",
    "pattern_keyword",
    "pattern_properties_keyword",
    "required_keyword",
]


def _types(schema: Mapping[str, Any]) -> list[str]:
    declared = schema.get("type")
    if isinstance(declared, str):
        return [declared]
    if isinstance(declared, list):
        return [t for t in declared if isinstance(t, str)]
    return []


def is_type(instance: Any, name: Any) -> bool:
    """JSON types as JavaScript (and so ajv) sees them: 1.0 is an integer; unknown type names pass."""
    if name == "object":
        return isinstance(instance, dict)
    if name == "array":
        return isinstance(instance, list)
    if name == "string":
        return isinstance(instance, str)
    if name == "boolean":
        return isinstance(instance, bool)
    if name == "null":
        return instance is None
    if name == "number":
        return isinstance(instance, int | float) and not isinstance(instance, bool)
    if name == "integer":
        if isinstance(instance, bool):
            return False
        return isinstance(instance, int) or (isinstance(instance, float) and instance.is_integer())
    return True


def known_property(schema: Mapping[str, Any], name: str) -> bool:
    properties = schema.get("properties")
    if isinstance(properties, Mapping) and name in properties:
        return True
    patterns = schema.get("patternProperties")
    if isinstance(patterns, Mapping):
        return any(pattern_search(pattern, name) for pattern in patterns)
    return False


def required_keyword(
    validator: Any, required: Any, instance: Any, schema: Mapping[str, Any]
) -> Iterator[ValidationError]:
    if not validator.is_type(instance, "object") or not isinstance(required, list):
        return
    for name in required:
        if name not in instance:
            yield ValidationError(f"must have required property '{name}'")


def additional_properties_keyword(
    validator: Any, additional: Any, instance: Any, schema: Mapping[str, Any]
) -> Iterator[ValidationError]:
    if not validator.is_type(instance, "object"):
        return
    extras = [name for name in instance if not known_property(schema, name)]
    if validator.is_type(additional, "object"):
        for name in extras:
            yield from validator.descend(instance[name], additional, path=name)
    elif additional is False:
        for name in extras:
            yield ValidationError(
                f"must NOT have additional properties - {name}", path=[name], instance=instance[name]
            )


class RefCycle(Exception):
    """A chain of schemas that are nothing but ``$ref``s leads back to itself (validation would never end)."""

    def __init__(self, chain: list[str]) -> None:
        super().__init__(" -> ".join(chain))
        self.chain = chain


def check_ref_chain(value: str, contents: Any, resolver: Any) -> None:
    """Follow schemas that are only a ``$ref`` from `value`; raise `RefCycle` if the chain loops."""
    chain, seen = [value], {(resolver._base_uri, value)}
    while isinstance(contents, Mapping) and set(contents) == {"$ref"} and isinstance(contents["$ref"], str):
        target = contents["$ref"]
        chain.append(target)
        if (resolver._base_uri, target) in seen:
            raise RefCycle(chain)
        seen.add((resolver._base_uri, target))
        resolved = resolver.lookup(target)
        contents, resolver = resolved.contents, resolved.resolver


def pattern_keyword(
    validator: Any, pattern: Any, instance: Any, schema: Mapping[str, Any]
) -> Iterator[ValidationError]:
    if isinstance(pattern, str) and isinstance(instance, str) and not pattern_search(pattern, instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


def pattern_properties_keyword(
    validator: Any, patterns: Any, instance: Any, schema: Mapping[str, Any]
) -> Iterator[ValidationError]:
    if not isinstance(instance, dict) or not isinstance(patterns, Mapping):
        return
    for pattern, subschema in patterns.items():
        for name, value in instance.items():
            if pattern_search(pattern, name):
                yield from validator.descend(value, subschema, path=name, schema_path=pattern)


LATER_KEYWORDS = {
    name: Draft7Validator.VALIDATORS[name] for name in ("if", "const", "contains", "propertyNames")
}


def coercing_branches(
    validator: Any, branches: list[Any], instance: Any, *, exactly_one: bool
) -> Iterator[ValidationError]:
    """anyOf/oneOf over a parameter value: each branch sees the value coerced to its own types.

    For oneOf, a value that exactly one branch accepts as it was sent (a string) is valid before any
    coercion: `oneOf: [{type: integer}, {type: string}]` (GitHub's `workflow_id`) accepts `1`, where ajv
    would coerce it for both branches and refuse it.
    """
    resolve = lambda s: deref(validator, s)  # noqa: E731
    if exactly_one and isinstance(instance, str):
        as_sent = [
            i for i, branch in enumerate(branches) if validator.evolve(schema=branch).is_valid(instance)
        ]
        if len(as_sent) == 1:
            return
    errors: list[ValidationError] = []
    matched: list[int] = []
    for index, branch in enumerate(branches):
        found = list(validator.descend(coerce(instance, branch, resolve), branch, schema_path=index))
        if found:
            errors.extend(found)
        else:
            matched.append(index)
            if not exactly_one:
                return
    if not matched:
        keyword = "oneOf" if exactly_one else "anyOf"
        yield ValidationError(
            f"must match {'exactly one schema' if exactly_one else 'a schema'} in {keyword}",
            context=errors,
        )
    elif len(matched) > 1:
        yield ValidationError("must match exactly one schema in oneOf")


def discriminated_branch(
    validator: Any, branches: list[Any], discriminator: Mapping[str, Any], prop: str, tag: str
) -> tuple[int, Any] | None:
    """The oneOf branch a discriminator value selects: by `mapping`, by the branch's const/enum for the
    property, or by the referenced schema's name."""
    mapping = discriminator.get("mapping")
    target = mapping.get(tag) if isinstance(mapping, Mapping) else None
    for index, branch in enumerate(branches):
        ref = branch.get("$ref") if isinstance(branch, Mapping) else None
        if target is not None:
            if ref == target or (
                isinstance(ref, str) and not target.startswith("#") and ref.endswith("/" + target)
            ):
                return index, branch
            continue
        resolved = deref(validator, branch)
        properties = resolved.get("properties") if isinstance(resolved, Mapping) else None
        spec = deref(validator, properties.get(prop)) if isinstance(properties, Mapping) else None
        if isinstance(spec, Mapping) and ("const" in spec or "enum" in spec):
            if spec.get("const") == tag or tag in (spec.get("enum") or []):
                return index, branch
        elif isinstance(ref, str) and ref.rsplit("/", 1)[-1] == tag:
            return index, branch
    return None


def deref(validator: Any, schema: Any) -> Any:
    seen = 0
    while isinstance(schema, Mapping) and isinstance(schema.get("$ref"), str) and seen < 50:
        schema = validator._resolver.lookup(schema["$ref"]).contents
        seen += 1
    return schema


SUBSCHEMA_KEYS = frozenset({"items", "additionalProperties", "contains", "propertyNames"})


def merge_all_of(
    validator: Any, schema: Mapping[str, Any], cache: dict[int, dict[str, Any]]
) -> dict[str, Any]:
    """OpenAPI reads `allOf` as one object made of all branches; merge them (through `$ref`s).
    The cache is keyed by the schema's id: the document keeps every schema alive as long as the cache."""
    cached = cache.get(id(schema))
    if cached is not None:
        return cached
    merged: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
    for branch in schema.get("allOf", []):
        resolved = deref(validator, branch)
        if not isinstance(resolved, Mapping):
            continue
        if "allOf" in resolved:
            resolved = merge_all_of(validator, resolved, cache)
        for key, value in resolved.items():
            if key == "properties" and isinstance(value, Mapping):
                props = dict(merged.get("properties", {}))
                for name, sub in value.items():
                    # a property declared by several branches must satisfy all of them
                    props[name] = {"allOf": [props[name], sub]} if name in props else sub
                merged["properties"] = props
            elif (
                key in SUBSCHEMA_KEYS and isinstance(value, Mapping) and isinstance(merged.get(key), Mapping)
            ):
                merged[key] = {"allOf": [merged[key], value]}
            elif key == "required" and isinstance(value, list):
                merged["required"] = list(dict.fromkeys([*merged.get("required", []), *value]))
            elif key not in merged:
                merged[key] = value
    cache[id(schema)] = merged
    return merged
