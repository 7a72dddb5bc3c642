"""Operations: health, readiness, and the connectors' credential test."""

from __future__ import annotations

from flask import Response, jsonify
from flask_openapi3 import APIBlueprint, Tag

from connector import __version__
from connector.api.auth import current_caller
from connector.api.errors import ErrorResponse
from connector.api.models import Health, Me, Ready, dump
from connector.facade import facade
from connector.metrics import OUTBOX, exposition
from connector.store.base import StoreUnavailable

public = APIBlueprint("ops", __name__, abp_tags=[Tag(name="operations")])
v1 = APIBlueprint(
    "me",
    __name__,
    url_prefix="/v1",
    abp_tags=[Tag(name="operations")],
    abp_security=[{"bearer": []}],
    abp_responses={"401": ErrorResponse},
)


@public.get("/healthz", summary="Liveness", responses={200: Health})
def healthz() -> Response:
    return jsonify(dump(Health(status="ok", mode=facade().mode, version=__version__)))


@public.get("/readyz", summary="Readiness (the store answers)", responses={200: Ready, 503: Ready})
def readyz() -> Response:
    try:
        facade().store.ping()
    except StoreUnavailable:
        response = jsonify(dump(Ready(status="unavailable", store="unavailable")))
        response.status_code = 503
        return response
    return jsonify(dump(Ready(status="ready", store="ok")))


@public.get("/metrics", summary="Prometheus metrics", doc_ui=False)
def metrics() -> Response:
    the = facade()
    try:
        for status, count in the.store.outbox_counts().items():
            OUTBOX.labels(status).set(count)
    except StoreUnavailable:
        pass
    body, content_type = exposition()
    return Response(body, content_type=content_type)


@v1.get("/me", summary="Who am I (credential test)", responses={200: Me})
def me() -> Response:
    the = facade()
    caller = current_caller()
    return jsonify(
        dump(
            Me(
                key_id=caller.key_id,
                mode=the.mode,
                version=__version__,
                symbl_base_url=the.settings.base_url,
                own_symbl_credentials=caller.own_credential,
                max_wait_seconds=the.settings.max_wait_seconds,
                default_wait_seconds=the.settings.default_wait_seconds,
            )
        )
    )
