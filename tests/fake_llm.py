"""A local fake OpenAI-compatible endpoint with scripted behaviours, for fault tests of the client
(not a stand-in for the model's answers: those are recorded from the real model)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Step:
    status: int = 200
    arguments: str | None = None  # the tool call's arguments (a JSON text, or broken on purpose)
    delay: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class FakeEndpoint:
    steps: list[Step]
    requests: list[dict[str, Any]] = field(default_factory=list)
    times: list[float] = field(default_factory=list)
    base_url: str = ""


def _completion(name: str, arguments: str) -> dict[str, Any]:
    return {
        "id": "fake", "object": "chat.completion", "created": 0, "model": "fake",
        "choices": [{"index": 0, "finish_reason": "tool_calls", "message": {
            "role": "assistant", "content": None,
            "tool_calls": [{"id": "call_1", "type": "function",
                            "function": {"name": name, "arguments": arguments}}]}}],
        "usage": {"prompt_tokens": 11, "completion_tokens": 7, "total_tokens": 18},
    }


@contextmanager
def fake_endpoint(steps: list[Step]) -> Iterator[FakeEndpoint]:
    ep = FakeEndpoint(list(steps))

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:  # keep test output clean
            pass

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            ep.requests.append(body)
            ep.times.append(time.monotonic())
            step = ep.steps.pop(0) if ep.steps else Step(status=500)
            if step.delay:
                time.sleep(step.delay)
            if step.status != 200:
                payload = json.dumps({"error": {"message": f"status {step.status}"}}).encode()
            else:
                name = body["tools"][0]["function"]["name"]
                payload = json.dumps(_completion(name, step.arguments or "{}")).encode()
            try:
                self.send_response(step.status)
                for k, v in {"Content-Type": "application/json", **step.headers}.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout)
                pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    ep.base_url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    try:
        yield ep
    finally:
        server.shutdown()
        server.server_close()
