"""Memory during a streamed upload: a generated body sent chunked (no Content-Length) to the facade."""

from __future__ import annotations

import os
import time
from typing import Any

import requests

from bench.common import Facade, Sampler, Sandbox, log, rss_bytes, table

CHUNK = 1 << 20

DOC = """\
`connector serve` (1 gevent worker, `CONNECTOR_MAX_UPLOAD_BYTES` = 4 GB) in front of a sandbox process
(which hashes and counts uploads as a stream). The bench streams a generated body of the size shown
with `Transfer-Encoding: chunked` (1 MiB chunks, no Content-Length) as `POST /v1/conversations?wait=0`
with `Content-Type: audio/mpeg`, and samples the RSS of the facade (gunicorn master + worker) and of
the sandbox every 50 ms. Growth = peak during the upload − RSS just before it. The smaller upload is
run first on the same processes, so both see the same warmed-up allocator."""


def body(size: int):
    block = bytearray(os.urandom(CHUNK))
    for i in range(size // CHUNK):
        block[:8] = i.to_bytes(8, "big")
        yield bytes(block)


def run(sizes_mb: list[int]) -> dict[str, Any]:
    sandbox = Sandbox(job_seconds=1.0)
    facade = Facade(sandbox.url, workers=1, CONNECTOR_MAX_UPLOAD_BYTES=4 * 2**30)
    try:
        facade.submit({"transcript": "Alice: warm up.", "wait": 5})
        runs = []
        for size_mb in sizes_mb:
            time.sleep(1.0)
            before = sum(rss_bytes(p) for p in facade.pids())
            sandbox_before = rss_bytes(sandbox.proc.pid)
            log(f"upload: {size_mb} MB streamed")
            with Sampler(facade.pids, step=0.05) as fs, Sampler(lambda: [sandbox.proc.pid], step=0.05) as ss:
                t = time.time()
                answer = requests.post(f"{facade.url}/v1/conversations", params={"wait": 0, "name": "upload bench"},
                                       data=body(size_mb * 2**20),
                                       headers={**facade.headers(), "Content-Type": "audio/mpeg"}, timeout=900)
                took = time.time() - t
            runs.append({"size_mb": size_mb, "status": answer.status_code, "seconds": took,
                         "before_mb": before / 2**20, "peak_mb": fs.peak() / 2**20,
                         "growth_mb": (fs.peak() - before) / 2**20,
                         "sandbox_growth_mb": (ss.peak() - sandbox_before) / 2**20,
                         "throughput": size_mb / took, "answer": answer.text[:200] if answer.status_code >= 300 else ""})
        return {"runs": runs}
    finally:
        facade.close()
        sandbox.close()


def render(r: dict[str, Any]) -> str:
    rows = [[f"{x['size_mb']} MB", x["status"], f"{x['before_mb']:.0f} MB", f"{x['peak_mb']:.0f} MB",
             f"**{x['growth_mb']:+.1f} MB**", f"{x['sandbox_growth_mb']:+.1f} MB", f"{x['throughput']:.0f} MB/s"]
            for x in r["runs"]]
    small, large = r["runs"][0], r["runs"][-1]
    ratio = large["size_mb"] / small["size_mb"]
    return (table(["upload", "answer", "facade RSS before", "facade RSS peak", "facade growth", "sandbox growth",
                   "throughput (context)"], rows)
            + f"\n\nA {ratio:.0f}x larger file: facade memory growth {large['growth_mb']:+.1f} MB vs "
              f"{small['growth_mb']:+.1f} MB.")
