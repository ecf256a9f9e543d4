"""AsyncAPI 2.x / 3.x documents: loading, and their operations and messages in one shape.

`$ref`s are resolved by the OpenAPI engine's loader (`contracts.openapi.document.OpenAPIDocument`: a
`referencing` registry, sibling files read once), so payload and header schemas are validated by the same
`SchemaValidators` as OpenAPI schemas. AsyncAPI's default schema format is a JSON Schema superset; it is
validated with the 2020-12 dialect (the OpenAPI 3.1 one).

AsyncAPI 3 names operations under `operations` (each with `action`, `channel`, `messages`, `reply`);
AsyncAPI 2 nests `publish` / `subscribe` under each channel with one `message` (or `message.oneOf`). Both
become `Operation`s with the JSON pointers of their candidate messages, so findings name real locations.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from contracts.errors import ContractError
from contracts.openapi.document import (
    INLINE_URI,
    OpenAPIDocument,
    OpenAPIError,
    escape_pointer_token,
    parse_document_text,
    pointer_to_location,
)
from contracts.pactfile import json_kind

__all__ = [
    "AsyncAPIDocument",
    "AsyncAPIError",
    "MessageRef",
    "Operation",
    "is_asyncapi",
    "load_asyncapi",
    "parse_asyncapi",
]


class AsyncAPIError(ContractError):
    """An AsyncAPI document cannot be read or understood; names the file, the location and the fix."""

    def __init__(self, source: str, location: str, problem: str) -> None:
        self.source = source
        self.location = location
        self.problem = problem
        super().__init__(f"{source}: {location}: {problem}")


@dataclass(frozen=True)
class MessageRef:
    """One candidate message of an operation: where it is written (`pointer`) and its resolved contents."""

    pointer: str  # the final target of its $ref chain, e.g. #/channels/userEvents/messages/userCreated
    uri: str
    message: Mapping[str, Any]

    @property
    def location(self) -> str:
        return pointer_to_location(self.pointer)

    @property
    def name(self) -> str | None:
        """The message's identifiers: `messageId` (2.x), `name`, or the key it is defined under."""
        for key in ("messageId", "name"):
            value = self.message.get(key)
            if isinstance(value, str):
                return value
        last = self.pointer.rsplit("/", 1)[-1]
        return None if last.isdigit() else last


@dataclass(frozen=True)
class Operation:
    operation_id: str
    action: str  # send / receive (3.x), publish / subscribe (2.x)
    channel: str  # the channel's key
    address: str | None  # the channel's address (3.x) or its key (2.x)
    node: Mapping[str, Any]
    pointer: str
    messages: list[MessageRef] = field(default_factory=list)
    has_reply: bool = False
    reply_messages: list[MessageRef] = field(default_factory=list)

    @property
    def location(self) -> str:
        return pointer_to_location(self.pointer)

    @property
    def messages_location(self) -> str:
        """Where its messages are listed: `messages` (3.x) or `message` (2.x)."""
        return f"{self.location}.{'message' if self.action in {'publish', 'subscribe'} else 'messages'}"


@dataclass
class AsyncAPIDocument:
    """A parsed AsyncAPI document; `schemas_document` is the same tree as the OpenAPI engine reads it."""

    root: dict[str, Any]
    source: str
    version: str  # "2" or "3"
    schemas_document: OpenAPIDocument
    operations: dict[str, Operation] = field(default_factory=dict)

    def resolve(self, node: Any, pointer: str) -> tuple[Any, str, str]:
        """A node after its `$ref` chain: (contents, document uri, pointer)."""
        try:
            found = self.schemas_document.resolve(node, None, pointer)
        except OpenAPIError as exc:
            raise AsyncAPIError(self.source, exc.location, exc.problem) from exc
        return found.contents, found.uri, found.pointer


def is_asyncapi(document: Any) -> bool:
    return isinstance(document, Mapping) and "asyncapi" in document


def _messages(doc: AsyncAPIDocument, nodes: Any, pointer: str) -> list[MessageRef]:
    found: list[MessageRef] = []
    items: list[tuple[Any, str]]
    if isinstance(nodes, list):
        items = [(node, f"{pointer}/{i}") for i, node in enumerate(nodes)]
    elif isinstance(nodes, Mapping):
        items = [(node, f"{pointer}/{escape_pointer_token(k)}") for k, node in nodes.items()]
    else:
        return found
    for node, where in items:
        if not isinstance(node, Mapping):
            continue
        contents, uri, final = doc.resolve(node, where)
        if isinstance(contents, Mapping):
            found.append(MessageRef(final, uri, contents))
    return found


