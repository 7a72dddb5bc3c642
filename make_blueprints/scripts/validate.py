"""Check every blueprint in make_blueprints/patterns against Make's structural rules.

    python make_blueprints/scripts/validate.py      # prints failures, exit 1 if any

A Python port of the machine-checkable rules of integromat/make-blueprints `scripts/validate.mjs`
(Make's own blueprint repository), plus what we need on top:
- every ``{{N.…}}`` reference names a module that runs *before* the referencing module on its
  path (Make's repo only checks that the module exists);
- facade calls use ``http:MakeRequest`` v4 with the URL and API key from team variables, never a
  literal, and every facade wait stays under Make's 40 s module limit;
- README sections and the index catalogue are in sync with the blueprints.
Checks that need the running facade (OpenAPI paths, fields) live in tests/make_blueprints/.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from urllib.parse import urlsplit

if __package__ in (None, ""):  # run as a script
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from make_blueprints.scripts import iml
from make_blueprints.scripts.build_index import build_index_md

ROOT = Path(__file__).resolve().parents[1]
PATTERNS = ROOT / "patterns"

MODULE_ID_RE = re.compile(r"^[a-z][a-z0-9-]*:[A-Za-z0-9]+$")
FACADE_URL = "{{var.team.SYMBL_CONNECTOR_URL}}"
FACADE_AUTH = "Bearer {{var.team.SYMBL_CONNECTOR_API_KEY}}"
MODULE_TIME_LIMIT_S = 40
#: keys that bind a module to one account; connections and webhooks are attached after import
FORBIDDEN_PARAM_KEYS = {
    "__IMTCONN__",
    "__IMTKEY__",
    "hook",
    "datastore",
    "agent",
    "apiKeyKeychain",
    "basicAuthKeychain",
    "oAuthAccount",
    "proxyKeychain",
    "bodyDataStructure",
}
#: exporter-only module metadata; designer coordinates are the only metadata we keep
FORBIDDEN_MODULE_META = {"restore", "expect", "interface", "parameters", "advanced"}
TOP_LEVEL_KEYS = {"name", "description", "flow", "metadata"}
#: modules that start a scenario on an incoming request: the scenario is instant (metadata.instant)
INSTANT_FIRST_MODULES = {"gateway:CustomWebHook", "gateway:CustomMailHook"}
#: select-mode values Make exports for slack:CreateMessage's channel ("manualy" is Make's spelling)
SLACK_CHANNEL_MODES = {"manualy", "list"}
#: hosts a blueprint may name literally: placeholders and the public APIs it calls
ALLOWED_HOSTS = re.compile(r"^(?:[a-z0-9-]+\.)*example\.com$|^api\.hubapi\.com$")
SECRET_PATTERNS = [
    (re.compile(r"[A-Za-z0-9._%+-]+@(?!example\.com)[A-Za-z0-9.-]+\.[A-Za-z]{2,}"), "non-example.com e-mail address"),
    (
        re.compile(r"we\.make\.com|make\.atlassian\.net|hook\.[a-z0-9]+\.make\.com", re.I),
        "Make-internal or real webhook URL",
    ),
    (
        re.compile(r"(?:api[_-]?key|bearer|token|secret)[\"\s:=]+(?!\{\{)[A-Za-z0-9_\-]{16,}", re.I),
        "credential-looking string",
    ),
    (re.compile(r"\bBearer\s+(?!\{\{)\S+"), "literal bearer token"),
    (re.compile(r"\b\d{7,}\b"), "long numeric ID (connection, hook, team or channel?)"),
]


def load(slug: str) -> dict:
    return json.loads((PATTERNS / slug / "blueprint.json").read_text(encoding="utf-8"))


def slugs() -> list[str]:
    return sorted(p.name for p in PATTERNS.iterdir() if p.is_dir())


def is_facade_call(mod: dict) -> bool:
    return mod.get("module") == "http:MakeRequest" and str((mod.get("mapper") or {}).get("url", "")).startswith(
        FACADE_URL
    )


def facade_wait_seconds(mod: dict) -> float:
    """The longest time this facade call may hold the connection (its ``wait``)."""
    mapper = mod.get("mapper") or {}
    waits = [float(q["value"]) for q in mapper.get("queryParameters") or [] if q.get("name") == "wait"]
    body = mapper.get("jsonStringBodyContent")
    m = re.search(r'"wait"\s*:\s*(\d+(?:\.\d+)?)', body or "")
    if m:
        waits.append(float(m.group(1)))
    return max(waits, default=0.0)


def check_blueprint(slug: str, bp: dict) -> list[str]:
    """Return the rule violations of one blueprint (empty when it is fine)."""
    fails: list[str] = []
    fail = lambda where, msg: fails.append(f"patterns/{slug} {where}: {msg}")  # noqa: E731

    for key in bp:
        if key not in TOP_LEVEL_KEYS:
            fail("", f"unexpected top-level key {key!r} (Make's shareable subset is name, description, flow, metadata)")
    if not isinstance(bp.get("name"), str) or not 1 <= len(bp["name"]) <= 120:
        fail("", "name must be a 1-120 character string")
    if not isinstance(bp.get("flow"), list) or not bp["flow"]:
        fail("", "flow must be a non-empty array")
    meta = bp.get("metadata") or {}
    if meta.get("version") != 1:
        fail("metadata", "version must be 1")
    if not isinstance(meta.get("scenario"), dict):
        fail("metadata", "scenario settings are required")
    if not isinstance((meta.get("designer") or {}).get("orphans"), list):
        fail("metadata", "designer.orphans is required")
    first = (bp.get("flow") or [{}])[0]
    if isinstance(first, dict) and first.get("module") in INSTANT_FIRST_MODULES and meta.get("instant") is not True:
        fail("metadata", f"instant must be true: the scenario starts with {first['module']}")

    visits = list(iml.walk(bp.get("flow") or []))
    ids: set[int] = set()
    for v in visits:
        mod, where = v.module, v.where
        mid = mod.get("id")
        if not isinstance(mid, int) or isinstance(mid, bool) or mid < 1:
            fail(where, f"module id must be an integer >= 1 (got {mid!r})")
        elif mid in ids:
            fail(where, f"duplicate module id {mid}")
        ids.add(mid)
        if not isinstance(mod.get("module"), str) or not MODULE_ID_RE.match(mod["module"]):
            fail(where, f"invalid module identifier {mod.get('module')!r}")
        if not isinstance(mod.get("version"), int) or isinstance(mod.get("version"), bool) or mod["version"] < 1:
            fail(where, "module version must be a positive integer")
        for key in FORBIDDEN_PARAM_KEYS & set(mod.get("parameters") or {}):
            fail(
                where,
                f"parameters.{key} must be omitted: connections, webhooks and keychains are attached after import",
            )
        metadata = mod.get("metadata")
        if not isinstance(metadata, dict):
            fail(where, "metadata.designer is required")
        else:
            for key in FORBIDDEN_MODULE_META & set(metadata):
                fail(where, f"module metadata.{key} is exporter-only")
            d = metadata.get("designer") or {}
            if not isinstance(d.get("x"), (int, float)) or not isinstance(d.get("y"), (int, float)):
                fail(where, "metadata.designer.x/y are required")
            elif d["x"] % 300:
                fail(where, f"designer x={d['x']} is off the 300 grid")
        if v.is_first and mod.get("filter"):
            fail(where, "the first module of a scenario must not have a filter")
        if mod.get("module") == "builtin:BasicRouter":
            if mod.get("mapper", "absent") is not None:
                fail(where, "router mapper must be null")
            if mod.get("filter"):
                fail(where, "a router must not carry a filter; put it on the first module of a route")
            routes = mod.get("routes")
            if not isinstance(routes, list) or not routes:
                fail(where, "router must have routes")
            for r, route in enumerate(routes or []):
                if not route.get("flow"):
                    fail(where, f"routes[{r}].flow must be non-empty")
        elif mod.get("routes"):
            fail(where, "only builtin:BasicRouter may have routes")
        if mod.get("filter") is not None:
            f = mod["filter"]
            if not isinstance(f.get("conditions"), list) or not all(isinstance(g, list) and g for g in f["conditions"]):
                fail(where, "filter.conditions must be a list of non-empty lists")
        if mod.get("module") == "builtin:BasicAggregator" and not isinstance(
            (mod.get("parameters") or {}).get("feeder"), int
        ):
            fail(where, "aggregator parameters.feeder must be a module id")
        if mod.get("module") == "slack:CreateMessage":
            mode = (mod.get("mapper") or {}).get("channelWType")
            if mode not in SLACK_CHANNEL_MODES:
                fail(
                    where, f"slack:CreateMessage channelWType {mode!r}: Make exports only {sorted(SLACK_CHANNEL_MODES)}"
                )
        if mod.get("module") == "http:MakeRequest" and mod.get("version") != 4:
            fail(where, "use http:MakeRequest version 4")
        if mod.get("module", "").startswith("http:") and mod.get("module") != "http:MakeRequest":
            fail(where, "use http:MakeRequest v4, not the legacy HTTP modules")
        if is_facade_call(mod):
            headers = {h.get("name", "").lower(): h.get("value") for h in mod["mapper"].get("headers") or []}
            if headers.get("authorization") != FACADE_AUTH:
                fail(where, f"facade calls must send Authorization: {FACADE_AUTH}")
            if (mod.get("parameters") or {}).get("authenticationType") != "noAuth":
                fail(where, "facade calls authenticate with the header, so authenticationType must be noAuth")
            if facade_wait_seconds(mod) > MODULE_TIME_LIMIT_S - 10:
                fail(
                    where,
                    f"facade wait {facade_wait_seconds(mod)} s leaves no margin under Make's {MODULE_TIME_LIMIT_S} s module limit",
                )
        elif mod.get("module") == "http:MakeRequest":
            url = str((mod.get("mapper") or {}).get("url", ""))
            host = urlsplit(url).hostname or ""
            if not ALLOWED_HOSTS.match(host):
                fail(where, f"HTTP call to {url!r}: use {FACADE_URL} or a public API host")
        body = (mod.get("mapper") or {}).get("jsonStringBodyContent")
        if body is not None:
            try:
                json.loads(iml.EXPR_RE.sub("0", body))
            except ValueError as exc:
                fail(where, f"jsonStringBodyContent is not JSON once expressions are filled: {exc}")
        for ref, path in iml.references(iml.own_settings(mod)):
            if ref not in v.before:
                fail(where, f"{{{{{ref}.{path}}}}} refers to a module that does not run before module {mid}")

    if any(m.get("module") == "builtin:Break" for v in visits for m in v.module.get("onerror") or []) and (
        (meta.get("scenario") or {}).get("dlq") is not True
    ):
        fail("metadata", "scenario.dlq must be true: a Break error handler needs incomplete executions stored")
    for v in visits:
        if v.module.get("module") == "builtin:BasicAggregator" and v.module["parameters"].get("feeder") not in ids:
            fail(v.where, "aggregator feeder does not reference an existing module")

    raw = json.dumps(bp, ensure_ascii=False)
    for pattern, label in SECRET_PATTERNS:
        for hit in pattern.findall(raw):
            fail("", f"possible leak ({label}): {hit!r}")
    for url in re.findall(r"https?://[^\s\"'{}]+", raw):
        if not ALLOWED_HOSTS.match(urlsplit(url).hostname or ""):
            fail("", f"literal URL {url!r}: use example.com placeholders or a team variable")
    return fails


def check_readme(slug: str, bp: dict) -> list[str]:
    """The README follows the catalogue's format and lists every module the blueprint uses."""
    path = PATTERNS / slug / "README.md"
    if not path.exists():
        return [f"patterns/{slug}: missing README.md"]
    text = path.read_text(encoding="utf-8")
    fails = [
        f"patterns/{slug}/README.md: missing section {s}"
        for s in ("**Teaches**", "**Modules**", "**After import**")
        if s not in text
    ]
    for mod in {(v.module["module"], v.module["version"]) for v in iml.walk(bp["flow"])}:
        if f"| `{mod[0]}` | {mod[1]} |" not in text:
            fail = f"patterns/{slug}/README.md: the Modules table lacks `{mod[0]}` version {mod[1]}"
            fails.append(fail)
    if not re.search(r"\*\*After import\*\*\s+1\. ", text):
        fails.append(f"patterns/{slug}/README.md: After import must be numbered steps")
    if re.search(r"\bBreak\b", text) and (bp.get("metadata", {}).get("scenario") or {}).get("dlq") is not True:
        fails.append(
            f"patterns/{slug}: the README suggests a Break error handler, so metadata.scenario.dlq must be true "
            "(Make stores incomplete executions only then)"
        )
    return fails


