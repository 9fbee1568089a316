"""Writing what the CLI produces: files given with `-o` (and by `fmt`), standard output and
standard error, whatever they turn out to be.

- A regular file (or a symlink to one, or a new path) is written atomically: a temporary
  file beside the target, then a rename, so an error leaves the old content. Through a
  symlink the *target* is replaced, never the link. The file keeps its identity: its mode,
  owner and group (running as root never hands a user's file to root); a read-only file, a
  file with hard links (a rename would split them) or one whose owner cannot be kept is
  refused with a clear error, and left as it was.
- A character device (`/dev/null`, a terminal) or a FIFO is written directly: renaming over
  it would replace the device node (as root: `/dev/null` itself).
- Anything else (a directory, a socket, a block device) is refused with a clear error.
- Standard streams may be closed, full (`/dev/full`) or a pipe closed by its reader
  (`| head -1`): each is a one-line error or, for the closed pipe, silence, and never a
  traceback; the exit status is the command's own.
"""
from __future__ import annotations

import os
import stat
import sys


class OutputError(Exception):
    """The output cannot be written; the message says why, in one line."""


def write_file(path: str, text: str) -> None:
    """Write `text` (UTF-8) to `path` as described above; raise OutputError."""
    try:
        info = os.stat(path)  # follows symlinks: what would be written is the target
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror}") from None
    data = text.encode("utf-8")
    if info is not None and (stat.S_ISCHR(info.st_mode) or stat.S_ISFIFO(info.st_mode)):
        _direct(path, data)
        return
    if info is not None and not stat.S_ISREG(info.st_mode):
        raise OutputError(f"cannot write {path}: not a regular file, character device or FIFO")
    target = os.path.realpath(path)
    if info is not None and (target.startswith("/proc/") or target.startswith("/dev/")):
        _direct(path, data)  # e.g. /dev/stdout redirected to a file: write through it
        return
    if info is not None:
        _may_replace(path, info)
    _atomic(target, data, info)


def _may_replace(path: str, info: os.stat_result) -> None:
    """Refuse to replace a file whose identity a rename would not keep."""
    if not info.st_mode & 0o222 or not os.access(path, os.W_OK):
        raise OutputError(f"cannot write {path}: it is read-only (make it writable first)")
    if info.st_nlink > 1:
        raise OutputError(f"cannot write {path}: it has {info.st_nlink} hard links, which replacing it "
                          "would split (write to another path)")
    if info.st_uid != os.geteuid() and os.geteuid() != 0:
        raise OutputError(f"cannot write {path}: it belongs to another user, and a rewritten file "
                          "would belong to you")


def _direct(path: str, data: bytes) -> None:
    try:
        with open(path, "wb") as handle:
            handle.write(data)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror}") from None


def _atomic(target: str, data: bytes, info) -> None:
    import tempfile  # only when a file is written

    directory = os.path.dirname(target) or "."
    try:
        fd, tmp = tempfile.mkstemp(prefix=".pipedsl-", dir=directory)
    except OSError as exc:
        raise OutputError(f"cannot write {target}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if info is not None:
            if (info.st_uid, info.st_gid) != (os.geteuid(), os.getegid()):
                os.chown(tmp, info.st_uid, info.st_gid)  # before chmod: chown clears set-id bits
            os.chmod(tmp, stat.S_IMODE(info.st_mode))
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, target)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise OutputError(f"cannot write {target}: {exc.strerror}") from None
        raise


class Streams:
    """stdout and stderr for the CLI: UTF-8 whatever the locale, and safe to write to when
    closed, full or a closed pipe. `failed` holds the first stdout error worth reporting."""

    def __init__(self):
        self.failed = None
        self.reader_gone = False

    @staticmethod
    def setup():
        for stream, errors in ((sys.stdin, "strict"), (sys.stdout, "strict"), (sys.stderr, "backslashreplace")):
            if stream is not None and hasattr(stream, "reconfigure") and \
                    (stream.encoding or "").lower().replace("-", "") != "utf8":
                try:
                    stream.reconfigure(encoding="utf-8", errors=errors)
                except (OSError, ValueError):
                    pass

    def out(self, text: str) -> bool:
        """Write to stdout; False when that failed (reported once through `failed`)."""
        if self.reader_gone or self.failed:
            return False
        if sys.stdout is None:
            self.failed = "standard output is closed"
            return False
        try:
            sys.stdout.write(text)
            sys.stdout.flush()
        except BrokenPipeError:
            self._reader_gone()
            return False
        except (OSError, ValueError) as exc:
            self.failed = f"cannot write to standard output: {getattr(exc, 'strerror', None) or exc}"
            self._silence(sys.stdout)
            return False
        return True

    def err(self, text: str) -> None:
        if sys.stderr is None:
            return
        try:
            sys.stderr.write(text)
            sys.stderr.flush()
        except (OSError, ValueError):
            self._silence(sys.stderr)

    def _reader_gone(self):
        self.reader_gone = True
        self._silence(sys.stdout)

    @staticmethod
    def _silence(stream):
        """Point the stream's descriptor at /dev/null so the interpreter's final flush does
        not fail again (and print `Exception ignored ...`)."""
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, stream.fileno())
            os.close(devnull)
        except (OSError, ValueError, AttributeError):
            pass

