"""Routes: ``GET /integrations`` (``pb:integrations``)."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from broker.clock import iso
from broker.context import RequestContext, request_context
from broker.hal import HalResponse, hal_response, link
from broker.services.integrations import list_integrations

router = APIRouter(tags=["integrations"])


@router.get("/integrations", response_class=HalResponse, summary="Consumer/provider pairs that have pacts")
def integrations(ctx: RequestContext = Depends(request_context)) -> HalResponse:
    urls = ctx.urls
    items = [
        {
            "consumer": {"name": i.consumer, "_links": {"self": link(urls.pacticipant(i.consumer))}},
            "provider": {"name": i.provider, "_links": {"self": link(urls.pacticipant(i.provider))}},
            "createdAt": iso(i.created_at),
            "contractDataUpdatedAt": iso(i.contract_data_updated_at),
            "_links": {
                "pb:latest-pact": link(urls.latest_pact(i.provider, i.consumer), title="Latest pact"),
                "pb:dashboard": link(
                    urls.path("matrix", "provider", i.provider, "consumer", i.consumer), title="Matrix"
                ),
            },
        }
        for i in ctx.db.read(list_integrations)
    ]
    return hal_response(
        {
            "_embedded": {"integrations": items},
            "_links": {"self": link(urls.path("integrations"), title="Integrations")},
        }
    )
