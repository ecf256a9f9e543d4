"""The static check: is every message interaction of a pact allowed by an AsyncAPI document?

Rule codes and their order follow PactFlow's `openapi-pact-comparator` (its AsyncAPI support):
`message.spec.missing`, `message.references.missing`, `message.operation.unknown`, then the message
matching of `matching` (`message.matched` / `message.no.match` with `message.payload.*` and
`message.headers.*` causes) and, for synchronous messages, `message.reply.missing` /
`message.response.missing` and the replies' matching.

The comparator finds the operation only through `comments.references.AsyncAPI.operationId`. Tether also
finds it from the message's metadata when there is no reference: a `channel` / `topic` / `destination` /
`queue` / `routingKey` value naming a channel (its key or address) selects that channel's operations, and a
`messageId` / `name` value narrows the candidates to that message.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from contracts.asyncapi.document import AsyncAPIDocument, MessageRef, Operation
from contracts.asyncapi.matching import MessageMatcher, Outcome, Subject
from contracts.asyncapi.units import CHANNEL_KEYS, MESSAGE_KEYS, MessageInteraction, message_interactions
from contracts.findings import Severity
from contracts.model import Pact
from contracts.openapi.schemas import Mode

Candidates = list[tuple[Operation, MessageRef]]


class AsyncAPIChecker:
    """Checks message pacts against one AsyncAPI document (None: no document was given)."""

    def __init__(self, document: AsyncAPIDocument | None) -> None:
        self.document = document
        self.matcher = MessageMatcher(document) if document is not None else None

    def check_pact(self, pact: Pact, source: str | None = None) -> list[Outcome]:
        outcomes: list[Outcome] = []
        for interaction in message_interactions(pact):
            outcomes.extend(self.check_interaction(interaction, source))
        return outcomes

    def check_interaction(self, interaction: MessageInteraction, source: str | None = None) -> list[Outcome]:
        kind = "sync" if interaction.synchronous else "async"
        subject = Subject(
            interaction.index,
            interaction.description,
            interaction.provider_state,
            source,
            self.document.source if self.document is not None else None,
        )
        if self.document is None or self.matcher is None:
            return [
                subject.finding(
                    "message.spec.missing",
                    Severity.ERROR,
                    f"No AsyncAPI document provided to validate {kind} interaction",
                    (interaction.location, interaction.description),
                    ("[root]", None),
                )
            ]
        found = self._candidates(subject, interaction, kind)
        if not isinstance(found, tuple):
            return found
        candidates, spec_location, reference = found
        if not interaction.synchronous:
            no_match = ((interaction.location, interaction.description), spec_location)
            outcomes, _ = self.matcher.match(subject, candidates, interaction.unit, Mode.RESPONSE, no_match)
            return outcomes
        if reference is not None:
            no_match = (
                (f"{interaction.location}.comments.references.AsyncAPI.operationId", reference),
                spec_location,
            )
        else:
            no_match = ((interaction.location, interaction.description), spec_location)
        outcomes, operation = self.matcher.match(
            subject, candidates, interaction.unit, Mode.REQUEST, no_match
        )
        if operation is None:
            return outcomes
        return outcomes + self._replies(subject, interaction, operation, no_match[0])

    def _replies(
        self, subject: Subject, interaction: MessageInteraction, operation: Operation, mock: tuple[str, Any]
    ) -> list[Outcome]:
        assert self.matcher is not None
        op_id, op_location = operation.operation_id, operation.location
        reference = (f"{interaction.location}.comments.references.AsyncAPI", op_id)
        if not operation.has_reply:
            return [
                subject.finding(
                    "message.reply.missing",
                    Severity.ERROR,
                    f'Operation "{op_id}" has no reply field in AsyncAPI spec',
                    reference,
                    (op_location, dict(operation.node)),
                )
            ]
        reply_location = f"{op_location}.reply.messages"
        if not operation.reply_messages:
            return [
                subject.finding(
                    "message.reply.missing",
                    Severity.ERROR,
                    f'Operation "{op_id}" reply defines no messages in AsyncAPI spec',
                    reference,
                    (reply_location, None),
                )
            ]
        if not interaction.responses:
            return [
                subject.finding(
                    "message.response.missing",
                    Severity.WARNING,
                    "Sync interaction defines no responses to validate against the reply",
                    (f"{interaction.location}.response", []),
                    (reply_location, None),
                )
            ]
        candidates = [(operation, message) for message in operation.reply_messages]
        outcomes: list[Outcome] = []
        for response in interaction.responses:
            found, _ = self.matcher.match(
                subject, candidates, response, Mode.RESPONSE, (mock, reply_location)
            )
            outcomes.extend(found)
        return outcomes

    def _candidates(
        self, subject: Subject, interaction: MessageInteraction, kind: str
    ) -> tuple[Candidates, str, str | None] | list[Outcome]:
        """The candidate messages, the spec location a `message.no.match` names, and the operation id
        the interaction referenced; or the findings saying why there are none."""
        assert self.document is not None
        title = kind.capitalize()
        references = interaction.references
        where = f"{interaction.location}.comments.references.AsyncAPI"
        if references is None:
            routed = self._routed(interaction)
            if routed is not None:
                return routed
            return [
                subject.finding(
                    "message.references.missing",
                    Severity.ERROR,
                    f"{title} interaction has no AsyncAPI references in comments.references.AsyncAPI "
                    '(add {"operationId": ...} there, or a "channel"/"topic" metadata value naming a channel '
                    "of the spec)",
                    (where, None),
                    ("[root]", None),
                )
            ]
        operation_id = references.get("operationId") if isinstance(references, Mapping) else None
        if not isinstance(operation_id, str) or not operation_id:
            return [
                subject.finding(
                    "message.references.missing",
                    Severity.ERROR,
                    f"{title} interaction has a malformed AsyncAPI reference in comments.references.AsyncAPI: "
                    'expected an "operationId" property',
                    (where, references if isinstance(references, Mapping) else {}),
                    ("[root]", None),
                )
            ]
        operation = self.document.operations.get(operation_id)
        if operation is None:
            known = ", ".join(sorted(self.document.operations)) or "none"
            return [
                subject.finding(
                    "message.operation.unknown",
                    Severity.ERROR,
                    f"Operation not defined in AsyncAPI spec: {operation_id} (operations: {known})",
                    (f"{where}.operationId", operation_id),
                    ("[root].operations", None),
                )
            ]
        candidates = [(operation, message) for message in operation.messages]
        return candidates, operation.messages_location, operation_id

    def _routed(self, interaction: MessageInteraction) -> tuple[Candidates, str, str | None] | None:
        """Candidates found from the message's metadata (channel and message name), if it names a channel."""
        assert self.document is not None
        channel = interaction.unit.metadata_value(CHANNEL_KEYS)
        if channel is None:
            return None
        operations = [op for op in self.document.operations.values() if channel in {op.channel, op.address}]
        if interaction.synchronous and any(op.has_reply for op in operations):
            operations = [op for op in operations if op.has_reply]
        if not operations:
            return None
        name = interaction.unit.metadata_value(MESSAGE_KEYS)
        candidates = [
            (op, message)
            for op in operations
            for message in op.messages
            if name is None or name in {message.name, message.pointer.rsplit("/", 1)[-1]}
        ]
        location = (
            operations[0].messages_location
            if len(operations) == 1
            else f"[root].channels.{operations[0].channel}.messages"
        )
        return candidates, location, None