def check_index() -> list[str]:
    """index.json lists exactly the pattern folders with their modules, and INDEX.md is current."""
    fails = []
    index = json.loads((ROOT / "index.json").read_text(encoding="utf-8"))
    listed = [e["slug"] for e in index]
    for slug in slugs():
        entry = next((e for e in index if e["slug"] == slug), None)
        if entry is None:
            fails.append(f"index.json: no entry for patterns/{slug}")
            continue
        for field in ("title", "description", "trigger", "patterns", "modules"):
            if not entry.get(field):
                fails.append(f"index.json[{slug}]: missing {field}")
        used = sorted({v.module["module"] for v in iml.walk(load(slug)["flow"])})
        if used != sorted(entry.get("modules") or []):
            fails.append(f"index.json[{slug}]: modules out of sync; the blueprint uses {', '.join(used)}")
    fails += [f"index.json: {s} has no patterns/{s}/" for s in listed if s not in slugs()]
    current = (ROOT / "INDEX.md").read_text(encoding="utf-8") if (ROOT / "INDEX.md").exists() else ""
    if current != build_index_md(index):
        fails.append("INDEX.md is out of date: run python make_blueprints/scripts/build_index.py")
    return fails


def check_all() -> list[str]:
    fails = []
    for slug in slugs():
        try:
            bp = load(slug)
        except (OSError, ValueError) as exc:
            fails.append(f"patterns/{slug}: blueprint.json unreadable: {exc}")
            continue
        fails += check_blueprint(slug, bp) + check_readme(slug, bp)
    return fails + check_index()


def main() -> int:
    fails = check_all()
    for f in fails:
        print(f"FAIL {f}", file=sys.stderr)
    print(f"{len(slugs())} blueprint(s), {len(fails)} failure(s).")
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
