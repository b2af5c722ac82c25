"""`extractor review`: import results into the store, then serve the review app until Ctrl+C."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from pathlib import Path

from werkzeug.serving import make_server

from .. import export
from .app import create_app
from .store import Store

STORE_SUFFIXES = {".sqlite", ".sqlite3", ".db"}


def import_into(db: Path, results: Path | None) -> str:
    """Import a results JSONL (if given) and say what the store now holds."""
    store = Store(db)
    try:
        line = ""
        if results is not None:
            s = store.import_results(export.read_jsonl(results))
            line = (f"imported {results}: {s.new} new, {s.updated} updated, "
                    f"{s.unchanged} unchanged; ")
        c = store.counts()
        return (line + f"{len(store.reports())} reports in {db}; flags: {c['open']} open, "
                f"{c['decided']} decided, {c['cleared']} cleared")
    finally:
        store.close()


def serve(db: Path, host: str, port: int, say: Callable[[str], None],
          fixtures_root: Path | None = None) -> None:
    app = create_app(db, fixtures_root=fixtures_root)
    server = make_server(host, port, app, threaded=True)
    shown = f"[{host}]" if ":" in host else host
    if not _loopback(host):
        say(f"warning: serving on {host}: anyone who can reach it can change decisions "
            "(there is no login)")
    say(f"review at http://{shown}:{server.server_port}/  (Ctrl+C to stop)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
