"""Local code (LANGUAGE.md section 14): a `code`, `entry_point`, `source_dir` or
`dependencies` value that is not an `s3://` URI is a path relative to the `.pipe` file.

The definition holds the S3 URI a `PipelineSession` uploads it to,
`s3://BUCKET/PIPELINE/code/HASH/NAME`, with HASH computed as
`sagemaker.workflow.utilities.hash_files_or_dirs` does: sha256 over each path string as
written (sorted) and the file's bytes, or a directory's entry names and files, depth first.
The files to upload, and where, are `Upload`s: `pipedsl deploy` puts them there.
"""
from __future__ import annotations

import hashlib
import os
from typing import List, Optional, Sequence

import attrs

BUFFER = 65536


@attrs.frozen
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

    def body(self) -> bytes:
        """What is put at `uri`: the file, or the tarball of `members`."""
        if self.text is not None:
            return self.text.encode("utf-8")
        if not self.members:
            with open(self.path, "rb") as handle:
                return handle.read()
        import io
        import tarfile

        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
            for path, name in self.members:
                if isinstance(path, bytes):
                    info = tarfile.TarInfo(name)
                    info.size, info.mode = len(path), 0o644
                    tar.addfile(info, io.BytesIO(path))
                else:
                    tar.add(path, arcname=name)
        return buffer.getvalue()


def is_local(value) -> bool:
    return isinstance(value, str) and not value.startswith("s3://")


def folder_of(filename: str) -> str:
    """The folder a file's local paths start from: its own, or the working directory for
    text without a file (`-`, `<string>`)."""
    if not filename or filename.startswith("<") or filename == "-":
        return ""
    return os.path.dirname(filename)


def _hash_file(path: str, sha):
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(BUFFER), b""):
            sha.update(block)


def _hash_dir(path: str, sha, added=None):
    """A folder's entries, sorted by name; `added` (name -> bytes) are files the SDK writes
    into it before it hashes it (the model repack script), over any there already."""
    added = added or {}
    for name in sorted(set(os.listdir(path)) | set(added)):
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
    sha = hashlib.sha256()
    for path in sorted(paths):
        sha.update(path.encode())
        full = os.path.join(folder, path)
        if os.path.isdir(full):
            _hash_dir(full, sha, (added or {}).get(path))
        elif os.path.isfile(full):
            _hash_file(full, sha)
    return sha.hexdigest()


def missing(path: str, folder: str, directory: bool = False) -> Optional[str]:
    """Why `path` cannot be used (None when it can)."""
    full = os.path.join(folder, path)
    if not os.path.exists(full):
        where = os.path.normpath(full) if folder else path
        return f"`{path}` does not exist ({where}; paths are relative to the .pipe file's folder)"
    if directory and not os.path.isdir(full):
        return f"`{path}` must be a folder"
    if not directory and not os.path.isfile(full):
        return f"`{path}` must be a file, not a folder"
    return None


def tarball_members(folder: str, source_dir: Optional[str], script: Optional[str],
                    dependencies: Sequence[str]) -> tuple:
    """(file on disk, name in the tarball) of a sourcedir.tar.gz, as the SDK packs one: the
    source folder's files (or the lone script), then each dependency under its own name."""
    def tree(root: str, prefix: str = ""):
        for base, _, files in sorted(os.walk(root)):
            for file in sorted(files):
                full = os.path.join(base, file)
                yield full, os.path.join(prefix, os.path.relpath(full, root)) if prefix else os.path.relpath(full, root)

    members = []
    if source_dir is not None:
        members += tree(os.path.join(folder, source_dir))
    else:
        members.append((os.path.join(folder, script), os.path.basename(script)))
    for dependency in dependencies:
        full = os.path.join(folder, dependency)
        name = os.path.basename(os.path.normpath(dependency))
        members += tree(full, name) if os.path.isdir(full) else [(full, name)]
    return tuple(members)


def code_uri(bucket: Optional[str], pipeline: str, paths: List[str], folder: str, name: str) -> str:
    return f"s3://{bucket}/{pipeline}/code/{code_hash(paths, folder)}/{name}"
