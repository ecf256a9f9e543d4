"""JSON Schema validation of pact values against OpenAPI schemas, with one compiled validator per schema.

Dialects: Swagger 2.0 and OpenAPI 3.0 schemas are Draft 4 (with 3.0's `nullable`), OpenAPI 3.1 schemas are
2020-12. `$ref`s are resolved lazily through the document's `referencing` registry, so validators never
inline (or copy) the spec.

Three modes, as in PactFlow's comparator:

- request bodies: plain validation;
- parameters (path, query, header): values are strings, coerced to the schema's scalar types first;
- response bodies: strict on unknown properties (an object schema without `additionalProperties` accepts
  no undeclared property; `allOf` branches are merged first so their properties add up) and lenient on
  missing `required` ones. `--additional-properties-in-response` and `--required-properties-in-response`
  flip those two.

Messages follow ajv's wording (`must be integer`, `must have required property 'id'`, ...), which is what
the PactFlow tools print.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any
from urllib.parse import unquote

import referencing.exceptions
from jsonschema import Draft4Validator, Draft7Validator, Draft202012Validator, ValidationError, validators

from contracts.openapi.coercion import coerce
from contracts.openapi.document import (
    OpenAPIDocument,
    OpenAPIError,
    escape_pointer_token,
    pointer_to_location,
)
from contracts.openapi.ecmaregex import InvalidPattern
from contracts.openapi.formats import make_format_checker
from contracts.openapi.keywords import (
    LATER_KEYWORDS,
    RefCycle,
    additional_properties_keyword,
    check_ref_chain,
    coercing_branches,
    discriminated_branch,
    is_type,
    known_property,
    merge_all_of,
    pattern_keyword,
    pattern_properties_keyword,
    required_keyword,
)

FORMAT_CHECKER = make_format_checker()

__all__ = [
    "FORMAT_CHECKER",
    "Mode",
    "SchemaOptions",
    "SchemaProblem",
    "SchemaValidators",
    "ajv_message",
    "coerce",
]


class Mode(Enum):
    REQUEST = "request"
    PARAMETER = "parameter"
    RESPONSE = "response"


@dataclass(frozen=True)
class SchemaOptions:
    additional_properties_in_response: bool = False
    required_properties_in_response: bool = False


@dataclass(frozen=True)
class SchemaProblem:
    keyword: str
    message: str
    instance_path: tuple[str | int, ...]
    value: Any
    schema_value: Any
    uri: str | None  # document holding the failing keyword (None: unknown)
    pointer: str | None  # JSON pointer of the failing keyword inside it


class _Caches:
    """Per-document caches shared by the validator classes of one `SchemaValidators`."""

    def __init__(self) -> None:
        self.refs: dict[tuple[str, str], tuple[Any, Any]] = {}
        self.merged: dict[int, dict[str, Any]] = {}
        self.conditional: set[int] = set()  # ids of `then`/`else` schemas


def _validator_class(dialect: str, mode: Mode, options: SchemaOptions, caches: _Caches) -> Any:
    base: Any = Draft202012Validator if dialect == "3.1" else Draft4Validator
    base_all_of = base.VALIDATORS["allOf"]
    base_one_of = base.VALIDATORS["oneOf"]
    base_any_of = base.VALIDATORS["anyOf"]
    coercing = mode is Mode.PARAMETER
    base_if = Draft7Validator.VALIDATORS["if"]
    # `nullable: true` (OpenAPI 3.0; left over in many 3.1 and 2.0 documents) adds null, as the comparator reads it
    nullable = True
    strict = mode is Mode.RESPONSE and not options.additional_properties_in_response
    lenient_required = mode is Mode.RESPONSE and not options.required_properties_in_response

    def type_(
        validator: Any, types: Any, instance: Any, schema: Mapping[str, Any]
    ) -> Iterator[ValidationError]:
        if instance is None and nullable and schema.get("nullable") is True:
            return
        names = [types] if isinstance(types, str) else types if isinstance(types, list) else []
        if names and not any(is_type(instance, name) for name in names):
            yield ValidationError(f"must be {','.join(str(n) for n in names)}")
            return
        if (
            strict
            and types == "object"
            and not (nullable and schema.get("nullable") is True)  # read as type [object, null]
            and schema.get("additionalProperties", True) is True
            and not any(k in schema for k in ("oneOf", "anyOf", "allOf"))
            and isinstance(instance, dict)
        ):
            for name in instance:
                if not known_property(schema, name):
                    yield ValidationError(
                        f"must NOT have additional properties - {name}",
                        path=[name],
                        instance=instance[name],
                        validator="additionalProperties",
                        validator_value=False,
                    )

    def required(
        validator: Any, value: Any, instance: Any, schema: Mapping[str, Any]
    ) -> Iterator[ValidationError]:
        if lenient_required and "oneOf" not in schema and id(schema) not in caches.conditional:
            return
        yield from required_keyword(validator, value, instance, schema)

    def all_of(
        validator: Any, branches: Any, instance: Any, schema: Mapping[str, Any]
    ) -> Iterator[ValidationError]:
        if not strict:
            yield from base_all_of(validator, branches, instance, schema)
            return
        merged = merge_all_of(validator, schema, caches.merged)
        yield from validator.descend(instance, merged)

    def one_of(
        validator: Any, branches: Any, instance: Any, schema: Mapping[str, Any]
    ) -> Iterator[ValidationError]:
        discriminator = schema.get("discriminator")
        prop = discriminator.get("propertyName") if isinstance(discriminator, Mapping) else None
        if (
            not isinstance(discriminator, Mapping)
            or not isinstance(prop, str)
            or not isinstance(instance, dict)
            or not isinstance(branches, list)
        ):
            if coercing and isinstance(branches, list):
                yield from coercing_branches(validator, branches, instance, exactly_one=True)
            else:
                yield from base_one_of(validator, branches, instance, schema)
            return
        tag = instance.get(prop)
        if prop not in instance:
            yield ValidationError(f"must have required property '{prop}'", validator="required")
        if not isinstance(tag, str):
            yield ValidationError(f'tag "{prop}" must be string', validator="discriminator")
            return
        branch = discriminated_branch(validator, branches, discriminator, prop, tag)
        if branch is None:
            yield ValidationError(
                f'value of tag "{prop}" must be in oneOf',
                validator="discriminator",
                instance=tag,
                path=[prop],
            )
            return
        index, chosen = branch
        yield from validator.descend(instance, chosen, schema_path=index)

    def if_(
        validator: Any, condition: Any, instance: Any, schema: Mapping[str, Any]
    ) -> Iterator[ValidationError]:
        # `then`/`else` keep their `required` in responses: choosing one is what the condition is for
        for branch in ("then", "else"):
            if isinstance(schema.get(branch), Mapping):
                caches.conditional.add(id(schema[branch]))
        yield from base_if(validator, condition, instance, schema)

    def any_of(
        validator: Any, branches: Any, instance: Any, schema: Mapping[str, Any]
    ) -> Iterator[ValidationError]:
        if coercing and isinstance(branches, list):
            yield from coercing_branches(validator, branches, instance, exactly_one=False)
        else:
            yield from base_any_of(validator, branches, instance, schema)

    def ref(
        validator: Any, value: Any, instance: Any, schema: Mapping[str, Any]
    ) -> Iterator[ValidationError]:
        # referencing's lookup is the hot spot of deep schemas: resolve each (base, $ref) pair once
        resolver = validator._resolver
        key = (resolver._base_uri, value)
        hit = caches.refs.get(key)
        if hit is None:
            resolved = resolver.lookup(value)
            check_ref_chain(value, resolved.contents, resolved.resolver)
            hit = (resolved.contents, resolved.resolver)
            caches.refs[key] = hit
        yield from validator.descend(instance, hit[0], resolver=hit[1])

    extended = validators.extend(  # type: ignore[no-untyped-call]
        base,
        {
            "type": type_,
            "required": required,
            "additionalProperties": additional_properties_keyword,
            "allOf": all_of,
            "$ref": ref,
            "oneOf": one_of,
            "anyOf": any_of,
            "pattern": pattern_keyword,  # ECMAScript regular expressions, not Python's
            "patternProperties": pattern_properties_keyword,
            # ajv (draft 2019-09) reads these in OpenAPI 3.0 and Swagger 2.0 schemas too
            **({} if dialect == "3.1" else LATER_KEYWORDS),
            "if": if_,
        },
    )
    return extended


def ajv_message(error: ValidationError) -> str:
    keyword = str(error.validator)
    value = error.validator_value
    if keyword == "discriminator" or (
        keyword in {"type", "required", "additionalProperties"} and error.message.startswith("must")
    ):
        return error.message
    simple: dict[str, Callable[[Any], str]] = {
        "enum": lambda v: "must be equal to one of the allowed values",
        "const": lambda v: "must be equal to constant",
        "format": lambda v: f'must match format "{v}"',
        "pattern": lambda v: f'must match pattern "{v}"',
        "minLength": lambda v: f"must NOT have fewer than {v} characters",
        "maxLength": lambda v: f"must NOT have more than {v} characters",
        "minItems": lambda v: f"must NOT have fewer than {v} items",
        "maxItems": lambda v: f"must NOT have more than {v} items",
        "minProperties": lambda v: f"must NOT have fewer than {v} properties",
        "maxProperties": lambda v: f"must NOT have more than {v} properties",
        "uniqueItems": lambda v: "must NOT have duplicate items",
        "multipleOf": lambda v: f"must be multiple of {v}",
        "oneOf": lambda v: "must match exactly one schema in oneOf",
        "anyOf": lambda v: "must match a schema in anyOf",
        "not": lambda v: "must NOT be valid",
    }
    if keyword in simple:
        return simple[keyword](value)
    if keyword in {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"}:
        schema = error.schema if isinstance(error.schema, Mapping) else {}
        if keyword == "minimum":
            op = ">" if schema.get("exclusiveMinimum") is True else ">="
        elif keyword == "maximum":
            op = "<" if schema.get("exclusiveMaximum") is True else "<="
        else:
            op = ">" if keyword == "exclusiveMinimum" else "<"
        bound = value if not isinstance(value, bool) else schema.get(keyword.replace("exclusiveM", "m"))
        return f"must be {op} {bound}"
    return error.message


class SchemaValidators:
    """Compiles each schema's validator once (per mode) and maps failures back to spec locations."""

    def __init__(self, document: OpenAPIDocument, options: SchemaOptions | None = None) -> None:
        self.document = document
        self.options = options or SchemaOptions()
        self.dialect = document.version
        self._validators: dict[tuple[Mode, str], Any] = {}
        self._caches = _Caches()
        self._classes: dict[Mode, Any] = {}
        self._locations: dict[int, tuple[str, str]] | None = None
        self._reusable_indexed = False
        self._fully_indexed = False
        self._indexed_files: set[str] = set()
        self._pending_refs: list[str] = []  # local `$ref`s met by `_near`'s walks, not followed yet
        self._followed_refs: set[str] = set()
        self._indexed_subtrees: set[str] = set()

    def _validator(self, mode: Mode, key: str, schema: Any, base_uri: str) -> Any:
        cache_key = (mode, key)
        found = self._validators.get(cache_key)
        if found is None:
            cls = self._classes.get(mode)
            if cls is None:
                cls = _validator_class(self.dialect, mode, self.options, self._caches)
                self._classes[mode] = cls
            registry = self.document.registry
            found = cls(
                schema,
                registry=registry,
                format_checker=FORMAT_CHECKER,
                _resolver=registry.resolver(base_uri=base_uri),
            )
            self._validators[cache_key] = found
        return found

    def resolve(self, schema: Any, base_uri: str | None = None) -> Any:
        return self.document.resolve(schema, base_uri).contents if isinstance(schema, Mapping) else schema

    def validate(
        self, mode: Mode, key: str, schema: Any, instance: Any, base_uri: str | None = None
    ) -> list[SchemaProblem]:
        """Every problem of `instance` against `schema` (identified by `key`, e.g. its JSON pointer)."""
        base = base_uri or self.document.base_uri
        try:
            validator = self._validator(mode, key, schema, base)
            errors = list(validator.iter_errors(instance))
        except RefCycle as exc:
            raise OpenAPIError(
                self.document.source,
                self._location(key),
                f"$ref cycle {exc}: these schemas only refer to each other, so no value can be checked "
                "against them; give one of them real constraints",
            ) from exc
        except referencing.exceptions.Unretrievable as exc:
            cause = exc.__cause__ or exc
            raise OpenAPIError(
                self.document.source, self._location(key), f"$ref '{exc.ref}' cannot be read: {cause}"
            ) from exc
        except referencing.exceptions.Unresolvable as exc:
            ref = getattr(exc, "ref", None) or str(exc)
            raise OpenAPIError(
                self.document.source,
                self._location(key),
                f"$ref '{ref}' (reached from this schema) cannot be resolved",
            ) from exc
        except InvalidPattern as exc:
            raise OpenAPIError(self.document.source, self._location(key), str(exc)) from exc
        except (TypeError, AttributeError, ValueError, KeyError, IndexError) as exc:
            raise OpenAPIError(
                self.document.source,
                self._location(key),
                f"this schema (or one it references) is not a valid JSON Schema: {type(exc).__name__}: {exc}",
            ) from exc
        return [self._problem(error, key) for error in errors]

    def _location(self, key: str) -> str:
        uri, _, fragment = key.partition("#")
        where = pointer_to_location("#" + fragment)
        return where if uri == self.document.base_uri else f"{self.document.source_of(uri)}: {where}"

    def _problem(self, error: ValidationError, key: str) -> SchemaProblem:
        keyword = str(error.validator)
        uri, pointer = self._where(error.schema, keyword, key)
        if uri is None:
            # a schema built while validating (a merged allOf): name the place relative to the validated one
            key_uri, _, fragment = key.partition("#")
            uri = key_uri or self.document.base_uri
            pointer = (
                "#" + fragment + "".join("/" + escape_pointer_token(p) for p in error.relative_schema_path)
            )
        return SchemaProblem(
            keyword=keyword,
            message=ajv_message(error),
            instance_path=tuple(error.absolute_path),
            value=error.instance,
            schema_value=error.validator_value,
            uri=uri,
            pointer=pointer,
        )

    def _where(self, schema: Any, keyword: str, key: str = "") -> tuple[str | None, str | None]:
        """The document and JSON pointer of a failing keyword (found by the schema dict's identity)."""
        if self._locations is None:
            self._locations = {}
        found = self._locations.get(id(schema))
        if found is None and any(merged is schema for merged in self._caches.merged.values()):
            return None, None  # a merged allOf: built while validating, it is in no document
        if found is None and self.document.unique_nodes:
            found = self._near(schema, key)
        if found is None and not self._reusable_indexed:
            # index the reusable parts first; the whole document only if the schema is not there
            self._reusable_indexed = True
            root = self.document.root
            for section in ("components", "definitions"):
                if isinstance(root.get(section), dict):
                    self._index(root[section], self.document.base_uri, f"#/{section}")
            for uri, contents in self.document._files.items():
                self._index(contents, uri, "#")
                self._indexed_files.add(uri)
            found = self._locations.get(id(schema))
        if found is None and key and key not in self._indexed_subtrees:
            # the schema's own subtree (an inline schema under paths)
            self._indexed_subtrees.add(key)
            self._index_key(key)
            found = self._locations.get(id(schema))
        if found is None and not self._fully_indexed:
            self._fully_indexed = True
            self._index(self.document.root, self.document.base_uri, "#")
            found = self._locations.get(id(schema))
        if found is None:
            # a sibling file read after the index was built
            for uri, contents in list(self.document._files.items()):
                if uri not in self._indexed_files:
                    self._indexed_files.add(uri)
                    self._index(contents, uri, "#")
            found = self._locations.get(id(schema))
        if found is None:
            return None, None
        return found[0], f"{found[1]}/{escape_pointer_token(keyword)}"

    def _index_key(self, key: str) -> list[str]:
        """Index the subtree of the schema `key` names; its local `$ref`s (see `_index`)."""
        uri, _, fragment = key.partition("#")
        try:
            subtree = self.document.lookup("#" + fragment, uri).contents
        except OpenAPIError:
            return []
        return self._index(subtree, uri, "#" + fragment)

    def _near(self, schema: Any, key: str) -> tuple[str, str] | None:
        """Find a schema of a document whose nodes are unique without walking the whole document: index
        the validated schema's subtree, then the subtrees its local `$ref`s reach, transitively (where the
        validator could have gone). Whatever walk finds a unique node finds the same pointer; a schema not
        reached this way (one built while validating, a sibling file's) is left to the full search."""
        assert self._locations is not None
        base = self.document.base_uri
        if key and key not in self._indexed_subtrees:
            self._indexed_subtrees.add(key)
            self._pending_refs.extend(self._index_key(key))
        found = self._locations.get(id(schema))
        while found is None and self._pending_refs:
            ref = self._pending_refs.pop()
            if ref in self._followed_refs:
                continue
            self._followed_refs.add(ref)
            tokens = [unquote(t).replace("~1", "/").replace("~0", "~") for t in ref[1:].split("/")[1:]]
            pointer = "#" + "".join("/" + escape_pointer_token(t) for t in tokens)
            try:
                target = self.document.lookup(ref, base).contents
            except OpenAPIError:
                continue
            self._pending_refs.extend(self._index(target, base, pointer))
            found = self._locations.get(id(schema))
        return found

    def _index(self, node: Any, uri: str, pointer: str) -> list[str]:
        """Record the pointer of every dict under `node`; returns the local `$ref`s (`#/...`) met."""
        assert self._locations is not None
        refs: list[str] = []
        stack: list[tuple[Any, str]] = [(node, pointer)]
        while stack:
            current, where = stack.pop()
            if isinstance(current, dict):
                if id(current) in self._locations:
                    continue
                self._locations[id(current)] = (uri, where)
                for k, v in current.items():
                    if isinstance(v, dict | list):
                        stack.append((v, f"{where}/{escape_pointer_token(k)}"))
                    elif k == "$ref" and isinstance(v, str) and v.startswith("#/"):
                        refs.append(v)
            elif isinstance(current, list):
                for i, v in enumerate(current):
                    if isinstance(v, dict | list):
                        stack.append((v, f"{where}/{i}"))
        return refs
