"""Reading text files the way real exports arrive: byte-order marks, Windows line ends,
cp1252 files saved by spreadsheets, a damaged line among good ones, bare carriage returns
inside a field. Streams line by line so memory stays flat whatever the file size."""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from pathlib import Path

from .records import BadFile

# A bare CR inside a field would end the record for the csv module; it travels as this
# private-use character and is turned back into '\r' in the parsed fields.
BARE_CR = "\ue00d"
_BARE_CR_RE = re.compile(r"\r(?!\n)")
_UTF8_MULTIBYTE_RE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
# what every match of _UTF8_MULTIBYTE_RE starts with: searched for first, about 9 times as fast
# through a cp1252 file, where most often neither matches
_UTF8_LEAD_RE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]")
_SAMPLE_BYTES = 1 << 22
# How the problem of a line whose bytes are not UTF-8 starts: classify, which scores such a
# record's text as read (U+FFFD) where a load quarantines it, knows the record by it.
UNDECODABLE = "invalid UTF-8 byte"


class DecodedLine(str):
    """A line of text that also knows whether its bytes were not valid in the file's encoding."""
    undecodable: str | None = None


def open_lines(path: Path) -> Iterator[str]:
    """Yield the file's lines as text, each ending with '\\n' (except maybe the last).

    A line whose bytes are invalid UTF-8 in an otherwise UTF-8 file is yielded decoded with
    replacement characters and flagged, so the parser can quarantine that record alone.
    """
    with open(path, "rb") as handle:
        _refuse_compressed(handle.read(8))
        handle.seek(0)
        head = handle.read(4)
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            yield from _utf16_lines(path)
            return
        start = 3 if head.startswith(codecs.BOM_UTF8) else 0
        handle.seek(start)
        separator = _line_separator(path)
        encoding = None  # decided at the first line that is not valid UTF-8
        for raw in _split(handle, separator):
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as err:
                encoding = encoding or _fallback_encoding(path, start)
                if encoding == "cp1252":
                    text = _decode_cp1252(raw)
                else:
                    text = DecodedLine(raw.decode("utf-8", errors="replace"))
                    text.undecodable = f"{UNDECODABLE} 0x{raw[err.start]:02x} at column {err.start + 1}"
            yield protect_bare_cr(text)


# How compressed files and archives start; read as text they are only noise.
_COMPRESSED = {b"\x1f\x8b": "looks gzip-compressed", b"PK\x03\x04": "looks like a zip archive or an Excel workbook",
               b"BZh": "looks bzip2-compressed", b"\xfd7zXZ\x00": "looks xz-compressed",
               b"(\xb5/\xfd": "looks zstd-compressed", b"7z\xbc\xaf\x27\x1c": "looks like a 7-Zip archive"}


def _refuse_compressed(head: bytes) -> None:
    for magic, what in _COMPRESSED.items():
        if head.startswith(magic):
            raise BadFile(f"the file {what}, not a text file; decompress it or export it as "
                          "text first")


def restore_cr(value: str) -> str:
    return value.replace(BARE_CR, "\r") if BARE_CR in value else value


def protect_bare_cr(text: str) -> str:
    """The text with each bare CR as BARE_CR, which the csv module keeps inside its field."""
    if "\r" not in text:
        return text
    protected = _BARE_CR_RE.sub(BARE_CR, text)
    if isinstance(text, DecodedLine):
        protected = DecodedLine(protected)
        protected.undecodable = text.undecodable
    return protected


def _line_separator(path: Path) -> bytes:
    # Files from old Mac tools end lines with a bare CR and contain no LF at all.
    with open(path, "rb") as handle:
        sample = handle.read(_SAMPLE_BYTES)
    return b"\r" if b"\n" not in sample and b"\r" in sample else b"\n"


def _split(handle, separator: bytes) -> Iterator[bytes]:
    if separator == b"\n":
        yield from handle
        return
    pending = b""
    for chunk in iter(lambda: handle.read(1 << 16), b""):
        pending += chunk
        *lines, pending = pending.split(separator)
        yield from (line + b"\n" for line in lines)
    if pending:
        yield pending


WINDOWS_1252 = "Windows-1252"


def read_as(path: Path) -> str | None:
    """WINDOWS_1252 where open_lines reads the file's lines that are not UTF-8 as cp1252 (it
    holds no UTF-8 multi-byte sequence: a spreadsheet's save, or another code page such as a
    Cyrillic cp1251 file, which loads as wrong letters), else None. Nothing stored shows it, so
    a load says it. Most UTF-8 files are told apart at their first non-ASCII chunk."""
    with open(path, "rb") as handle:
        head = handle.read(8)
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, *_COMPRESSED)):
            return None  # read as UTF-16, or refused unread
        start = 3 if head.startswith(codecs.BOM_UTF8) else 0
        handle.seek(start)
        ascii_only = True
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            if chunk.isascii():
                continue
            if _has_utf8_sequence(chunk):  # as _fallback_encoding: read as UTF-8
                return None
            ascii_only = False
        if ascii_only:
            return None
        handle.seek(start)  # a character split between two chunks is no sign of cp1252
        return None if _is_utf8(handle) else WINDOWS_1252


def _is_utf8(handle) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _fallback_encoding(path: Path, start: int = 0) -> str:
    """cp1252 for a file that holds no UTF-8 multi-byte sequence at all, else damaged UTF-8.
    From `start`: past a UTF-8 byte-order mark, whose own bytes are such a sequence, and which
    some tools write before cp1252 text all the same."""
    with open(path, "rb") as handle:
        handle.seek(start)
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            if _has_utf8_sequence(chunk):
                return "utf-8"
    return "cp1252"


def _has_utf8_sequence(chunk: bytes) -> bool:
    return _UTF8_LEAD_RE.search(chunk) is not None and _UTF8_MULTIBYTE_RE.search(chunk) is not None


def _decode_cp1252(raw: bytes) -> str:
    # cp1252 leaves five bytes undefined; spreadsheets pass them through as latin-1.
    return raw.decode("cp1252", errors="strict") if not _has_undefined_cp1252(raw) else raw.decode("latin-1")


def _has_undefined_cp1252(raw: bytes) -> bool:
    return any(b in raw for b in (b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d"))


def _utf16_lines(path: Path) -> Iterator[str]:
    try:
        with open(path, encoding="utf-16", newline="\n") as handle:
            for line in handle:
                yield protect_bare_cr(line)
    except UnicodeError as err:
        raise BadFile(f"not valid UTF-16 although it starts with a UTF-16 byte-order mark ({err})") from None
