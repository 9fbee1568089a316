"""Source text as the parser sees it, however it arrived (a file, standard input, the API).

A file and standard input are read the same way: bytes, at most `MAX_FILE_BYTES` (so that
`/dev/zero` or a huge file is a clear error, not a `MemoryError`), decoded as strict UTF-8,
a leading byte-order mark dropped, CR LF and lone CR line ends made LF. Only LF ends a line
for the parser and for diagnostics alike.
"""
from __future__ import annotations

from typing import List, Optional

from dsl.diagnostics import Diagnostic, Span, error, warning
from dsl.syntax.parser import MAX_FILE_BYTES


class Changed(OSError):
    """A local file changed on disk after it was read (hashed) in one snapshot of the local
    code (dsl.semantics.localcode)."""


class SourceError(Exception):
    """The bytes are not a `.pipe` text (too large, not UTF-8); the message says why."""


def normalize(text: str) -> str:
    """Drop a byte-order mark and make every line end a LF."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def decode(data: bytes, name: str) -> str:
    if len(data) > MAX_FILE_BYTES:
        raise SourceError(f"{name} is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB, "
                          "the most a .pipe file may hold")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise SourceError(f"{name}:{line}:{column}: not UTF-8 (byte 0x{data[exc.start]:02x}); "
                          ".pipe files are UTF-8 text") from None
    return normalize(text)


def read_stream(stream, name: str) -> str:
    """Read a binary stream (a file or standard input) as `.pipe` text."""
    return decode(stream.read(MAX_FILE_BYTES + 1), name)


def read_bytes(path: str, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of the regular file `path`, at most `limit` of them (SourceError beyond).
    A FIFO, device or socket is refused before anything is read from it: it is opened
    without blocking and looked at first, so `/dev/zero` or a FIFO nobody writes to can
    neither fill memory nor hang the command (their content can come on standard input)."""
    import os
    import stat

    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(fd, "rb") as handle:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(21, "it is a directory", path)
        if not stat.S_ISREG(mode):
            raise SourceError(f"{path} is not a regular file (a FIFO, device or socket is never read; "
                              "pass its content on standard input, as -)")
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise SourceError(f"{path} is larger than {limit // (1024 * 1024)} MiB, the most pipedsl reads")
    return data


def read_path(path: str) -> str:
    return decode(read_bytes(path), path)


# Unicode's bidirectional controls: text between them can display in another order than the
# parser reads it ("Trojan Source", CVE-2021-42574)
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def bidi_warnings(text: str) -> List[Diagnostic]:
    """W0004 at each bidirectional control character: shown escaped, it is harmless; in an
    editor it can make code read otherwise than it runs."""
    if text.isascii() or not BIDI_CONTROLS.intersection(text):  # (isascii: a near-free check for most files)
        return []
    return [warning("W0004", f"a bidirectional control character (U+{ord(ch):04X}): the text may display "
                    "in another order than pipedsl reads it", _position(text, index), "invisible reordering",
                    "remove it, or write it as an escape in a string if it is meant")
            for index, ch in enumerate(text) if ch in BIDI_CONTROLS]


def _position(text: str, index: int) -> Span:
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return Span(line, column, line, column + 1)


def problems(text: str) -> List[Diagnostic]:
    """What makes `text` (already normalized) unusable before parsing: its size, and
    characters no UTF-8 output can carry (lone surrogates, only possible through the API)."""
    if len(text) > MAX_FILE_BYTES:
        return [error("E0004", f"the text is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB, "
                      "the most a .pipe file may hold", Span(1, 1, 1, 2), "too large")]
    bad: Optional[int] = None
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        bad = exc.start
    if bad is not None:
        return [error("E0004", f"the text holds a lone surrogate (U+{ord(text[bad]):04X}), which is "
                      "not a character", _position(text, bad), "not a character")]
    return []
