"""JSON documents as exports ship them: JSON lines, one array, or one API response object.

A truncated array (a download cut short) still yields every complete item before the cut,
then one problem naming where the cut is."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .records import BadFile
from .textio import open_lines, restore_cr

_decoder = json.JSONDecoder()


@dataclass(slots=True)
class JsonItem:
    locator: str           # 'line 4' for JSON lines, 'item 12' inside one document
    value: object | None   # None when problem is set
    raw: str
    problem: str | None = None
    blank: bool = False


def read_json(path: Path) -> Iterator[JsonItem]:
    first = _first_line(path)
    if first is None:
        raise BadFile("the file is empty")
    stripped = first.strip()
    if not stripped.startswith(("{", "[")):
        raise BadFile(f"not JSON: the first line starts with {stripped[:30]!r}")
    if stripped.startswith("{") and _is_complete_json(stripped):
        yield from _json_lines(path)
    else:
        yield from _one_document(path)


def _first_line(path: Path) -> str | None:
    for line in open_lines(path):
        if line.strip():
            return restore_cr(line)
    return None


def _is_complete_json(text: str) -> bool:
    try:
        json.loads(text)
        return True
    except ValueError:
        return False


def _json_lines(path: Path) -> Iterator[JsonItem]:
    for number, line in enumerate(open_lines(path), start=1):
        text = restore_cr(line)
        locator = f"line {number}"
        if not text.strip():
            yield JsonItem(locator, None, text, blank=True)
            continue
        problem = getattr(line, "undecodable", None)
        if problem:
            yield JsonItem(locator, None, text.rstrip("\n"), problem)
            continue
        try:
            yield JsonItem(locator, json.loads(text), text.rstrip("\n"))
        except ValueError as err:
            yield JsonItem(locator, None, text.rstrip("\n"), f"invalid JSON: {err}")


def _one_document(path: Path) -> Iterator[JsonItem]:
    lines = list(open_lines(path))
    undecodable = next((l.undecodable for l in lines if getattr(l, "undecodable", None)), None)
    text = restore_cr("".join(lines))
    try:
        document = json.loads(text)
    except ValueError as err:
        yield from _salvage(text, err)
        return
    if undecodable:
        yield JsonItem("document", None, text[:10_000], f"{undecodable}; the document was read with "
                       "replacement characters")
    if isinstance(document, list):
        for index, value in enumerate(document):
            yield JsonItem(f"item {index + 1}", value, json.dumps(value, ensure_ascii=False))
    else:
        yield JsonItem("document", document, "")


def _salvage(text: str, err: ValueError) -> Iterator[JsonItem]:
    """Yield the complete items of the first array in a broken document, then the break."""
    start = text.find("[")
    if start < 0:
        raise BadFile(f"invalid JSON: {err}")
    position, index = start + 1, 0
    while True:
        position = _skip(text, position, ",")
        if position >= len(text) or text[position] == "]":
            break
        try:
            value, end = _decoder.raw_decode(text, position)
        except ValueError:
            break
        index += 1
        yield JsonItem(f"item {index}", value, text[position:end])
        position = end
    rest = text[position:]
    if rest.strip().rstrip("]}").strip():
        yield JsonItem(f"item {index + 1}", None, rest,
                       f"truncated or invalid JSON at character {position + 1} ({err})")


def _skip(text: str, position: int, separators: str) -> int:
    while position < len(text) and (text[position].isspace() or text[position] in separators):
        position += 1
    return position
