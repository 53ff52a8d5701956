"""Reading an extract named on the command line: every way a path can fail gets a plain reason,
and the size is checked (by ``stat``) before a single byte is read."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from data_access.imports.read import too_big


def read_extract(path: Path) -> tuple[bytes, str | None]:
    """The file's bytes, or empty bytes and why the file cannot be used."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return b"", f"no such file: {path}."
    except PermissionError:
        return b"", f"{path} cannot be opened: permission denied (ask for read access)."
    except OSError as error:
        return b"", f"{path} cannot be opened ({error.strerror or type(error).__name__})."
    if stat.S_ISDIR(info.st_mode):
        return b"", f"{path} is a folder, not a file. Name the extract file itself."
    if not stat.S_ISREG(info.st_mode):
        return b"", f"{path} is not an ordinary file (a device, pipe or socket)."
    if message := too_big(info.st_size):
        return b"", message
    if not os.access(path, os.R_OK):
        return b"", f"{path} cannot be opened: permission denied (ask for read access)."
    try:
        with path.open("rb") as handle:
            return handle.read(info.st_size + 1), None
    except OSError as error:
        return b"", f"{path} cannot be read ({error.strerror or type(error).__name__})."
