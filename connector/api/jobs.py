"""Jobs: status with long-polling."""

from __future__ import annotations

import time

from flask import Response, jsonify
from flask_openapi3 import APIBlueprint, Tag

from connector.api.auth import current_caller
from connector.api.conversations import base_url, wait_seconds
from connector.api.errors import ErrorResponse
from connector.api.ids import not_found
from connector.api.models import JobError, JobInfo, JobPath, WaitQuery, dump
from connector.facade import facade
from connector.insights.service import links_for

bp = APIBlueprint(
    "jobs",
    __name__,
    url_prefix="/v1",
    abp_tags=[Tag(name="jobs")],
    abp_security=[{"bearer": []}],
    abp_responses={"400": ErrorResponse, "401": ErrorResponse},
)


@bp.get("/jobs/<job_id>", summary="Get a job's status (long-poll)", responses={200: JobInfo, 404: ErrorResponse})
def get_job(path: JobPath, query: WaitQuery) -> Response:
    """The job's status; with `wait`, holds the request until the job finishes or `wait` passes."""
    the = facade()
    deadline = time.monotonic() + wait_seconds(query.wait)
    sub = the.store.get_submission(path.job_id)
    if sub is None or sub.api_key_id != current_caller().key_id:
        raise not_found("job")
    outcome = the.waiter.wait(sub, deadline)
    sub = outcome.sub
    error = JobError(**outcome.error) if outcome.error else None
    info = JobInfo(
        job_id=sub.job_id,
        conversation_id=sub.conversation_id,
        status=outcome.status,
        error=error,
        links=links_for(base_url(), sub.conversation_id, sub.job_id),
    )
    return jsonify(dump(info))
