"""The one OpenAPI engine: every Tether tool that reads an OpenAPI document goes through this package
(`tether verify openapi`, the broker's contract checker, the mock audit).

- ``document``: loading Swagger 2.0 / OpenAPI 3.0 / 3.1 (JSON or YAML) and resolving ``$ref``s lazily.
- ``router`` and ``operations``: which operation a method and a concrete path belong to.
- ``schemas``, ``formats``, ``media``, ``querystrings``: validating values the way the comparator does.
- ``checker``: the pact-vs-spec rules over `contracts.model` pacts, reporting ``contracts.findings``;
  it orchestrates ``routing``, ``security``, ``requests`` and ``responses`` (with ``matchers`` for the
  pact's matching rules), which share ``context``; ``pacts`` holds the readings of model parts they share.
- ``run``: checking pact files or documents and collecting one report.
"""
