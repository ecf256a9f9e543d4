"""OpenAPI document loading: Swagger 2.0, OpenAPI 3.0 and 3.1, JSON or YAML, with `$ref` resolution.

A document is read once; `$ref`s (local ones and ones into sibling files) are resolved lazily through a
`referencing.Registry`, and sibling files are read at most once. Every failure raises `OpenAPIError`,
which names the file and the location inside it.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

import referencing
import referencing.exceptions

from contracts.errors import ContractError
from contracts.pactfile import json_kind

__all__ = [
    "OpenAPIDocument",
    "OpenAPIError",
    "Resolved",
    "load_openapi",
    "parse_document_text",
    "parse_openapi",
    "pointer_to_location",
]

INLINE_URI = "urn:tether:openapi"


class OpenAPIError(ContractError):
    """An OpenAPI document cannot be read, parsed or resolved; names the file and the location."""

    def __init__(self, source: str, location: str, problem: str) -> None:
        self.source = source
        self.location = location
        self.problem = problem
        super().__init__(f"{source}: {location}: {problem}")


@functools.cache
def _yaml_loader() -> Any:
    """YAML as JSON sees it: dates and times stay strings (a schema's `enum: [2024-01-01]` means a string).
    Built (and `yaml` imported) on the first YAML document only: a JSON spec never pays for it."""
    import yaml

    base: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class _YamlLoader(base):  # type: ignore[valid-type,misc]
        pass

    _YamlLoader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in base.yaml_implicit_resolvers.items()
    }
    return _YamlLoader


def _is_json_text(text: str) -> bool:
    return text.lstrip().startswith(("{", "["))


def parse_document_text(text: str, source: str) -> Any:
    """Parse JSON (fast path) or YAML text; errors name the line and column."""
    if _is_json_text(text):
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise OpenAPIError(
                source, f"line {exc.lineno} column {exc.colno}", f"invalid JSON: {exc.msg}"
            ) from exc
    import yaml

    try:
        return yaml.load(text, Loader=_yaml_loader())
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1} column {mark.column + 1}" if mark is not None else "document"
        problem = getattr(exc, "problem", None) or str(exc)
        raise OpenAPIError(source, where, f"invalid YAML: {problem}") from exc


def _read_text(path: Path, source: str) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise OpenAPIError(source, "file", "no such file") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise OpenAPIError(source, "file", f"cannot be read: {exc}") from exc


def _read_file(path: Path, source: str) -> Any:
    return parse_document_text(_read_text(path, source), source)


def pointer_to_location(pointer: str) -> str:
    """`#/paths/~1pets/get` -> `[root].paths./pets.get` (the PactFlow tools' location style)."""
    parts = [unquote(p).replace("~1", "/").replace("~0", "~") for p in pointer.lstrip("#").split("/") if p]
    return ".".join(["[root]", *parts])


def escape_pointer_token(token: str | int) -> str:
    return str(token).replace("~", "~0").replace("/", "~1")


@dataclass(frozen=True)
class Resolved:
    """A node after following its `$ref` chain: its contents and where they live."""

    contents: Any
    uri: str  # document URI, without fragment
    pointer: str  # JSON pointer inside that document, starting with "#"


@dataclass
class OpenAPIDocument:
    """A parsed OpenAPI document with lazy, cached `$ref` resolution (also into sibling files)."""

    root: dict[str, Any]
    source: str
    base_uri: str
    version: str  # "2.0", "3.0" or "3.1"
    # every node of `root` occurs once in it (it was parsed from JSON text: no YAML aliases, no objects
    # shared by the caller), so a node's JSON pointer is unique and any walk that finds it finds the same
    unique_nodes: bool = False
    _files: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def is_swagger2(self) -> bool:
        return self.version == "2.0"

    @cached_property
    def registry(self) -> referencing.Registry[Any]:
        """A registry holding this document; sibling files are retrieved (and parsed) on first use."""
        resource = referencing.Resource.opaque(self.root)
        empty: referencing.Registry[Any] = referencing.Registry(retrieve=self._retrieve)  # type: ignore[call-arg]
        registry: referencing.Registry[Any] = empty.with_resource(self.base_uri, resource)
        return registry

    def _retrieve(self, uri: str) -> referencing.Resource[Any]:
        return referencing.Resource.opaque(self.load_sibling(uri))

    def load_sibling(self, uri: str) -> Any:
        if uri == self.base_uri:
            return self.root
        if uri in self._files:
            return self._files[uri]
        parts = urlsplit(uri)
        if parts.scheme != "file":
            raise OpenAPIError(self.source, uri, "only local files can be referenced (no network access)")
        path = Path(unquote(parts.path))
        contents = _read_file(path, str(path))
        self._files[uri] = contents
        return contents

    def source_of(self, uri: str) -> str:
        if uri == self.base_uri:
            return self.source
        parts = urlsplit(uri)
        return unquote(parts.path) if parts.scheme == "file" else uri

    def lookup(self, ref: str, base_uri: str | None = None, *, where: str = "") -> Resolved:
        """Resolve one `$ref` string relative to `base_uri` (default: this document)."""
        base = base_uri or self.base_uri
        target = urljoin(base, ref) if not ref.startswith("#") else base + ref
        uri, _, fragment = target.partition("#")
        try:
            contents = self.load_sibling(uri)
        except OpenAPIError:
            raise
        node: Any = contents
        for raw in [p for p in fragment.split("/") if p] if fragment else []:
            token = unquote(raw).replace("~1", "/").replace("~0", "~")
            if isinstance(node, Mapping) and token in node:
                node = node[token]
            elif isinstance(node, Mapping) and token.isdigit() and int(token) in node:
                node = node[int(token)]  # YAML integer keys (e.g. response codes)
            elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
                node = node[int(token)]
            else:
                raise OpenAPIError(
                    self.source_of(base),
                    where or "$ref",
                    f"$ref '{ref}' cannot be resolved: '{token}' not found in {self.source_of(uri)}",
                )
        return Resolved(node, uri, "#" + fragment if fragment else "#")

    def resolve(self, node: Any, uri: str | None = None, pointer: str = "#") -> Resolved:
        """Follow a node's `$ref` chain (cycles are an error) and return the final node."""
        current_uri = uri or self.base_uri
        seen: set[str] = set()
        current = Resolved(node, current_uri, pointer)
        while isinstance(current.contents, Mapping) and isinstance(current.contents.get("$ref"), str):
            ref = current.contents["$ref"]
            key = f"{current.uri}{ref}"
            if key in seen:
                raise OpenAPIError(
                    self.source_of(current.uri),
                    pointer_to_location(current.pointer),
                    f"circular $ref '{ref}'",
                )
            seen.add(key)
            current = self.lookup(ref, current.uri, where=pointer_to_location(current.pointer))
        return current

    def absolute_uri(self, uri: str, pointer: str) -> str:
        return f"{uri}{pointer}"


def _detect_version(root: Mapping[str, Any], source: str) -> str:
    swagger = root.get("swagger")
    openapi = root.get("openapi")
    if swagger is not None:
        if str(swagger) != "2.0":
            raise OpenAPIError(
                source, "[root].swagger", f"unsupported Swagger version {swagger!r} (only 2.0)"
            )
        return "2.0"
    if openapi is not None:
        text = str(openapi)
        if text.startswith("3.0"):
            return "3.0"
        if text.startswith("3.1"):
            return "3.1"
        raise OpenAPIError(
            source, "[root].openapi", f"unsupported OpenAPI version {openapi!r} (use 3.0 or 3.1)"
        )
    raise OpenAPIError(
        source, "[root]", "not an OpenAPI document: it has neither an 'openapi' nor a 'swagger' version field"
    )


def parse_openapi(document: Any, source: str = "<spec>", base_uri: str = INLINE_URI) -> OpenAPIDocument:
    """Wrap an already-parsed document (e.g. `json.loads` output) after checking its basic shape."""
    if document is None:
        raise OpenAPIError(
            source, "[root]", "the file is empty; an OpenAPI document is a JSON or YAML mapping"
        )
    if not isinstance(document, dict):
        raise OpenAPIError(
            source,
            "[root]",
            f"an OpenAPI document must be a mapping (JSON object), found {json_kind(document)}",
        )
    version = _detect_version(document, source)
    paths = document.get("paths", {})
    if paths is not None and not isinstance(paths, dict):
        raise OpenAPIError(
            source, "[root].paths", "'paths' must be a mapping of path templates to path items"
        )
    return OpenAPIDocument(root=document, source=source, base_uri=base_uri, version=version)


def load_openapi(path: str | Path) -> OpenAPIDocument:
    """Read an OpenAPI/Swagger document (JSON or YAML) from a file."""
    file = Path(path)
    source = str(path)
    if file.is_dir():
        raise OpenAPIError(source, "file", "is a directory, not an OpenAPI document")
    text = _read_text(file, source)
    document = parse_openapi(
        parse_document_text(text, source), source=source, base_uri=file.resolve().as_uri()
    )
    document.unique_nodes = _is_json_text(text)
    return document
