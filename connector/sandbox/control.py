"""The sandbox's own admin API under ``/_sandbox`` (not Symbl's; no auth): faults, live config,
token expiry, finishing jobs, counters and reset. Tests and benchmarks drive the sandbox here."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify, request
from pydantic import ValidationError

from connector.sandbox.errors import bad_request
from connector.sandbox.faults import FaultRule
from connector.sandbox.state import SandboxState

bp = Blueprint("sandbox_control", __name__, url_prefix="/_sandbox")


def _state() -> SandboxState:
    return current_app.extensions["sandbox"]


def _body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise bad_request("send a JSON object")
    return body


@bp.post("/faults")
def add_faults():
    """Add fault rules: ``{"rules": [{method, path, status, times, delay_seconds, reset}]}``."""
    raw = _body().get("rules")
    if not isinstance(raw, list):
        raise bad_request('"rules" must be an array')
    try:
        rules = [FaultRule.model_validate(r) for r in raw]
    except ValidationError as error:
        raise bad_request(f"invalid fault rule: {error.errors()[0]['loc']} {error.errors()[0]['msg']}") from None
    _state().faults.add(rules)
    return jsonify({"rules": _state().faults.rules()})


@bp.get("/faults")
def list_faults():
    """Return the active fault rules."""
    return jsonify({"rules": _state().faults.rules()})


@bp.delete("/faults")
def clear_faults():
    """Remove every fault rule."""
    _state().faults.clear()
    return jsonify({"rules": []})


@bp.route("/config", methods=["GET", "POST"])
def config():
    """Return the live config; POST changes some fields (partial update)."""
    state = _state()
    if request.method == "POST":
        try:
            new = state.config.updated(_body())
        except (ValueError, ValidationError) as error:
            raise bad_request(
                str(error).splitlines()[0]
                if not isinstance(error, ValidationError)
                else f"invalid config: {error.errors()[0]['loc']} {error.errors()[0]['msg']}"
            ) from None
        with state.lock:
            state.config = new
    return jsonify(state.config.public())


@bp.post("/tokens/expire")
def expire_tokens():
    """Expire every token issued so far (their next use answers 401)."""
    return jsonify({"expired": _state().tokens.expire_all()})


@bp.post("/jobs/<job_id>/complete")
def complete_job(job_id: str):
    """Finish a job now as ``completed``."""
    job = _state().finish(job_id, "completed")
    return jsonify({"id": job.id, "status": "completed"})


@bp.post("/jobs/<job_id>/fail")
def fail_job(job_id: str):
    """Finish a job now as ``failed``."""
    job = _state().finish(job_id, "failed")
    return jsonify({"id": job.id, "status": "failed"})


@bp.get("/stats")
def stats():
    """Return the counters."""
    state = _state()
    return jsonify(
        {"token_generations": state.tokens.generations, **state.stats.snapshot(), "jobs_in_flight": state.in_flight()}
    )


@bp.post("/reset")
def reset():
    """Forget tokens, conversations, jobs, fault rules and counters (the config stays)."""
    _state().reset()
    return jsonify({"message": "sandbox reset"})
