"""The message parts of a pact, read the way the AsyncAPI check needs them.

A V4 `Asynchronous/Messages` interaction is one unit; a `Synchronous/Messages` interaction is a request
unit and one unit per response. V3 `messages` are units located under `[root].messages[N]`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from contracts.model import AsyncMessage, Body, MessagePart, Pact, SyncMessage
from contracts.openapi.pacts import MISSING, body_value

# metadata keys that name where a message travels, in the order they are consulted
CHANNEL_KEYS = ("channel", "topic", "destination", "queue", "subject", "routingKey", "routing_key", "address")
# metadata keys that name which message it is
MESSAGE_KEYS = ("messageId", "message_id", "messageName", "name")


@dataclass(frozen=True)
class MessageUnit:
    """One message of a pact: its payload, content type and metadata, and where each is written."""

    payload: Any  # MISSING without contents
    content_type: str | None
    metadata: dict[str, Any]
    payload_location: str
    headers_location: str

    def metadata_value(self, keys: tuple[str, ...]) -> str | None:
        for key in keys:
            value = self.metadata.get(key)
            if isinstance(value, str) and value:
                return value
        return None


@dataclass(frozen=True)
class MessageInteraction:
    """A message interaction of a pact with its units and its AsyncAPI reference (if it names one)."""

    index: int
    location: str  # [root].interactions[N] or [root].messages[N]
    description: str
    provider_state: str | None
    references: Any  # comments.references.AsyncAPI as written (None when absent)
    unit: MessageUnit  # the message (async) or the request (sync)
    responses: list[MessageUnit] = field(default_factory=list)
    synchronous: bool = False


def _payload(contents: Body | None) -> tuple[Any, str | None]:
    if contents is None:
        return MISSING, None
    content_type = contents.content_type
    if content_type is None and contents.encoding == "json":
        content_type = "application/json"
    return body_value(contents), content_type


def _unit(
    contents: Body | None, metadata: Mapping[str, Any], content_type: str | None, base: str, content_path: str
) -> MessageUnit:
    payload, body_type = _payload(contents)
    kind = body_type or content_type
    if kind is None and payload is not MISSING and not isinstance(payload, str | bytes):
        kind = "application/json"
    return MessageUnit(
        payload=payload,
        content_type=kind,
        metadata=dict(metadata),
        payload_location=f"{base}{content_path}",
        headers_location=f"{base}.metadata",
    )


def _part(part: MessagePart, base: str) -> MessageUnit:
    return _unit(part.contents, part.metadata, part.content_type(), base, ".contents.content")


def _references(comments: Mapping[str, Any] | None) -> Any:
    if not isinstance(comments, Mapping):
        return None
    references = comments.get("references")
    return references.get("AsyncAPI") if isinstance(references, Mapping) else None


def message_interactions(pact: Pact) -> Iterator[MessageInteraction]:
    """Every message interaction of a pact (HTTP ones are left to the OpenAPI check)."""
    v4 = pact.spec_version == "4"
    message_index = 0
    for index, interaction in enumerate(pact.interactions):
        states = ", ".join(s.name for s in interaction.provider_states if s.name) or None
        if isinstance(interaction, AsyncMessage):
            if v4:
                base, content_path = f"[root].interactions[{index}]", ".contents.content"
            else:
                base, content_path = f"[root].messages[{message_index}]", ".contents"
            message_index += 1
            unit = _unit(
                interaction.contents, interaction.metadata, interaction.content_type(), base, content_path
            )
            yield MessageInteraction(
                index, base, interaction.description, states, _references(interaction.comments), unit
            )
        elif isinstance(interaction, SyncMessage):
            base = f"[root].interactions[{index}]"
            yield MessageInteraction(
                index,
                base,
                interaction.description,
                states,
                _references(interaction.comments),
                _part(interaction.request, f"{base}.request"),
                [_part(r, f"{base}.response[{j}]") for j, r in enumerate(interaction.responses)],
                synchronous=True,
            )
