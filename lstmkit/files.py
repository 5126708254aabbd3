"""Model files written safely and read warily.

Writing is atomic, so that a crash or a full disk never leaves a half-written file where a
good one was: the content goes to a temporary file in the target's folder (the same file
system), is flushed to the disk, and then replaces the target in one rename.

Reading tells file kinds apart by their first bytes (never by their names), and reads zip
members only after checking their declared sizes against what the model needs.
"""

import contextlib
import os
import secrets
import struct
import zipfile
import zlib
from collections.abc import Callable
from typing import BinaryIO


def checked_path(path, what: str) -> str:
    """``path`` (a str or ``os.PathLike``) as a str, or a ``TypeError`` naming ``what``."""
    if not isinstance(path, str | os.PathLike):
        raise TypeError(f"{what} must be a file path (str or pathlib.Path), got "
                        f"{type(path).__name__}: {path!r}.")
    return os.fspath(path)


def writable_path(path) -> str:
    """``path`` made absolute, once it is known that a file can be put there: its folder
    exists and it is not a folder itself. Checked before long work that ends in a write."""
    path = os.path.abspath(checked_path(path, "path"))
    folder = os.path.dirname(path)
    if not os.path.isdir(folder):
        raise FileNotFoundError(f"Cannot write {path}: the folder {folder} does not exist.")
    if os.path.isdir(path):
        raise IsADirectoryError(f"Cannot write {path}: it is a folder; name a file.")
    return path


def write_atomically(path, write: Callable[[BinaryIO], None]) -> None:
    """Call ``write(file)`` on a new temporary file next to ``path``, then rename it to ``path``.

    Args:
        path: the file to create or replace.
        write: fills the open binary file. If it raises, ``path`` keeps its old content (or
            stays absent) and the temporary file is removed.

    Raises:
        FileNotFoundError: the folder of ``path`` does not exist.
    """
    path = writable_path(path)
    folder = os.path.dirname(path)
    temporary = os.path.join(folder, f".{os.path.basename(path)}.{secrets.token_hex(4)}.tmp")
    try:
        with open(temporary, "xb") as file:  # "x": never reuse another writer's file
            write(file)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.remove(temporary)
        raise
    _sync_folder(folder)


def _sync_folder(folder: str) -> None:
    """Flush the folder entry of the rename too (POSIX; Windows cannot open folders)."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# ----- reading ------------------------------------------------------------------------
_MAGIC = {b"PK\x03\x04": "zip", b"PK\x05\x06": "zip", b"\x89HDF\r\n\x1a\n": "hdf5"}
DAMAGE_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, struct.error, NotImplementedError)


def sniff(path: str) -> str:
    """What ``path`` holds, from its first bytes: ``'zip'``, ``'hdf5'``, ``'pickle'``,
    ``'safetensors'``, ``'empty'`` or ``'unknown'``. Opening a missing file raises
    ``FileNotFoundError``."""
    with open(path, "rb") as file:
        head = file.read(9)
    for magic, kind in _MAGIC.items():
        if head.startswith(magic):
            return kind
    if head[:1] == b"\x80" and head[1:2] in (b"\x02", b"\x03", b"\x04", b"\x05"):
        return "pickle"  # protocol 2+ (what pickle, joblib and torch.save's .pkl write)
    if len(head) == 9 and head[8:9] == b"{":  # an 8-byte header length, then JSON
        return "safetensors"
    return "unknown" if head else "empty"


def not_a_model(path: str, kind: str) -> ValueError:
    """The error for a file that is not a model file, telling what it is instead."""
    reasons = {
        "pickle": "is a Python pickle. lstmkit never loads pickles, because loading one can "
                  "run any code; save the model with lstmkit (model.save) or Keras instead",
        "safetensors": "holds weights only (safetensors): build the model and call "
                       "model.load_weights(path)",
        "hdf5": "is an HDF5 file but not a Keras model saved with model.save()",
        "empty": "is empty",
    }
    reason = reasons.get(kind, "is neither an lstmkit model file (.lstmkit) nor a Keras model "
                               "file (.keras, .h5)")
    return ValueError(f"{path} {reason}; it is not loaded.")


@contextlib.contextmanager
def damage_as_value_error(path: str, errors: tuple = ()):
    """Turn the errors of decoding a damaged file (and ``errors``) into one ``ValueError``."""
    try:
        yield
    except (*DAMAGE_ERRORS, *errors) as err:
        raise ValueError(
            f"{path} is damaged (truncated or corrupted): {type(err).__name__}: {err}. It is "
            f"not loaded; use another copy, or save the model again.") from None


def read_member(archive: zipfile.ZipFile, name: str, limit: int, where: str) -> bytes:
    """The bytes of member ``name``, refused before reading when its declared size exceeds
    ``limit`` (what the model's config allows), when it is encrypted, or when it uses a
    compression other than stored or deflated."""
    try:
        info = archive.getinfo(name)
    except KeyError:
        raise ValueError(f"{where} has no {name} member; members: {archive.namelist()}."
                         ) from None
    if info.flag_bits & 0x1:
        raise ValueError(f"{where}: member {name} is encrypted; model files are not.")
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise ValueError(f"{where}: member {name} uses compression method "
                         f"{info.compress_type}; model files are stored or deflated.")
    absurd = ValueError(f"{where}: member {name} declares {info.file_size:,} bytes, more than "
                        f"the {limit:,} its model needs; the file is damaged or crafted and "
                        f"is not read.")
    if info.file_size > limit:
        raise absurd
    if info.header_offset < 0:  # zipfile would seek before the file's start
        raise zipfile.BadZipFile(f"member {name} starts at offset {info.header_offset}")
    with archive.open(info) as member:
        data = member.read(limit + 1)  # never trust the declared size alone
    if len(data) > limit:
        raise absurd
    return data
