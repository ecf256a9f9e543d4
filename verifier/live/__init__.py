"""Live verification: pact replay against a running provider (pact-python's Verifier) and the
provider's self-check against its own OpenAPI spec (schemathesis)."""
