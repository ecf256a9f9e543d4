"""Routes: environments, record-deployment / undeployment, record-release / support-ended."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, Depends, Query
from fastapi.responses import Response
from sqlmodel import Session

from broker.context import RequestContext, request_context
from broker.extensions import add_version_links
from broker.hal import HalResponse, Urls, hal_response
from broker.openapi_document import CREATED_OR_UPDATED
from broker.services import environments as service
from broker.tables.core import Pacticipant, Version
from broker.views.environments import (
    deployment_url,
    environment_url,
    render_deployment,
    render_deployments,
    render_environment,
    render_environments,
    version_environment_links,
)

router = APIRouter(tags=["environments"])


def _record_links(session: Session, urls: Urls, pacticipant: Pacticipant, version: Version) -> dict[str, Any]:
    """``pb:record-deployment`` / ``pb:record-release`` (and where it runs) on every version resource."""
    assert version.id is not None
    deployed_to, released_in = service.current_environments_of_version(session, version.id)
    return version_environment_links(
        urls, pacticipant.name, version.number, service.list_environments(session), deployed_to, released_in
    )


add_version_links(_record_links)

JsonBody = Body(default=None, description="JSON object")


@router.get("/environments", response_class=HalResponse, summary="List environments")
def list_environments(
    name: str | None = Query(default=None, description="Only the environment with this name"),
    ctx: RequestContext = Depends(request_context),
) -> HalResponse:
    found = ctx.db.read(lambda session: service.list_environments(session, name=name))
    return hal_response(render_environments(ctx.urls, found))


@router.post("/environments", response_class=HalResponse, status_code=201, summary="Create an environment")
def create_environment(
    body: dict[str, Any] | None = JsonBody, ctx: RequestContext = Depends(request_context)
) -> HalResponse:
    env = ctx.db.write(lambda session: service.create_environment(session, body))
    return hal_response(
        render_environment(ctx.urls, env),
        status=201,
        headers={"Location": environment_url(ctx.urls, env.uuid)},
    )


@router.get("/environments/{env_uuid:seg}", response_class=HalResponse, summary="Get an environment")
def get_environment(env_uuid: str, ctx: RequestContext = Depends(request_context)) -> HalResponse:
    env = ctx.db.read(lambda session: service.get_environment(session, env_uuid))
    return hal_response(render_environment(ctx.urls, env))


@router.put("/environments/{env_uuid:seg}", response_class=HalResponse, summary="Replace an environment")
def replace_environment(
    env_uuid: str, body: dict[str, Any] | None = JsonBody, ctx: RequestContext = Depends(request_context)
) -> HalResponse:
    env = ctx.db.write(lambda session: service.replace_environment(session, env_uuid, body))
    return hal_response(render_environment(ctx.urls, env))


@router.delete("/environments/{env_uuid:seg}", status_code=204, summary="Delete an environment")
def delete_environment(env_uuid: str, ctx: RequestContext = Depends(request_context)) -> Response:
    ctx.db.write(lambda session: service.delete_environment(session, env_uuid))
    return Response(status_code=204)


@router.get(
    "/environments/{env_uuid:seg}/deployed-versions/currently-deployed",
    response_class=HalResponse,
    summary="Versions currently deployed to an environment",
)
def currently_deployed(
    env_uuid: str,
    pacticipant: str | None = Query(default=None),
    applicationInstance: str | None = Query(default=None),
    ctx: RequestContext = Depends(request_context),
) -> HalResponse:
    found = ctx.db.read(
        lambda session: service.current_deployments(
            session,
            "deployed",
            env_uuid,
            pacticipant=pacticipant,
            application_instance=applicationInstance,
            instance_given=applicationInstance is not None,
        )
    )
    self_href = environment_url(ctx.urls, env_uuid) + "/deployed-versions/currently-deployed"
    return hal_response(render_deployments(ctx.urls, self_href, "deployed", found))


@router.get(
    "/environments/{env_uuid:seg}/released-versions/currently-supported",
    response_class=HalResponse,
    summary="Versions released and supported in an environment",
)
def currently_supported(
    env_uuid: str,
    pacticipant: str | None = Query(default=None),
    version: str | None = Query(default=None),
    ctx: RequestContext = Depends(request_context),
) -> HalResponse:
    found = ctx.db.read(
        lambda session: service.current_deployments(
            session, "released", env_uuid, pacticipant=pacticipant, version=version
        )
    )
    self_href = environment_url(ctx.urls, env_uuid) + "/released-versions/currently-supported"
    return hal_response(render_deployments(ctx.urls, self_href, "released", found))


@router.post(
    "/pacticipants/{pacticipant:seg}/versions/{version:seg}/deployed-versions/environment/{env_uuid:seg}",
    response_class=HalResponse,
    status_code=201,
    summary="Record a deployment",
)
def record_deployment(
    pacticipant: str,
    version: str,
    env_uuid: str,
    body: dict[str, Any] | None = JsonBody,
    ctx: RequestContext = Depends(request_context),
) -> HalResponse:
    payload = body or {}
    instance = payload.get("applicationInstance", payload.get("target"))
    record = ctx.db.write(
        lambda session: service.record_deployment(
            session,
            pacticipant=pacticipant,
            version=version,
            env_uuid=env_uuid,
            application_instance=instance if isinstance(instance, str) else None,
        )
    )
    return hal_response(
        render_deployment(ctx.urls, record),
        status=201,
        headers={"Location": deployment_url(ctx.urls, record)},
    )


@router.get(
    "/pacticipants/{pacticipant:seg}/versions/{version:seg}/deployed-versions/environment/{env_uuid:seg}",
    response_class=HalResponse,
    summary="Deployments of a version to an environment",
)
def deployments_of_version(
    pacticipant: str, version: str, env_uuid: str, ctx: RequestContext = Depends(request_context)
) -> HalResponse:
    found = ctx.db.read(
        lambda session: service.deployments_for_version(
            session, "deployed", pacticipant=pacticipant, version=version, env_uuid=env_uuid
        )
    )
    self_href = ctx.urls.version(pacticipant, version) + f"/deployed-versions/environment/{env_uuid}"
    return hal_response(render_deployments(ctx.urls, self_href, "deployed", found))


@router.post(
    "/pacticipants/{pacticipant:seg}/versions/{version:seg}/released-versions/environment/{env_uuid:seg}",
    response_class=HalResponse,
    status_code=201,
    summary="Record a release",
    responses=CREATED_OR_UPDATED,
)
def record_release(
    pacticipant: str,
    version: str,
    env_uuid: str,
    body: dict[str, Any] | None = JsonBody,
    ctx: RequestContext = Depends(request_context),
) -> HalResponse:
    del body  # nothing to read: the release is the version in the environment
    record, created = ctx.db.write(
        lambda session: service.record_release(
            session, pacticipant=pacticipant, version=version, env_uuid=env_uuid
        )
    )
    return hal_response(
        render_deployment(ctx.urls, record),
        status=201 if created else 200,
        headers={"Location": deployment_url(ctx.urls, record)},
    )


@router.get(
    "/pacticipants/{pacticipant:seg}/versions/{version:seg}/released-versions/environment/{env_uuid:seg}",
    response_class=HalResponse,
    summary="Releases of a version in an environment",
)
def releases_of_version(
    pacticipant: str, version: str, env_uuid: str, ctx: RequestContext = Depends(request_context)
) -> HalResponse:
    found = ctx.db.read(
        lambda session: service.deployments_for_version(
            session, "released", pacticipant=pacticipant, version=version, env_uuid=env_uuid
        )
    )
    self_href = ctx.urls.version(pacticipant, version) + f"/released-versions/environment/{env_uuid}"
    return hal_response(render_deployments(ctx.urls, self_href, "released", found))


@router.get("/deployed-versions/{record_uuid:seg}", response_class=HalResponse, summary="A deployed version")
def get_deployed_version(record_uuid: str, ctx: RequestContext = Depends(request_context)) -> HalResponse:
    record = ctx.db.read(lambda session: service.get_deployment(session, "deployed", record_uuid))
    return hal_response(render_deployment(ctx.urls, record))


@router.patch(
    "/deployed-versions/{record_uuid:seg}",
    response_class=HalResponse,
    summary='Record an undeployment ({"currentlyDeployed": false})',
)
def patch_deployed_version(
    record_uuid: str, body: dict[str, Any] | None = JsonBody, ctx: RequestContext = Depends(request_context)
) -> HalResponse:
    record = ctx.db.write(
        lambda session: service.end_deployment(session, "deployed", record_uuid, body or {})
    )
    return hal_response(render_deployment(ctx.urls, record))


@router.get("/released-versions/{record_uuid:seg}", response_class=HalResponse, summary="A released version")
def get_released_version(record_uuid: str, ctx: RequestContext = Depends(request_context)) -> HalResponse:
    record = ctx.db.read(lambda session: service.get_deployment(session, "released", record_uuid))
    return hal_response(render_deployment(ctx.urls, record))


@router.patch(
    "/released-versions/{record_uuid:seg}",
    response_class=HalResponse,
    summary='Record that support ended ({"currentlySupported": false})',
)
def patch_released_version(
    record_uuid: str, body: dict[str, Any] | None = JsonBody, ctx: RequestContext = Depends(request_context)
) -> HalResponse:
    record = ctx.db.write(
        lambda session: service.end_deployment(session, "released", record_uuid, body or {})
    )
    return hal_response(render_deployment(ctx.urls, record))
