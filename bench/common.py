"""Shared helpers: free ports, the sandbox and the facade as real processes, /proc sampling, machine info."""

from __future__ import annotations

import os
import platform
import resource
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import requests

API_KEY = "bench-key"
APP_ID, APP_SECRET = "sandbox-app-id", "sandbox-app-secret"
ROOT = Path(__file__).resolve().parent.parent
TMP = Path(tempfile.mkdtemp(prefix="connector-bench-"))

TRANSCRIPT = (
    "Alice: Hi Bob, thanks for joining. How is the rollout going?\n"
    "Bob: Pretty well, but the pricing for the enterprise tier is confusing our customers.\n"
    "Alice: Bob, can you send me the customer feedback by Friday?\n"
    "Bob: Sure, I will send the feedback by Friday.\n"
    "Alice: We also heard that Acme Corp offered them a discount. Is that a risk for us?\n"
    "Bob: Let's schedule a follow-up call next week to discuss the competitor offer.\n"
)


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def raise_nofile(limit: int = 20000) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(max(soft, limit), hard), hard))
    except (ValueError, OSError):
        pass


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_http(url: str, timeout: float = 30.0, proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"process for {url} exited with {proc.returncode}")
        try:
            requests.get(url, timeout=1)
            return
        except requests.RequestException:
            time.sleep(0.1)
    raise RuntimeError(f"nothing answers at {url} after {timeout} s")


