"""Questions the Make checks ask of the facade's /openapi.json: does this call exist, which fields
may it send, which fields does its answer have."""

from __future__ import annotations

import re


class Spec:
    def __init__(self, doc: dict):
        self.doc = doc

    # -------------------------------------------------------------------------- schemas
    def resolve(self, schema: dict | None) -> dict:
        while schema and "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[-1]
            schema = self.doc["components"]["schemas"][name]
        return schema or {}

    def schema(self, name: str) -> dict:
        return self.doc["components"]["schemas"][name]

    def properties(self, schema: dict | None) -> dict[str, dict]:
        """Property name -> schema, merging allOf/anyOf/oneOf alternatives."""
        schema = self.resolve(schema)
        props = dict(schema.get("properties") or {})
        for key in ("allOf", "anyOf", "oneOf"):
            for alt in schema.get(key) or []:
                props.update(self.properties(alt))
        return props

    def has_path(self, schema: dict | None, path: list[str]) -> bool:
        """True when ``path`` (field names; arrays are entered transparently) exists in ``schema``."""
        schema = self.resolve(schema)
        if not path:
            return True
        if schema.get("type") == "array" or "items" in schema:
            return self.has_path(schema.get("items"), path)
        for key in ("anyOf", "oneOf", "allOf"):
            if any(self.has_path(alt, path) for alt in schema.get(key) or []):
                return True
        props = schema.get("properties") or {}
        if path[0] not in props and isinstance(schema.get("additionalProperties"), dict):
            return self.has_path(schema["additionalProperties"], path[1:])  # caller-chosen keys (answers)
        return path[0] in props and self.has_path(props[path[0]], path[1:])

    def item_schema(self, schema: dict | None, path: list[str]) -> dict:
        """The schema of the items of the array at ``path``."""
        schema = self.resolve(schema)
        for p in path:
            schema = self.resolve(self.properties(schema)[p])
        return self.resolve(schema.get("items"))

    # ------------------------------------------------------------------------ operations
    def operation(self, method: str, path: str) -> tuple[str, dict] | None:
        """The (template, operation) that serves ``method path``; ``{…}`` or ``{{…}}`` segments match parameters."""
        segments = [s for s in re.sub(r"\{\{.*?\}\}", "{x}", path).split("?")[0].split("/") if s]
        for template, ops in self.doc["paths"].items():
            tsegs = [s for s in template.split("/") if s]
            if len(tsegs) != len(segments) or method.lower() not in ops:
                continue
            if all(t == s or t.startswith("{") for t, s in zip(tsegs, segments, strict=False)) and all(
                not s.startswith("{") or t.startswith("{") for t, s in zip(tsegs, segments, strict=False)
            ):
                return template, ops[method.lower()]
        return None

    def body_fields(self, op: dict) -> set[str]:
        content = (op.get("requestBody") or {}).get("content") or {}
        return set(self.properties((content.get("application/json") or {}).get("schema")))

    def params(self, op: dict, where: str) -> set[str]:
        return {
            p["name"].lower() if where == "header" else p["name"]
            for p in op.get("parameters") or []
            if p["in"] == where
        }

    def answers(self, op: dict) -> list[dict]:
        """The JSON schemas of the operation's 2xx answers."""
        out = []
        for status, resp in (op.get("responses") or {}).items():
            if str(status).startswith("2"):
                schema = ((resp.get("content") or {}).get("application/json") or {}).get("schema")
                if schema:
                    out.append(schema)
        return out