def _v3_operations(doc: AsyncAPIDocument) -> None:
    raw = doc.root.get("operations") or {}
    if not isinstance(raw, Mapping):
        raise AsyncAPIError(
            doc.source, "[root].operations", "'operations' must be a mapping of ids to operations"
        )
    for operation_id, node in raw.items():
        pointer = f"#/operations/{escape_pointer_token(str(operation_id))}"
        if not isinstance(node, Mapping):
            raise AsyncAPIError(doc.source, pointer_to_location(pointer), "an operation must be a mapping")
        channel_node, _, channel_pointer = doc.resolve(node.get("channel") or {}, f"{pointer}/channel")
        channel = channel_pointer.rsplit("/", 1)[-1] if channel_pointer.startswith("#/channels/") else ""
        address = channel_node.get("address") if isinstance(channel_node, Mapping) else None
        if "messages" in node:
            messages = _messages(doc, node.get("messages"), f"{pointer}/messages")
        elif isinstance(channel_node, Mapping):  # no list: every message of the channel
            messages = _messages(doc, channel_node.get("messages"), f"{channel_pointer}/messages")
        else:
            messages = []
        reply = node.get("reply")
        reply_messages: list[MessageRef] = []
        if isinstance(reply, Mapping):
            reply, _, reply_pointer = doc.resolve(reply, f"{pointer}/reply")
            if isinstance(reply, Mapping):
                reply_messages = _messages(doc, reply.get("messages"), f"{reply_pointer}/messages")
        doc.operations[str(operation_id)] = Operation(
            operation_id=str(operation_id),
            action=str(node.get("action", "")),
            channel=channel,
            address=address if isinstance(address, str) else None,
            node=node,
            pointer=pointer,
            messages=messages,
            has_reply=reply is not None,
            reply_messages=reply_messages,
        )


def _v2_operations(doc: AsyncAPIDocument) -> None:
    channels = doc.root.get("channels") or {}
    if not isinstance(channels, Mapping):
        raise AsyncAPIError(
            doc.source, "[root].channels", "'channels' must be a mapping of names to channels"
        )
    for name, channel in channels.items():
        base = f"#/channels/{escape_pointer_token(str(name))}"
        channel, _, base = doc.resolve(channel, base)
        if not isinstance(channel, Mapping):
            continue
        for action in ("publish", "subscribe"):
            node = channel.get(action)
            if not isinstance(node, Mapping):
                continue
            pointer = f"{base}/{action}"
            message = node.get("message")
            messages: list[MessageRef] = []
            if isinstance(message, Mapping):
                resolved, uri, message_pointer = doc.resolve(message, f"{pointer}/message")
                if isinstance(resolved, Mapping) and isinstance(resolved.get("oneOf"), list):
                    messages = _messages(doc, resolved["oneOf"], f"{message_pointer}/oneOf")
                elif isinstance(resolved, Mapping):
                    messages = [MessageRef(message_pointer, uri, resolved)]
            operation_id = str(node.get("operationId") or f"{name}.{action}")
            doc.operations[operation_id] = Operation(
                operation_id=operation_id,
                action=action,
                channel=str(name),
                address=str(name),
                node=node,
                pointer=pointer,
                messages=messages,
            )


def parse_asyncapi(document: Any, source: str = "<asyncapi>", base_uri: str = INLINE_URI) -> AsyncAPIDocument:
    """Wrap a parsed AsyncAPI 2.x/3.x document after checking its shape; errors say what to fix."""
    if not isinstance(document, dict):
        raise AsyncAPIError(
            source,
            "[root]",
            f"an AsyncAPI document must be a mapping (JSON object), found {json_kind(document)}",
        )
    version = str(document.get("asyncapi", ""))
    major = version.split(".")[0]
    if major not in {"2", "3"}:
        raise AsyncAPIError(
            source,
            "[root].asyncapi",
            f"unsupported AsyncAPI version {document.get('asyncapi')!r}: use an AsyncAPI 2.x or 3.x document",
        )
    schemas_document = OpenAPIDocument(root=document, source=source, base_uri=base_uri, version="3.1")
    doc = AsyncAPIDocument(root=document, source=source, version=major, schemas_document=schemas_document)
    if major == "3":
        _v3_operations(doc)
    else:
        _v2_operations(doc)
    return doc


def load_asyncapi(path: str | Path) -> AsyncAPIDocument:
    """Read an AsyncAPI document (JSON or YAML) from a file."""
    file = Path(path)
    source = str(path)
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise AsyncAPIError(source, "file", "no such file") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise AsyncAPIError(source, "file", f"cannot be read: {exc}") from exc
    try:
        document = parse_document_text(text, source)
    except OpenAPIError as exc:
        raise AsyncAPIError(source, exc.location, exc.problem) from exc
    return parse_asyncapi(document, source=source, base_uri=file.resolve().as_uri())


def is_asyncapi_file(path: str | Path) -> bool:
    """Whether a spec file is an AsyncAPI document (False when it cannot be read: its loader will say why)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    if "asyncapi" not in text:
        return False
    try:
        return is_asyncapi(parse_document_text(text, str(path)))
    except OpenAPIError:
        return False
