"""The one OpenAPI engine: every Tether tool that reads an OpenAPI document goes through this package.

- ``document``: loading Swagger 2.0 / OpenAPI 3.0 / 3.1 (JSON or YAML) and resolving ``$ref``s lazily.
- ``router`` and ``operations``: which operation a method and a concrete path belong to.
- ``schemas``, ``formats``, ``media``, ``querystrings``: validating values the way the comparator does.
- ``checker`` (with ``matchers`` and ``security``): the pact-vs-spec rules, reporting ``contracts.findings``.
- ``run``: checking pact files or documents and collecting one report.
"""
