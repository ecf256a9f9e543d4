"""The operations of an OpenAPI document, with everything the check needs resolved once.

Parameters are merged (operation-level first, then path-level, de-duplicated by name and location),
Swagger 2.0 `consumes`/`produces`/`security` inherit the document's, and every piece keeps its JSON pointer
so findings can say exactly where in the spec they come from.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from contracts.openapi.document import OpenAPIDocument, Resolved, escape_pointer_token
from contracts.openapi.router import Router

METHODS = ("get", "post", "put", "patch", "delete", "head", "options", "trace")
PARAMETER_KEYS = {"name", "in", "description", "required", "allowEmptyValue", "style", "explode", "example"}


@dataclass
class Parameter:
    name: str
    location: str  # path, query, header, cookie, body, formData
    required: bool
    schema: Any  # a schema dict (the parameter's `schema`, or a Swagger 2.0 parameter's own keywords)
    schema_pointer: str
    uri: str
    index: int
    node: Mapping[str, Any]
    style: str | None = None
    explode: bool | None = None
    collection_format: str | None = None

    types: list[str] = field(default_factory=list)  # see `allowed_types`

    @property
    def schema_types(self) -> list[str]:
        return self.types


def _declared_types(schema: Any) -> list[str]:
    declared = schema.get("type") if isinstance(schema, Mapping) else None
    if isinstance(declared, str):
        return [declared]
    return [t for t in declared if isinstance(t, str)] if isinstance(declared, list) else []


def allowed_types(document: OpenAPIDocument, schema: Any, uri: str, depth: int = 0) -> list[str]:
    """The types a parameter schema allows, through `$ref`s: its `type` (a `$ref`'s siblings first), else
    those of its `anyOf`/`oneOf` branches (FastAPI's `Optional[X]` is `anyOf: [X, {type: 'null'}]`)."""
    if not isinstance(schema, Mapping) or depth > 10:
        return []
    types = _declared_types(schema)
    if not types and isinstance(schema.get("$ref"), str):
        target = document.resolve(schema, uri)
        types = allowed_types(document, target.contents, target.uri, depth + 1)
    if types:
        return types
    for keyword in ("anyOf", "oneOf"):
        for branch in _list(schema.get(keyword)):
            types.extend(t for t in allowed_types(document, branch, uri, depth + 1) if t not in types)
    return types


@dataclass
class Operation:
    path: str
    method: str
    node: Mapping[str, Any]
    pointer: str
    parameters: list[Parameter]
    consumes: list[str] | None  # Swagger 2.0 only
    produces: list[str] | None  # Swagger 2.0 only
    security: list[Mapping[str, Any]] | None
    request_body: Resolved | None  # OpenAPI 3 only
    responses: Mapping[Any, Any] = field(default_factory=dict)

    @property
    def location(self) -> str:
        return f"[root].paths.{self.path}.{self.method}"


def _parameter(document: OpenAPIDocument, raw: Any, uri: str, pointer: str, index: int) -> Parameter | None:
    resolved = document.resolve(raw, uri, pointer)
    node = resolved.contents
    if not isinstance(node, Mapping) or not isinstance(node.get("name"), str):
        return None
    if isinstance(node.get("schema"), Mapping):
        schema: Any = node["schema"]
        schema_pointer = f"{resolved.pointer}/schema"
    else:
        schema = {k: v for k, v in node.items() if k not in PARAMETER_KEYS and k != "schema"}
        schema_pointer = resolved.pointer
    location = str(node.get("in", ""))
    explode = node.get("explode")
    return Parameter(
        name=node["name"],
        location=location,
        required=bool(node.get("required")) or location == "path",
        schema=schema,
        schema_pointer=schema_pointer,
        uri=resolved.uri,
        index=index,
        node=node,
        style=node.get("style") if isinstance(node.get("style"), str) else None,
        explode=explode if isinstance(explode, bool) else None,
        collection_format=node.get("collectionFormat")
        if isinstance(node.get("collectionFormat"), str)
        else None,
        types=allowed_types(document, schema, resolved.uri),
    )


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _media_types(value: Any) -> list[str]:
    return [t for t in value if isinstance(t, str)] if isinstance(value, list) else []


class OperationIndex:
    """Routers per HTTP method, built once per document."""

    def __init__(self, document: OpenAPIDocument) -> None:
        self.document = document
        root = document.root
        info = root.get("info") if isinstance(root.get("info"), Mapping) else {}
        assert isinstance(info, Mapping)
        self.config = {str(k)[13:]: v for k, v in info.items() if str(k).startswith("x-opc-config-")}
        base_path = self.config.get("base-path") or root.get("basePath") or ""
        self.base_path = str(base_path) if base_path != "/" else ""
        components = root.get("components") if isinstance(root.get("components"), Mapping) else {}
        assert isinstance(components, Mapping)
        schemes = root.get("securityDefinitions") or components.get("securitySchemes") or {}
        self.security_schemes: Mapping[str, Any] = schemes if isinstance(schemes, Mapping) else {}
        self.routers: dict[str, Router] = {}
        self.operations: dict[tuple[str, str], Operation] = {}
        self._raw: dict[tuple[str, str], tuple[Any, str]] = {}
        paths = root.get("paths") or {}
        for order, (path, item) in enumerate(paths.items()):
            item_pointer = f"#/paths/{escape_pointer_token(path)}"
            resolved = document.resolve(item, document.base_uri, item_pointer)
            if not isinstance(resolved.contents, Mapping):
                continue
            for method in resolved.contents:
                if str(method).lower() not in METHODS:
                    continue
                router = self.routers.get(str(method).lower())
                if router is None:
                    router = Router(
                        case_insensitive=bool(self.config.get("case-insensitive")),
                        trailing_slash=bool(self.config.get("ignore-trailing-slash")),
                        duplicate_slashes=bool(self.config.get("ignore-duplicate-slashes")),
                    )
                    self.routers[str(method).lower()] = router
                router.add(str(path), order, self.base_path)
                self._raw[(str(path), str(method).lower())] = (resolved, str(method))
        for router in self.routers.values():
            router.freeze()

    @property
    def operation_keys(self) -> list[tuple[str, str]]:
        """(path template, method) of every operation, in spec order."""
        return list(self._raw)

    def operation(self, path: str, method: str) -> Operation:
        """The operation for a template and method, built on first use and cached."""
        key = (path, method)
        found = self.operations.get(key)
        if found is None:
            found = self._build(path, method)
            self.operations[key] = found
        return found

    def _build(self, path: str, method: str) -> Operation:
        document = self.document
        item, raw_method = self._raw[(path, method)]
        node = item.contents[raw_method]
        pointer = f"{item.pointer}/{escape_pointer_token(raw_method)}"
        resolved_op = document.resolve(node, item.uri, pointer)
        node = resolved_op.contents if isinstance(resolved_op.contents, Mapping) else {}
        parameters: list[Parameter] = []
        seen: set[tuple[str, str]] = set()
        candidates: list[tuple[Any, str, str]] = []
        for i, raw in enumerate(_list(node.get("parameters"))):
            candidates.append((raw, resolved_op.uri, f"{resolved_op.pointer}/parameters/{i}"))
        for i, raw in enumerate(_list(item.contents.get("parameters"))):
            candidates.append((raw, item.uri, f"{item.pointer}/parameters/{i}"))
        for raw, uri, where in candidates:
            parameter = _parameter(document, raw, uri, where, len(parameters))
            if parameter is None or (parameter.name, parameter.location) in seen:
                continue
            seen.add((parameter.name, parameter.location))
            parameters.append(parameter)
        root = document.root
        consumes = produces = None
        request_body = None
        if document.is_swagger2:
            consumes = _media_types(node["consumes"] if "consumes" in node else root.get("consumes"))
            produces = _media_types(node["produces"] if "produces" in node else root.get("produces"))
        elif isinstance(node.get("requestBody"), Mapping):
            request_body = document.resolve(
                node["requestBody"], resolved_op.uri, f"{resolved_op.pointer}/requestBody"
            )
        security = node.get("security") if "security" in node else root.get("security")
        responses = node.get("responses") if isinstance(node.get("responses"), Mapping) else {}
        return Operation(
            path=path,
            method=method,
            node=node,
            pointer=resolved_op.pointer,
            parameters=parameters,
            consumes=consumes,
            produces=produces,
            security=list(security) if isinstance(security, list) else None,
            request_body=request_body,
            responses=responses or {},
        )
