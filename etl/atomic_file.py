"""Writing an output file whole or not at all: the one way the commands replace a file.

A run that fails (an exception, Ctrl-C) leaves the file as it was, never half-written or
emptied: the content goes to a temporary file beside it, renamed over it only at the end.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from pathlib import Path


@contextlib.contextmanager
def replacing(path: str | os.PathLike, mode: str = "w"):
    """A stream (mode "w": UTF-8 text, newlines as written; "wb": bytes) whose content
    replaces path only when the block succeeds. A device or pipe (/dev/stdout) cannot be
    replaced: it is written directly.

    The temporary file is created as open() creates a file (0666 less the umask), not
    mkstemp's 0600, which would hide the result from its readers once renamed; its name is
    unique (process id and a random token, created exclusively), so two writers of the same
    path never share one. An OSError names path: "cannot write here: <reason>"."""
    if mode not in ("w", "wb"):
        raise ValueError(f"mode {mode!r}: 'w' or 'wb'")
    path = Path(path)
    text = {} if mode == "wb" else {"newline": "", "encoding": "utf-8"}
    try:
        regular = stat.S_ISREG(os.stat(path).st_mode)
    except FileNotFoundError:
        regular = True
    if not regular:
        with open(path, mode, **text) as stream:
            yield stream
        return
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError as err:
        raise OSError(err.errno, f"cannot write here: {err.strerror}", str(path)) from None
    try:
        with open(fd, mode, **text) as stream:
            yield stream
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
