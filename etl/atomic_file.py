"""Writing an output file whole or not at all: the one way the commands replace a file.

A run that fails (an exception, Ctrl-C) leaves the file as it was, never half-written or
emptied: the content goes to a temporary file beside it, renamed over it only at the end.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import stat
from pathlib import Path

# Paths that name one of this process's open descriptors, as the shell set them up
_DESCRIPTOR_PATH = re.compile(r"/dev/std(?P<std>out|err)|/dev/fd/(?P<dev>\d+)|/proc/self/fd/(?P<proc>\d+)")
_STANDARD = {"out": 1, "err": 2}
_MOST_LINKS = 40  # as the kernel's own limit on a chain of symbolic links


@contextlib.contextmanager
def replacing(path: str | os.PathLike, mode: str = "w"):
    """A stream (mode "w": UTF-8 text, newlines as written; "wb": bytes) whose content
    replaces path only when the block succeeds. A device or pipe cannot be replaced: it is
    written directly; so is /dev/stdout (or /dev/fd/N, or a link to one), through the
    descriptor the shell redirected, whatever it is: renaming over it wrote a redirected
    `> out.csv` nowhere and swapped the link for a file. A link to a file replaces that file.

    The temporary file is created as open() creates a file (0666 less the umask), not
    mkstemp's 0600, which would hide the result from its readers once renamed, and takes the
    replaced file's permission bits (not its owner: a writer cannot give a file away); its name is
    unique (process id and a random token, created exclusively), so two writers of the same
    path never share one. An OSError names path: "cannot write here: <reason>"."""
    if mode not in ("w", "wb"):
        raise ValueError(f"mode {mode!r}: 'w' or 'wb'")
    path = Path(path)
    text = {} if mode == "wb" else {"newline": "", "encoding": "utf-8"}
    if (descriptor := descriptor_named(path)) is not None:
        # a copy of it, so `>> all.csv` appends and closing the stream leaves stdout open
        with open(_duplicate(descriptor, path), mode, **text) as stream:
            yield stream
        return
    try:
        existing = os.stat(path).st_mode
    except FileNotFoundError:
        existing = None
    if existing is not None and not stat.S_ISREG(existing):
        with open(path, mode, **text) as stream:
            yield stream
        return
    # through a link, the file it names is replaced and the link kept: renamed over, the link
    # (report.html -> a shared folder's copy) became a file and the shared copy stayed old
    target = Path(os.path.realpath(path))
    temporary = target.with_name(f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError as err:
        raise OSError(err.errno, f"cannot write here: {err.strerror}", str(path)) from None
    try:
        if existing is not None:  # a report kept 0640 from others stayed so: the umask made it 0644
            os.chmod(fd, stat.S_IMODE(existing))
        with open(fd, mode, **text) as stream:
            yield stream
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _duplicate(descriptor: int, path: Path) -> int:
    """A copy of descriptor; one the shell closed (`>&-`) is said as such, naming path: it read
    '[Errno 9] Bad file descriptor', naming nothing."""
    try:
        return os.dup(descriptor)
    except OSError as err:
        raise OSError(err.errno, "not open, so the output has nowhere to go: redirect it to a file or a pipe",
                      str(path)) from None


def descriptor_named(path: str | os.PathLike) -> int | None:
    """The open descriptor path names (/dev/stdout, /dev/fd/3, /proc/self/fd/1), directly or
    through symbolic links, else None. Read from the names, not resolved: /proc resolves
    /dev/stdout to the file or pipe the shell redirected it to, which is not ours to replace."""
    name = os.path.abspath(path)
    for _ in range(_MOST_LINKS):
        if found := _DESCRIPTOR_PATH.fullmatch(name):
            std, dev, proc = found.group("std", "dev", "proc")
            return _STANDARD[std] if std else int(dev or proc)
        if not os.path.islink(name):
            return None
        name = os.path.abspath(os.path.join(os.path.dirname(name), os.readlink(name)))
    return None
