"""The static pact ⊆ OpenAPI check (the bi-directional check PactFlow runs), without a provider."""

from __future__ import annotations

from verifier.openapi.checker import CheckOptions, OpenAPIChecker
from verifier.openapi.run import check_documents, check_files

__all__ = ["CheckOptions", "OpenAPIChecker", "check_documents", "check_files"]
