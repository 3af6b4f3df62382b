"""Where document bytes live: a small interface, and a plain on-disk store under `var/documents/`.

Callers hand over bytes that are already encrypted (`backoffice.documents.services`); another backend (object
storage, a vault) only has to implement `DocumentStore` and be returned by `build_document_store`.
"""

import os
from pathlib import Path
from typing import Protocol


class DocumentStore(Protocol):
    """Stores and returns opaque blobs by key."""

    def put(self, key: str, blob: bytes) -> None:
        """Store `blob` under `key` (keys are lower-case hex, never reused)."""
        ...

    def get(self, key: str) -> bytes:
        """Return what was stored under `key`; raises KeyError when there is none."""
        ...

    def delete(self, key: str) -> None:
        """Remove what was stored under `key` (nothing when there is none)."""
        ...


class DiskDocumentStore:
    """One file per document on local disk, in two-level fan-out directories."""

    def __init__(self, root: str | Path):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        # Keys are ours, but one read back from the database must still never walk out of the root.
        if not key or not all(c in "0123456789abcdef" for c in key):
            raise KeyError(key)
        return self.root / key[:2] / key

    def put(self, key: str, blob: bytes) -> None:
        """Write `blob` atomically: a crash leaves either no file or the whole file."""
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".part")
        with open(partial, "wb") as handle:
            handle.write(blob)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, path)

    def get(self, key: str) -> bytes:
        """Read the file stored under `key`."""
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError as exc:
            raise KeyError(key) from exc

    def delete(self, key: str) -> None:
        """Remove the file stored under `key`; a missing file is already deleted."""
        self._path(key).unlink(missing_ok=True)


def build_document_store(config) -> DocumentStore:
    """The store the app uses, from its configuration (`DOCUMENTS_DIR`)."""
    return DiskDocumentStore(config["DOCUMENTS_DIR"])
