"""Local code (LANGUAGE.md section 14): a `code`, `entry_point`, `source_dir` or
`dependencies` value that is not an `s3://` URI is a path relative to the `.pipe` file.

The definition holds the S3 URI a `PipelineSession` uploads it to,
`s3://BUCKET/PIPELINE/code/HASH/NAME`, with HASH computed as
`sagemaker.workflow.utilities.hash_files_or_dirs` does: sha256 over each path string as
written (sorted) and the file's bytes, or a directory's entry names and files, depth first.
The files to upload, and where, are `Upload`s: `pipedsl deploy` puts them there.

Local paths are confined to the project root (the top `.pipe` file's folder, or `--root`):
`local_problem` refuses absolute paths, `..` escapes, symbolic links leading out, symlinked
folders and anything that is not a regular file or folder, before a byte is read. Inside a
`snapshot()` (what `deploy` runs in) every file is read once: the bytes hashed are the bytes
uploaded, and a file that changed on disk since is an error, not a mismatched object.
"""
from __future__ import annotations

import contextlib
import contextvars
import os
import stat
from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence, Tuple

from dsl.syntax import records
from dsl.syntax.source import Changed  # noqa: F401 - (raised here; callers catch it from either)

BUFFER = 65536
MAX_TREE_ENTRIES = 100_000  # a code folder bigger than this is refused, not walked for ever

# realpath -> (bytes, (size, mtime_ns, inode)) of each file read inside `snapshot()`
# (and "listing:" + realpath -> (sorted names, ()) of each folder listed)
_SNAPSHOT: contextvars.ContextVar[Optional[Dict[str, Tuple[Any, tuple]]]] = \
    contextvars.ContextVar("pipedsl_local_snapshot", default=None)


@contextlib.contextmanager
def snapshot() -> Iterator[None]:
    """Read each local file once while this is active; `Upload.body` uses those bytes."""
    token = _SNAPSHOT.set({})
    try:
        yield
    finally:
        _SNAPSHOT.reset(token)


def _signature(st: os.stat_result) -> tuple:
    return (st.st_size, st.st_mtime_ns, st.st_ino)


def read_bytes(path: str) -> bytes:
    """A file's bytes: inside a snapshot, the bytes read the first time (and an error when
    the file has changed since); outside, read now."""
    snap = _SNAPSHOT.get()
    key = os.path.realpath(path)
    if snap is not None and key in snap:
        data, signature = snap[key]
        if _signature(os.stat(key)) != signature:
            raise Changed(0, "it changed after pipedsl read it (run the command again)", path)
        return data
    with open(path, "rb") as handle:
        st = os.fstat(handle.fileno())
        if not stat.S_ISREG(st.st_mode):
            raise OSError(0, "not a regular file", path)
        data = handle.read()
    if snap is not None:
        snap[key] = (data, _signature(st))
    return data


def listdir(path: str) -> List[str]:
    """A folder's entry names, sorted: inside a snapshot, those seen the first time (and an
    error when the folder has gained or lost an entry since: a file added between the hash
    and the upload would be packed unhashed)."""
    names = sorted(os.listdir(path))
    snap = _SNAPSHOT.get()
    if snap is None:
        return names
    key = "listing:" + os.path.realpath(path)
    if key in snap:
        if snap[key][0] != names:
            raise Changed(0, "its files changed after pipedsl read them (run the command again)", path)
    else:
        snap[key] = (names, ())
    return names


def _tarball(members) -> bytes:
    """A reproducible sourcedir.tar.gz: members sorted by name, mtime 0 (gzip header too),
    uid/gid 0 without names, mode 0o755 for executables and 0o644 otherwise."""
    import gzip
    import io
    import tarfile

    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for path, name in sorted(members, key=lambda member: member[1]):
            if isinstance(path, bytes):
                data, executable = path, False
            else:
                data = read_bytes(path)
                executable = bool(os.stat(path).st_mode & stat.S_IXUSR)
            info = tarfile.TarInfo(name)
            info.size, info.mode, info.mtime = len(data), 0o755 if executable else 0o644, 0
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            tar.addfile(info, io.BytesIO(data))
    out = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=out, mtime=0) as gz:
        gz.write(raw.getvalue())
    return out.getvalue()


