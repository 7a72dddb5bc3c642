"""The receiver of Symbl's job-status webhooks (no API key: the path carries a secret)."""

from __future__ import annotations

import hmac
import json

from flask import Response, jsonify, request
from flask_openapi3 import APIBlueprint, Tag
from pydantic import ValidationError

from connector.api.errors import ApiError, ErrorResponse
from connector.api.models import WebhookAck, WebhookBody, WebhookPath, dump
from connector.facade import facade

bp = APIBlueprint("symbl_webhook", __name__, url_prefix="/v1/symbl", abp_tags=[Tag(name="symbl webhook")])


@bp.post(
    "/webhook/<secret>",
    summary="Receive Symbl's job webhook",
    responses={200: WebhookAck, 400: ErrorResponse, 404: ErrorResponse},
)
def receive(path: WebhookPath) -> Response:
    """Symbl POSTs `{"jobId" | "id", "status"}` here on each status change."""
    the = facade()
    if not hmac.compare_digest(path.secret.encode(), the.webhook_secret().encode()):
        raise ApiError(404, "not_found", "There is no such endpoint.")
    try:
        body = WebhookBody.model_validate(json.loads(request.get_data(cache=False) or b"null"))
    except (ValueError, ValidationError):
        raise ApiError(400, "invalid_json", "Expected a JSON object with jobId (or id) and status.") from None
    job_id = body.jobId or body.id
    if not job_id or not body.status:
        raise ApiError(400, "invalid_request", "Expected jobId (or id) and status.")
    known = the.watcher.on_webhook(job_id, body.status.lower())
    return jsonify(dump(WebhookAck(received=True, known_job=known)))
