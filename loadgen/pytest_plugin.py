"""pytest hooks and fixtures for contract-backed mocks and the mock audit (filled in by the generator work)."""