@records.frozen
class Upload:
    """A local file to put at an S3 URI (`deploy`): `path` on disk, `uri` in S3."""

    path: str
    uri: str
    # a tarball (sourcedir.tar.gz): (file on disk, name in the tarball) for each file; a
    # file made here is its bytes instead of a path (the model repack script)
    members: tuple = ()
    # the key is not the code's hash (a tuning job's `JOB/source/`): upload even when there
    overwrite: bool = False
    text: Optional[str] = None  # a file made here (a FrameworkProcessor's runproc.sh)
    # bytes made only when uploaded (a function step's pickled function): called by `body()`
    produce: Optional[Callable[[], bytes]] = None

    def body(self) -> bytes:
        """What is put at `uri`: the file, or the tarball of `members`."""
        if self.produce is not None:
            return self.produce()
        if self.text is not None:
            return self.text.encode("utf-8")
        if not self.members:
            return read_bytes(self.path)
        return _tarball(self.members)


def is_local(value) -> bool:
    return isinstance(value, str) and not value.startswith("s3://")


def folder_of(filename: str) -> str:
    """The folder a file's local paths start from: its own, or the working directory for
    text without a file (`-`, `<string>`)."""
    if not filename or filename.startswith("<") or filename == "-":
        return ""
    return os.path.dirname(filename)


def _hash_file(path: str, sha):
    if _SNAPSHOT.get() is not None:
        sha.update(read_bytes(path))
        return
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(BUFFER), b""):
            sha.update(block)


def _hash_dir(path: str, sha, added=None):
    """A folder's entries, sorted by name; `added` (name -> bytes) are files the SDK writes
    into it before it hashes it (the model repack script), over any there already."""
    added = added or {}
    for name in sorted(set(listdir(path)) | set(added)):
        sha.update(name.encode())
        full = os.path.join(path, name)
        if name in added:
            sha.update(added[name])
        elif os.path.isfile(full):
            _hash_file(full, sha)
        elif os.path.isdir(full):
            _hash_dir(full, sha)


def code_hash(paths: Sequence[str], folder: str, added=None) -> str:
    """`hash_files_or_dirs(paths)` as the SDK computes it, run from `folder`; `added` maps a
    folder (as written) to files put into it first (name -> bytes)."""
    import hashlib  # (only when local code is hashed)

    sha = hashlib.sha256()
    for path in sorted(paths):
        sha.update(path.encode())
        full = os.path.join(folder, path)
        if os.path.isdir(full):
            _hash_dir(full, sha, (added or {}).get(path))
        elif os.path.isfile(full):
            _hash_file(full, sha)
    return sha.hexdigest()


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def escapes_root(path: str, folder: str, root: Optional[str] = None) -> Optional[str]:
    """Why `path` (relative to `folder`) is not inside `root` (default: `folder`), as
    written or after symbolic links; None when it is (or does not exist, but would be)."""
    root_abs = os.path.abspath(root if root is not None else folder or ".")
    where = f"the project root is {root_abs}"
    if os.path.isabs(path) or path.startswith("~"):
        return f"`{path}` is an absolute path: local paths are relative to the .pipe file's folder ({where})"
    full = os.path.join(folder, path)
    if not _inside(os.path.abspath(full), root_abs):
        return f"`{path}` leads outside the project root ({where}; pass --root to widen it)"
    if os.path.lexists(full) and not _inside(os.path.realpath(full), os.path.realpath(root_abs)):
        return f"`{path}` is a symbolic link that leads outside the project root ({where})"
    return None