def stop(proc: subprocess.Popen) -> None:
    """Stop a process we started (its own process group: gunicorn master and workers)."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(10)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)


class Sandbox:
    """`connector sandbox` as its own process, plus its control routes."""

    def __init__(self, **config: Any) -> None:
        port = free_port()
        env = {**os.environ, **{f"SANDBOX_{k.upper()}": str(v) for k, v in config.items()}}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "connector.cli", "sandbox", "--host", "127.0.0.1", "--port", str(port), "--quiet"],
            env=env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.url = f"http://127.0.0.1:{port}"
        self.session = requests.Session()
        wait_http(f"{self.url}/_sandbox/stats", proc=self.proc)
        self._token = ""

    def configure(self, **changes: Any) -> dict[str, Any]:
        r = self.session.post(f"{self.url}/_sandbox/config", json=changes, timeout=10)
        r.raise_for_status()
        return r.json()

    def faults(self, *rules: dict[str, Any]) -> None:
        self.session.post(f"{self.url}/_sandbox/faults", json={"rules": list(rules)}, timeout=10).raise_for_status()

    def stats(self) -> dict[str, Any]:
        return self.session.get(f"{self.url}/_sandbox/stats", timeout=10).json()

    def complete(self, job_id: str) -> None:
        requests.post(f"{self.url}/_sandbox/jobs/{job_id}/complete", timeout=10).raise_for_status()

    def reset(self) -> None:
        self.session.post(f"{self.url}/_sandbox/reset", timeout=10).raise_for_status()
        self._token = ""

    # Symbl's own API, as a hand-built client uses it
    def token(self) -> str:
        if not self._token:
            r = self.session.post(f"{self.url}/oauth2/token:generate",
                                  json={"type": "application", "appId": APP_ID, "appSecret": APP_SECRET}, timeout=10)
            self._token = r.json()["accessToken"]
        return self._token

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token()}"}

    def submit_text(self, text: str = TRANSCRIPT, session: requests.Session | None = None) -> dict[str, Any]:
        messages = [{"payload": {"content": line.split(": ", 1)[1]}, "from": {"name": line.split(": ", 1)[0]}}
                    for line in text.strip().splitlines()]
        r = (session or requests).post(f"{self.url}/v1/process/text", json={"messages": messages},
                                       headers=self.headers(), timeout=30)
        r.raise_for_status()
        return r.json()

    def job_status(self, job_id: str, session: requests.Session | None = None) -> str:
        r = (session or requests).get(f"{self.url}/v1/job/{job_id}", headers=self.headers(), timeout=30)
        r.raise_for_status()
        return r.json()["status"]

    def close(self) -> None:
        stop(self.proc)


class Facade:
    """`connector serve` (gunicorn + gevent) as users run it, on a loopback port."""

    def __init__(self, sandbox_url: str, workers: int = 1, port: int | None = None, capture_log: bool = False,
                 **env: Any) -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        store = env.pop("CONNECTOR_STORE_URL", None) or f"sqlite:///{TMP}/facade-{self.port}.db"
        full_env = {**os.environ, "SYMBL_BASE_URL": sandbox_url, "CONNECTOR_API_KEYS": API_KEY,
                    "CONNECTOR_WORKERS": str(workers), "CONNECTOR_LOG_LEVEL": "WARNING",
                    "CONNECTOR_STORE_URL": store,
                    "CONNECTOR_RATE_LIMIT": "100000000/minute", **{k: str(v) for k, v in env.items()}}
        full_env.pop("SYMBL_APP_ID", None)
        self.log_path = TMP / f"facade-{self.port}.log"
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "connector.cli", "serve", "--host", "127.0.0.1", "--port", str(self.port)],
            env=full_env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=self._log)
        wait_http(f"{self.url}/healthz", proc=self.proc)
        self.session = requests.Session()
        self.workers = workers
        deadline = time.monotonic() + 10
        while len(self.worker_pids()) < workers and time.monotonic() < deadline:
            time.sleep(0.1)

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {API_KEY}"}

    def submit(self, body: dict[str, Any], session: requests.Session | None = None) -> requests.Response:
        return (session or self.session).post(f"{self.url}/v1/conversations", json=body, headers=self.headers(),
                                              timeout=400)

    def job(self, job_id: str, wait: float = 0, session: requests.Session | None = None) -> dict[str, Any]:
        r = (session or self.session).get(f"{self.url}/v1/jobs/{job_id}", params={"wait": wait},
                                          headers=self.headers(), timeout=wait + 60)
        r.raise_for_status()
        return r.json()

    def worker_pids(self) -> list[int]:
        return children(self.proc.pid)

    def pids(self) -> list[int]:
        return [self.proc.pid, *self.worker_pids()]

    def close(self) -> None:
        stop(self.proc)
        self._log.close()


# -- /proc sampling --------------------------------------------------------------------------------
CLK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


def children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                if int(fields[1]) == pid:
                    found.append(int(entry))
            except (OSError, IndexError):
                continue
    return sorted(found)


def rss_bytes(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * PAGE
    except OSError:
        return 0


def cpu_seconds(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK
    except OSError:
        return 0.0


class Sampler:
    """Samples the summed RSS of some processes every ``step`` seconds in a thread."""

    def __init__(self, pids_fn, step: float = 0.05) -> None:
        self.pids_fn = pids_fn
        self.step = step
        self.samples: list[tuple[float, int]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.samples.append((time.time(), sum(rss_bytes(p) for p in self.pids_fn())))
            self._stop.wait(self.step)

    def __enter__(self) -> "Sampler":
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._stop.set()
        self._thread.join()

    def peak(self) -> int:
        return max((s for _, s in self.samples), default=0)


# -- statistics and formatting ---------------------------------------------------------------------
def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def mb(n: float) -> str:
    return f"{n / 1048576:.1f} MB"


def fmt_s(seconds: float) -> str:
    if seconds != seconds:
        return "n/a"
    if seconds < 0.01:
        return f"{seconds * 1000:.2f} ms"
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 120:
        return f"{seconds:.1f} s"
    return f"{seconds / 60:.1f} min"


def table(headers: list[str], rows: list[list[Any]]) -> str:
    out = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(out)


def machine() -> dict[str, str]:
    cpu = "unknown"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = 0
    try:
        for line in open("/proc/meminfo"):
            if line.startswith("MemTotal"):
                mem = int(line.split()[1]) * 1024
    except OSError:
        pass
    osname = ""
    try:
        for line in open("/etc/os-release"):
            if line.startswith("PRETTY_NAME="):
                osname = line.split("=", 1)[1].strip().strip('"')
    except OSError:
        pass
    return {"cpu": cpu, "cores": str(os.cpu_count()), "memory": f"{mem / 2**30:.1f} GiB",
            "os": f"{osname}, Linux {platform.release()}", "python": platform.python_version()}
