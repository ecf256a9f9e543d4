"""The AsyncAPI check: message pacts (V3 `messages`, V4 `Asynchronous/Messages` and `Synchronous/Messages`)
against AsyncAPI 2.x / 3.x documents, with PactFlow's comparator's rule codes.

- ``document``: loading AsyncAPI documents (`$ref`s resolved by the OpenAPI engine's loader) and their
  operations and messages in one shape for both major versions.
- ``units``: the message parts of a pact and where they are written.
- ``matching``: one message against candidate messages (payload and headers, through the OpenAPI engine's
  `SchemaValidators`).
- ``checker``: the rules per interaction (references, operations, replies).
- ``run``: checking files or documents, mixed pacts' HTTP part against an OpenAPI document.
"""
