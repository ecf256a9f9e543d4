"""Build broker states row by row for service-level tests of verification, environments and matrix.

Rows are written straight into the core tables (pacticipants, versions, branches, tags, pacts), so
these tests do not depend on the publishing code; verification results, deployments and releases go
through the real services under test.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from broker.clock import now
from broker.db import Database
from broker.services import environments, verifications
from broker.services.pact_metadata import PactMetadata
from broker.tables.core import (
    Branch,
    BranchVersion,
    Integration,
    Pacticipant,
    PactPublication,
    PactVersion,
    Tag,
    Version,
)


class Scenario:
    """A small fluent builder; every method commits so reads see the data."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.clock = now() - timedelta(days=1)

    def _tick(self) -> datetime:
        self.clock += timedelta(seconds=1)
        return self.clock

    def pacticipant(self, name: str, main_branch: str | None = None) -> int:
        with self.db.session() as session:
            found = session.execute(select(Pacticipant).where(Pacticipant.name == name)).scalar_one_or_none()
            if found is None:
                found = Pacticipant(
                    name=name, main_branch=main_branch, created_at=self._tick(), updated_at=self.clock
                )
                session.add(found)
            elif main_branch is not None:
                found.main_branch = main_branch
            session.commit()
            assert found.id is not None
            return found.id

    def version(
        self, pacticipant: str, number: str, *, branch: str | None = None, tags: tuple[str, ...] = ()
    ) -> int:
        pacticipant_id = self.pacticipant(pacticipant)
        with self.db.session() as session:
            version = session.execute(
                select(Version).where(Version.pacticipant_id == pacticipant_id, Version.number == number)
            ).scalar_one_or_none()
            if version is None:
                version = Version(
                    pacticipant_id=pacticipant_id,
                    number=number,
                    created_at=self._tick(),
                    updated_at=self.clock,
                )
                session.add(version)
                session.flush()
            assert version.id is not None
            if branch is not None:
                found = session.execute(
                    select(Branch).where(Branch.pacticipant_id == pacticipant_id, Branch.name == branch)
                ).scalar_one_or_none()
                if found is None:
                    found = Branch(
                        pacticipant_id=pacticipant_id,
                        name=branch,
                        created_at=self._tick(),
                        updated_at=self.clock,
                    )
                    session.add(found)
                    session.flush()
                assert found.id is not None
                session.add(
                    BranchVersion(
                        branch_id=found.id,
                        version_id=version.id,
                        pacticipant_id=pacticipant_id,
                        branch_name=branch,
                        created_at=self._tick(),
                    )
                )
            for tag in tags:
                session.add(
                    Tag(
                        version_id=version.id,
                        pacticipant_id=pacticipant_id,
                        name=tag,
                        created_at=self._tick(),
                    )
                )
            session.commit()
            return version.id

    def pact(
        self,
        consumer: str,
        version: str,
        provider: str,
        *,
        content: str = "v1",
        branch: str | None = None,
        tags: tuple[str, ...] = (),
        created_at: datetime | None = None,
    ) -> str:
        """Publish a pact whose interactions depend on ``content``; returns its sha."""
        version_id = self.version(consumer, version, branch=branch, tags=tags)
        consumer_id = self.pacticipant(consumer)
        provider_id = self.pacticipant(provider)
        body = {
            "consumer": {"name": consumer},
            "provider": {"name": provider},
            "interactions": [
                {
                    "_id": hashlib.sha1(content.encode()).hexdigest(),
                    "description": f"a request ({content})",
                    "request": {"method": "GET", "path": "/orders/1"},
                    "response": {"status": 200, "body": {"content": content}},
                }
            ],
            "metadata": {"pactSpecification": {"version": "3.0.0"}},
        }
        sha = hashlib.sha1(f"{consumer}|{provider}|{content}".encode()).hexdigest()
        stamp = created_at or self._tick()
        with self.db.session() as session:
            pact_version = session.execute(
                select(PactVersion).where(
                    PactVersion.consumer_id == consumer_id,
                    PactVersion.provider_id == provider_id,
                    PactVersion.sha == sha,
                )
            ).scalar_one_or_none()
            if pact_version is None:
                pact_version = PactVersion(
                    consumer_id=consumer_id,
                    provider_id=provider_id,
                    sha=sha,
                    content=json.dumps(body),
                    created_at=stamp,
                )
                session.add(pact_version)
                session.flush()
            assert pact_version.id is not None
            session.add(
                PactPublication(
                    consumer_id=consumer_id,
                    provider_id=provider_id,
                    consumer_version_id=version_id,
                    pact_version_id=pact_version.id,
                    created_at=stamp,
                    updated_at=stamp,
                )
            )
            exists = session.execute(
                select(Integration).where(
                    Integration.consumer_id == consumer_id, Integration.provider_id == provider_id
                )
            ).scalar_one_or_none()
            if exists is None:
                session.add(Integration(consumer_id=consumer_id, provider_id=provider_id, created_at=stamp))
            session.commit()
        return sha

    def verify(
        self,
        consumer: str,
        provider: str,
        sha: str,
        provider_version: str,
        *,
        success: bool = True,
        branch: str | None = None,
        tags: tuple[str, ...] = (),
        wip: bool = False,
    ) -> verifications.VerificationResult:
        self.version(provider, provider_version, branch=branch, tags=tags)
        body: dict[str, Any] = {"success": success, "providerApplicationVersion": provider_version}
        return self.db.write(
            lambda session: verifications.publish_verification(
                session,
                provider=provider,
                consumer=consumer,
                sha=sha,
                metadata=PactMetadata(wip=wip),
                body=body,
            )
        )

    def environment(self, name: str, *, production: bool = False) -> str:
        record = self.db.write(
            lambda session: environments.create_environment(session, {"name": name, "production": production})
        )
        return record.uuid

    def deploy(self, pacticipant: str, version: str, environment: str, instance: str | None = None) -> str:
        def work(session: Session) -> str:
            env = environments.environment_by_name(session, environment)
            return environments.record_deployment(
                session,
                pacticipant=pacticipant,
                version=version,
                env_uuid=env.uuid,
                application_instance=instance,
            ).uuid

        return self.db.write(work)

    def release(self, pacticipant: str, version: str, environment: str) -> str:
        def work(session: Session) -> str:
            env = environments.environment_by_name(session, environment)
            return environments.record_release(
                session, pacticipant=pacticipant, version=version, env_uuid=env.uuid
            )[0].uuid

        return self.db.write(work)
