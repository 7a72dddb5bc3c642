"""Read Make scenario blueprints: walk nested flows, find IML references, evaluate simple IML.

Make has no local runtime, so these helpers are the part of one we need to check blueprints:
- ``walk`` visits every module (routes, if-else branches, error handlers) with the IDs of the
  modules that run before it on its path;
- ``references`` lists the ``N.path`` references inside a module's ``{{…}}`` expressions,
  including those inside function calls (``ifempty(1.name; 1.url)``);
- ``render`` evaluates a mapper value the way Make would for the subset of IML our blueprints
  use (references, ``var.team.*``, string and number literals, ``ifempty``, ``formatDate``,
  ``now``, ``map`` with a key and ``first``). Anything else raises ``ImlError`` so an untested construct cannot slip through.
"""

from __future__ import annotations

import datetime as _dt
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass

EXPR_RE = re.compile(r"\{\{(.*?)\}\}", re.S)
#: a module reference inside an expression: ``12.data.field`` (not ``0.5``, not ``var.team.X``)
REF_RE = re.compile(r"(?<![\w.`])`?(\d+)`?\.([A-Za-z_`][\w`\[\]]*(?:\.[A-Za-z_`][\w`\[\]]*)*)")


class ImlError(ValueError):
    """An expression this evaluator does not support, or a reference that does not resolve."""


@dataclass(frozen=True)
class Visit:
    module: dict
    where: str
    before: tuple[int, ...]  # module IDs that run before this one on its path
    is_first: bool


def walk(flow: list[dict], where: str = "flow", before: tuple[int, ...] = ()) -> Iterator[Visit]:
    """Yield every module of ``flow`` and of its nested routes, branches and error handlers."""
    seen = list(before)
    for i, mod in enumerate(flow):
        ctx = f"{where}[{i}]"
        yield Visit(mod, ctx, tuple(seen), i == 0 and where == "flow")
        inner = tuple(seen) + ((mod["id"],) if isinstance(mod.get("id"), int) else ())
        for r, route in enumerate(mod.get("routes") or []):
            yield from walk(route.get("flow") or [], f"{ctx}.routes[{r}].flow", inner)
        for b, branch in enumerate(mod.get("branches") or []):
            yield from walk(branch.get("flow") or [], f"{ctx}.branches[{b}].flow", inner)
        if mod.get("onerror"):
            yield from walk(mod["onerror"], f"{ctx}.onerror", inner)
        seen = list(inner)


def own_settings(mod: dict) -> dict:
    """Return the parts of a module that it evaluates itself (not its nested flows)."""
    return {k: v for k, v in mod.items() if k in ("parameters", "mapper", "filter")}


def expressions(value) -> list[str]:
    """Return the inner text of every ``{{…}}`` in ``value`` (any JSON value)."""
    if isinstance(value, str):
        return EXPR_RE.findall(value)
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        return [e for v in value for e in expressions(v)]
    return []


def references(value) -> list[tuple[int, str]]:
    """Return ``(module_id, path)`` for every module reference inside ``value``'s expressions."""
    out = []
    for expr in expressions(value):
        stripped = re.sub(r'"[^"]*"', '""', expr)  # words inside string literals are not references
        out += [(int(m.group(1)), m.group(2).replace("`", "")) for m in REF_RE.finditer(stripped)]
    return out


# ------------------------------------------------------------------------------------ evaluation

MISSING = object()


class _Parser:
    """Recursive-descent parser for the IML subset: calls with ``;`` arguments, literals, paths."""

    def __init__(self, text: str, scope: Scope):
        self.s, self.i, self.scope = text, 0, scope

    def parse(self):
        value = self.expr()
        self.ws()
        if self.i != len(self.s):
            raise ImlError(f"unsupported IML near {self.s[self.i :]!r} in {{{{{self.s}}}}}")
        return value

    def ws(self):
        while self.i < len(self.s) and self.s[self.i].isspace():
            self.i += 1

    def expr(self):
        self.ws()
        if self.s.startswith('"', self.i):
            end = self.s.index('"', self.i + 1)
            text, self.i = self.s[self.i + 1 : end], end + 1
            return text
        m = re.compile(r"[A-Za-z0-9_.`\[\]]+").match(self.s, self.i)
        if not m:
            raise ImlError(f"unsupported IML near {self.s[self.i :]!r}")
        token, self.i = m.group(0), m.end()
        self.ws()
        if self.s.startswith("(", self.i):
            self.i += 1
            args = []
            while True:
                args.append(self.expr())
                self.ws()
                if self.s.startswith(";", self.i):
                    self.i += 1
                    continue
                if self.s.startswith(")", self.i):
                    self.i += 1
                    break
                raise ImlError(f"expected ; or ) in {self.s!r}")
            return self.scope.call(token, args)
        if re.fullmatch(r"-?\d+(\.\d+)?", token):
            return json.loads(token)
        return self.scope.lookup(token)


