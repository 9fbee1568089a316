"""The third-party plugins of the `pipedsl` entry-point group, found without scanning every
installed distribution on every run.

Scanning the metadata of all installed distributions costs tens of milliseconds, a large part
of a small CLI run. The (name, value) pairs found are cached as JSON (never pickle: the cache
holds data, not code) in the user's private cache folder, keyed by `sys.path` and the
modification times of its folders, which change whenever a distribution is installed or
removed. The folder must be owned by the user and closed to others, or no cache is used.
"""
from __future__ import annotations

import importlib
import json
import os
import stat
import sys
from typing import Callable, List, Optional, Tuple

GROUP = "pipedsl"


def private_cache_dir() -> Optional[str]:
    """`$XDG_CACHE_HOME/pipedsl` or `~/.cache/pipedsl`, created 0700; None unless it is a real
    folder owned by this user that nobody else can write to."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    path = os.path.join(base, "pipedsl")
    try:
        os.makedirs(path, mode=0o700, exist_ok=True)
        info = os.lstat(path)
    except OSError:
        return None
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.geteuid():
        return None
    if info.st_mode & 0o077:
        try:
            os.chmod(path, 0o700)
        except OSError:
            return None
    return path


def _key() -> str:
    parts = []
    for entry in sys.path:
        try:
            parts.append(f"{entry}\0{os.stat(entry or '.').st_mtime_ns}")
        except OSError:
            parts.append(f"{entry}\0-")
    # the text itself, not a digest of it: hashlib costs more to import than the key to store
    return "\n".join(parts).encode("utf-8", "surrogatepass").decode("utf-8", "replace")


def _scan() -> List[Tuple[str, str]]:
    from importlib.metadata import entry_points

    try:
        found = entry_points(group=GROUP)
    except TypeError:  # Python 3.9: a dict of group -> entry points
        found = entry_points().get(GROUP, ())  # type: ignore[arg-type] # (the 3.9 API)
    return sorted({(ep.name, ep.value) for ep in found})


MAX_CACHE_BYTES = 1 << 20


def _read_cache(path: str, key: str) -> Optional[List[Tuple[str, str]]]:
    """The cached pairs, or None (then the cache is rebuilt) for anything but what
    `_cached_scan` writes: the file is untrusted input, however odd (not an object, nested
    deeply, huge, a FIFO, not UTF-8)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_CACHE_BYTES:
                return None
            data = json.loads(handle.read(MAX_CACHE_BYTES + 1).decode("utf-8"))
    except (OSError, ValueError, RecursionError):
        return None
    if not isinstance(data, dict) or data.get("key") != key or not isinstance(data.get("entry_points"), list):
        return None
    pairs = data["entry_points"]
    if not all(isinstance(p, list) and len(p) == 2 and all(isinstance(x, str) for x in p) for p in pairs):
        return None
    return [(name, value) for name, value in pairs]


def _cached_scan() -> List[Tuple[str, str]]:
    directory = private_cache_dir()
    key = _key()
    path = os.path.join(directory, "entry-points.json") if directory else None
    if path:
        cached = _read_cache(path, key)
        if cached is not None:
            return cached
    pairs = _scan()
    if path:
        tmp = f"{path}.{os.getpid()}.tmp"
        try:
            with open(tmp, "w", encoding="utf-8") as handle:
                json.dump({"key": key, "entry_points": pairs}, handle)
            os.replace(tmp, path)
        except OSError:
            try:
                os.unlink(tmp)
            except OSError:
                pass
    return pairs


def _loader(value: str) -> Callable:
    def load():
        module_name, _, attribute = value.partition(":")
        module = importlib.import_module(module_name.strip())
        for part in filter(None, attribute.strip().split(".")):
            module = getattr(module, part)
        return module

    return load


def pipedsl_entry_points() -> List[Tuple[str, str, Callable]]:
    """(name, value, load) of each entry point of the `pipedsl` group."""
    return [(name, value, _loader(value)) for name, value in _cached_scan()]
