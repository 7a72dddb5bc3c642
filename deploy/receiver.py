"""A callback receiver for the stack test: prints one JSON line per POST it gets, answers 200."""

import json
import signal
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        try:
            payload = json.loads(body)
        except ValueError:
            payload = {"unparsed": body.decode(errors="replace")}
        event = {
            "path": self.path,
            "event": self.headers.get("X-Connector-Event"),
            "conversation_id": payload.get("conversation_id"),
            "summary": bool(payload.get("summary")),
        }
        print("CALLBACK " + json.dumps(event), flush=True)
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # PID 1 in its container: no default handler
    ThreadingHTTPServer(("0.0.0.0", int(sys.argv[1]) if len(sys.argv) > 1 else 9000), Receiver).serve_forever()