class Scope:
    """What expressions can see: earlier modules' outputs and the team variables."""

    def __init__(self, outputs: dict[int, object], team: dict[str, str], now: _dt.datetime | None = None):
        self.outputs, self.team = outputs, team
        self.now = now or _dt.datetime.now(_dt.UTC)

    def lookup(self, path: str):
        parts = [p for p in re.split(r"\.", path.replace("`", "")) if p]
        if parts == ["now"]:
            return self.now
        if parts[:2] == ["var", "team"] and len(parts) == 3:
            if parts[2] not in self.team:
                raise ImlError(f"team variable {parts[2]} is not set")
            return self.team[parts[2]]
        if not parts[0].isdigit():
            raise ImlError(f"unsupported IML name {path!r}")
        value = self.outputs.get(int(parts[0]), MISSING)
        for p in parts[1:]:
            if isinstance(value, dict) and p in value:
                value = value[p]
            else:
                return MISSING
        return value

    def call(self, name: str, args: list):
        if name == "ifempty" and len(args) == 2:
            a, b = args
            return b if a in (MISSING, None, "", []) else a
        if name == "map" and len(args) == 2 and isinstance(args[1], str):  # map(array; "key"): that key of each item
            return [] if args[0] in (MISSING, None) else [i.get(args[1]) for i in args[0] if isinstance(i, dict)]
        if name == "first" and len(args) == 1:
            return args[0][0] if isinstance(args[0], list) and args[0] else None
        if name == "formatDate" and len(args) == 2 and isinstance(args[0], _dt.datetime):
            return args[0].isoformat(timespec="milliseconds").replace("+00:00", "Z")
        raise ImlError(f"unsupported IML function {name}() with {len(args)} argument(s)")


def _text(value) -> str:
    if value is MISSING:
        raise ImlError("reference to a field the earlier module does not output")
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, _dt.datetime):
        return value.isoformat()
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return str(value)


def render(value, scope: Scope):
    """Evaluate a mapper value: strings have their ``{{…}}`` replaced; a lone expression keeps its type."""
    if isinstance(value, dict):
        return {k: render(v, scope) for k, v in value.items()}
    if isinstance(value, list):
        return [render(v, scope) for v in value]
    if not isinstance(value, str):
        return value
    whole = EXPR_RE.fullmatch(value)
    if whole:
        result = _Parser(whole.group(1), scope).parse()
        if result is MISSING:
            raise ImlError(f"{value} does not resolve")
        return result
    try:
        return EXPR_RE.sub(lambda m: _text(_Parser(m.group(1), scope).parse()), value)
    except ImlError as exc:
        raise ImlError(f"{exc} in {value!r}") from None


def passes(filter_: dict | None, scope: Scope) -> bool:
    """Evaluate a module filter (outer list OR-ed, inner lists AND-ed) for the operators we use."""
    if not filter_:
        return True

    def one(cond: dict) -> bool:
        op = cond["o"]
        try:
            a = render(cond.get("a", ""), scope)
        except ImlError:
            a = MISSING
        if op == "exist":
            return a not in (MISSING, None, "")
        if op == "notexist":
            return a in (MISSING, None, "")
        if a is MISSING:
            return False
        b = render(cond.get("b", ""), scope)
        if op == "text:equal":
            return _text(a) == _text(b)
        if op == "text:contain":
            return _text(b) in _text(a)
        if op == "number:equal":
            return float(a) == float(b)
        if op == "number:greater":
            return a not in (None, "") and float(a) > float(b)
        if op == "boolean:equal":
            return _text(a).lower() == _text(b).lower()
        raise ImlError(f"unsupported filter operator {op}")

    return any(all(one(c) for c in group) for group in filter_["conditions"])
