"""Type the model's answers: every requested key gets a value of its declared type or null, never a
wrong type. A value that does not fit becomes null, with a warning naming the key."""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from typing import Any

from connector.ai.models import AskField
from connector.insights.contract import InsightWarning

Value = str | int | float | bool | None
_NUMBER = re.compile(r"^[\s$€£]*(-?\d{1,3}(?:,\d{3})+|-?\d+(?:\.\d+)?)\s*(k|m|million|thousand)?\s*$", re.I)
_SCALES = {"k": 1e3, "thousand": 1e3, "m": 1e6, "million": 1e6}
_TRUE = {"true", "yes", "y"}
_FALSE = {"false", "no", "n"}


def _warning(key: str, code: str, message: str) -> InsightWarning:
    return InsightWarning(part=f"answers.{key}", code=code, message=message)


def _number(value: Any) -> int | float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        number = float(value)
    elif isinstance(value, str) and (match := _NUMBER.match(value)):
        number = float(match.group(1).replace(",", "")) * _SCALES.get((match.group(2) or "").lower(), 1.0)
    else:
        return None
    if number != number or number in (float("inf"), float("-inf")):
        return None
    return int(number) if number.is_integer() and abs(number) < 2**53 else number


def _boolean(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    return None


def _date(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        return date.fromisoformat(text[:10]).isoformat() if len(text) >= 10 else None
    except ValueError:
        try:
            return datetime.fromisoformat(text.replace("Z", "+00:00")).date().isoformat()
        except ValueError:
            return None


def coerce(field: AskField, value: Any) -> tuple[Value, InsightWarning | None]:
    """``value`` as ``field``'s type, or None plus a warning when it does not fit."""
    if value is None:
        return None, None
    typed: Value
    if field.type == "number":
        typed = _number(value)
    elif field.type == "boolean":
        typed = _boolean(value)
    elif field.type == "date":
        typed = _date(value)
    elif field.type == "enum":
        options = {o.casefold(): o for o in field.options}
        typed = options.get(value.strip().casefold()) if isinstance(value, str) else None
    else:
        typed = (
            value.strip()
            if isinstance(value, str)
            else (str(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None)
        )
    if typed is None:
        shown = json.dumps(value, ensure_ascii=False)[:80]
        expected = f"one of {', '.join(field.options)}" if field.type == "enum" else f"a {field.type}"
        return None, _warning(
            field.key,
            "wrong_type",
            f"The model answered {shown} for {field.key}, which is not {expected}; it is left empty.",
        )
    return typed, None


def _json_object(reply: str) -> dict[str, Any] | None:
    text = reply.strip()
    if text.startswith("```"):
        text = text.strip("`").removeprefix("json").strip()
    for candidate in (text, text[text.find("{") : text.rfind("}") + 1] if "{" in text else ""):
        try:
            parsed = json.loads(candidate)
        except ValueError:
            continue
        if isinstance(parsed, dict):
            return parsed
    return None


def typed_answers(fields: list[AskField], reply: str) -> tuple[dict[str, Value], list[InsightWarning]]:
    """Every field's key with a typed value or None, and the warnings."""
    parsed = _json_object(reply)
    if parsed is None:
        unparseable = InsightWarning(
            part="answers",
            code="nebula_unparseable",
            message="The model's answer was not a JSON object; every field is left empty.",
        )
        return {f.key: None for f in fields}, [unparseable]
    values: dict[str, Value] = {}
    warnings: list[InsightWarning] = []
    for field in fields:
        values[field.key], warning = coerce(field, parsed.get(field.key))
        if warning is not None:
            warnings.append(warning)
    return values, warnings