def local_problem(path: str, folder: str, root: Optional[str] = None,
                  directory: Optional[bool] = False) -> Optional[str]:
    """Why `path` (relative to `folder`) cannot be used as local code, or None when it can:
    it must stay inside `root` (default: `folder`), as written and after symbolic links,
    and be a regular file (`directory=False`), a folder (`True`) or either (`None`). A
    folder is walked: every entry in it must be a readable regular file or a folder inside
    the root. No file's content is read here: files are opened and closed, to learn that
    they can be."""
    escape = escapes_root(path, folder, root)
    if escape is not None:
        return escape
    full = os.path.join(folder, path)
    if not os.path.lexists(full):
        shown = os.path.normpath(full) if folder else path
        return f"`{path}` does not exist ({shown}; paths are relative to the .pipe file's folder)"
    real_root = os.path.realpath(os.path.abspath(root if root is not None else folder or "."))
    try:
        st = os.stat(full)
    except OSError:
        return f"`{path}` is a broken symbolic link"
    if stat.S_ISDIR(st.st_mode):
        if directory is False:
            return f"`{path}` must be a file, not a folder"
        return _tree_problem(full, path.rstrip("/") or path, real_root)
    if not stat.S_ISREG(st.st_mode):
        return f"`{path}` is not a regular file (a FIFO, device or socket is never read)"
    if directory is True:
        return f"`{path}` must be a folder"
    return _unreadable(full, path)


def _unreadable(full: str, shown: str) -> Optional[str]:
    try:
        with open(full, "rb"):
            return None
    except OSError as exc:
        return f"cannot read `{shown}`: {exc.strerror or exc}"


def _tree_problem(full: str, shown: str, real_root: str) -> Optional[str]:
    """The first entry of a code folder that cannot be hashed and packed, in name order."""
    count = 0
    stack = [(full, shown)]
    while stack:
        folder, name = stack.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name, reverse=True)
        except OSError as exc:
            return f"cannot read the folder `{name}`: {exc.strerror or exc}"
        for entry in entries:
            count += 1
            if count > MAX_TREE_ENTRIES:
                return f"`{shown}` holds more than {MAX_TREE_ENTRIES:,} entries"
            inner = f"{name}/{entry.name}"
            if entry.is_symlink():
                if not _inside(os.path.realpath(entry.path), real_root):
                    return f"`{inner}` is a symbolic link that leads outside the project root"
                if not os.path.exists(entry.path):
                    return f"`{inner}` is a broken symbolic link"
                if os.path.isdir(entry.path):
                    return (f"`{inner}` is a symbolic link to a folder: pipedsl does not pack linked folders "
                            "(copy the folder in, or link its files)")
            if entry.is_dir(follow_symlinks=False):
                stack.append((entry.path, inner))
            elif entry.is_file():
                problem = _unreadable(entry.path, inner)
                if problem:
                    return problem
            else:
                return f"`{inner}` is not a regular file (a FIFO, device or socket is never read)"
    return None


def tarball_members(folder: str, source_dir: Optional[str], script: Optional[str],
                    dependencies: Sequence[str]) -> tuple:
    """(file on disk, name in the tarball) of a sourcedir.tar.gz, as the SDK packs one: the
    source folder's files (or the lone script), then each dependency under its own name."""
    def tree(root: str, prefix: str = ""):
        folders = [root]
        while folders:  # each folder's files, then its subfolders (the listings the hash saw)
            base = folders.pop(0)
            names = listdir(base)
            for name in names:
                full = os.path.join(base, name)
                if os.path.isfile(full):
                    relative = os.path.relpath(full, root)
                    yield full, os.path.join(prefix, relative) if prefix else relative
            folders[:0] = [os.path.join(base, n) for n in names if os.path.isdir(os.path.join(base, n))]

    members: list = []
    if source_dir is not None:
        members += tree(os.path.join(folder, source_dir))
    elif script is not None:
        members.append((os.path.join(folder, script), os.path.basename(script)))
    for dependency in dependencies:
        full = os.path.join(folder, dependency)
        name = os.path.basename(os.path.normpath(dependency))
        members += tree(full, name) if os.path.isdir(full) else [(full, name)]
    return tuple(members)


def code_uri(bucket: Optional[str], pipeline: str, paths: List[str], folder: str, name: str) -> str:
    return f"s3://{bucket}/{pipeline}/code/{code_hash(paths, folder)}/{name}"
