"""REST hooks: subscribe, list, unsubscribe (for Zapier, n8n and Make triggers)."""

from __future__ import annotations

import secrets
import time
import uuid

from flask import Response, jsonify
from flask_openapi3 import APIBlueprint, Tag

from connector.api.auth import current_caller
from connector.api.errors import ErrorResponse
from connector.api.ids import not_found
from connector.api.models import HookCreate, HookCreated, HookList, HookOut, HookPath, dump, iso
from connector.facade import facade
from connector.jobs.urlguard import check_callback_url
from connector.store.base import Hook

bp = APIBlueprint(
    "hooks",
    __name__,
    url_prefix="/v1",
    abp_tags=[Tag(name="hooks")],
    abp_security=[{"bearer": []}],
    abp_responses={"400": ErrorResponse, "401": ErrorResponse},
)


@bp.post("/hooks", summary="Subscribe to conversation events", responses={201: HookCreated, 413: ErrorResponse})
def create_hook(body: HookCreate) -> Response:
    """Deliver every conversation of your key that completes (or fails) to `target_url`."""
    the = facade()
    hook = Hook(
        id=f"hook_{uuid.uuid4().hex[:20]}",
        api_key_id=current_caller().key_id,
        target_url=check_callback_url(body.target_url, the.callback_allowlist, field="target_url"),
        event=body.event,
        secret=secrets.token_urlsafe(32),
        created_at=time.time(),
    )
    the.store.add_hook(hook)
    response = jsonify(
        dump(HookCreated(**hook.model_dump(exclude={"api_key_id", "created_at"}), created_at=iso(hook.created_at)))
    )
    response.status_code = 201
    return response


@bp.get("/hooks", summary="List your subscriptions", responses={200: HookList})
def list_hooks() -> Response:
    hooks = facade().store.list_hooks(current_caller().key_id)
    return jsonify(
        dump(
            HookList(
                hooks=[
                    HookOut(
                        **h.model_dump(exclude={"api_key_id", "secret", "created_at"}), created_at=iso(h.created_at)
                    )
                    for h in hooks
                ]
            )
        )
    )


@bp.delete("/hooks/<hook_id>", summary="Unsubscribe", responses={204: None, 404: ErrorResponse})
def delete_hook(path: HookPath) -> Response:
    if not facade().store.delete_hook(current_caller().key_id, path.hook_id):
        raise not_found("hook")
    return Response(status=204)
