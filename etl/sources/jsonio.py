"""JSON documents as exports ship them: JSON lines, one array, or one API response object, or
several documents one after another (`cat page1.json page2.json`).

A truncated array (a download cut short) still yields every complete item before the cut,
then one problem naming where the cut is. An item nested deeper than MAX_DEPTH levels is a
problem of its own (Python's parser and the code after it recurse per level, and would
otherwise fail the whole file); the items around it are read as usual."""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .records import BadFile
from .textio import open_lines, restore_cr

_decoder = json.JSONDecoder()
MAX_DEPTH = 100  # real exports nest about ten levels (a facebook reply: seven)
TOO_DEEP = f"JSON nested too deeply (more than {MAX_DEPTH} levels of arrays and objects)"
# A JSON string (skipped whole, so its brackets do not count) or a bracket.
_STRING_OR_BRACKET = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')


@dataclass(slots=True)
class JsonItem:
    locator: str           # 'line 4' for JSON lines, 'item 12' inside one document
    value: object | None   # None when problem is set
    raw: str
    problem: str | None = None
    blank: bool = False
    cut: bool = False      # the document breaks off here: what followed is not in the file


# Marks an object the document broke off inside (see read_json's close_cut_items).
CUT_SHORT = "_etl_cut_short"


def read_json(path: Path, close_cut_items: bool = False) -> Iterator[JsonItem]:
    """The items of a JSON file. With close_cut_items, an item a broken document cuts short
    is yielded closed after its last complete element, each object left open carrying
    CUT_SHORT (a format whose records nest, as facebook comments in posts, keeps the
    complete ones); the text after that element then comes as the problem item."""
    first = _first_line(path)
    if first is None:
        raise BadFile("the file is empty")
    stripped = first.strip()
    if not stripped.startswith(("{", "[")) and not _cut_at_the_start(path):
        raise BadFile(f"not JSON: the first line starts with {stripped[:30]!r}")
    if not stripped.startswith("[") and (not stripped.startswith("{") or _is_complete_json(stripped)):
        yield from _json_lines(open_lines(path))
    else:
        yield from _one_document(path, close_cut_items)


def _first_line(path: Path) -> str | None:
    for line in open_lines(path):
        if line.strip():
            return restore_cr(line)
    return None


def _cut_at_the_start(path: Path) -> bool:
    """Whether a file whose first line is no JSON is JSON lines cut at the start (the end of a
    download, a log's tail): the first line the rest of a record, the lines after it objects.
    Refused whole, its good lines were lost with the cut one."""
    return _mostly_json_lines(list(itertools.islice(open_lines(path), 2 * _SNIFF_LINES)))


def _is_complete_json(text: str) -> bool:
    try:
        json.loads(text)
        return True
    except RecursionError:  # complete when the value it starts with ends the line
        return _value_end(text, 0) == len(text)
    except ValueError:
        return False


def _json_lines(lines: Iterable[str]) -> Iterator[JsonItem]:
    first = True  # the first line with content: a file cut at its start breaks off there
    for number, line in enumerate(lines, start=1):
        text = restore_cr(line)
        locator = f"line {number}"
        if not text.strip():
            yield JsonItem(locator, None, text, blank=True)
            continue
        cut_start, first = first and not text.lstrip().startswith(("{", "[")), False
        problem = getattr(line, "undecodable", None)
        if problem:
            yield JsonItem(locator, None, text.rstrip("\n"), problem)
            continue
        try:
            value = json.loads(text)
        except RecursionError:
            value, problem = None, TOO_DEEP
        except ValueError as err:
            value, problem = None, _CUT_START if cut_start else _line_problem(err, text)
        else:
            problem = TOO_DEEP if _too_deep(text) else None
        yield JsonItem(locator, None if problem else value, text.rstrip("\n"), problem,
                       cut=bool(problem) and problem.startswith(_CUT_LINE))


_CUT_LINE = "truncated JSON: the line ends inside a value"
_CUT_START = "truncated JSON: the file starts inside a record (cut at its start?)"


def _line_problem(err: ValueError, line: str) -> str:
    """A line that ends before its value does was cut short: say so, rather than what the
    parser met at the cut (the line break, 'an invalid control character', inside a string)."""
    content = line.rstrip()
    at = getattr(err, "pos", 0)
    if at >= len(content) or getattr(err, "msg", "").startswith("Unterminated string"):
        return f"{_CUT_LINE}, at character {len(content)} (cut short?)"
    return f"invalid JSON: {err}"


def _one_document(path: Path, close_cut_items: bool) -> Iterator[JsonItem]:
    lines = list(open_lines(path))
    undecodable = next((l.undecodable for l in lines if getattr(l, "undecodable", None)), None)
    text = restore_cr("".join(lines))
    try:
        document = json.loads(text)
    except RecursionError:  # an item too deep: the others are read one by one
        yield from _salvage(text, TOO_DEEP, close_cut_items)
        return
    except ValueError as err:
        if _mostly_json_lines(lines):  # JSON lines whose first line is the damaged one
            yield from _json_lines(lines)
        elif _second_document(text) is not None:  # `cat page1.json page2.json`
            yield from _undecodable(undecodable, text)
            yield from _documents(text, close_cut_items)
        else:
            yield from _salvage(text, f"invalid JSON: {err}", close_cut_items)
        return
    yield from _undecodable(undecodable, text)
    if isinstance(document, list):
        for index, value in enumerate(document):
            yield _item(f"item {index + 1}", value, json.dumps(value, ensure_ascii=False))
    elif _too_deep(text):
        raise BadFile(TOO_DEEP)
    else:
        yield JsonItem("document", document, "")


def _undecodable(problem: str | None, text: str) -> Iterator[JsonItem]:
    if problem:
        yield JsonItem("document", None, text[:10_000], f"{problem}; the document was read with "
                       "replacement characters")


# Files joined by `cat` each keep their byte-order mark, which then sits between documents.
_BETWEEN_DOCUMENTS = "\ufeff"


def _second_document(text: str) -> int | None:
    """Where a second JSON value starts after the first one's brackets close, if one does (a text
    whose first document is whole or only damaged inside); None for one document, broken."""
    end = _closing(text, _skip(text, 0, _BETWEEN_DOCUMENTS))
    if end is None:
        return None
    after = _skip(text, end, _BETWEEN_DOCUMENTS)
    return after if after < len(text) and text[after] in "[{" else None


# A document whose records are its first array: an array, or an API page's {"data": [...]}.
_ARRAY_FIRST = re.compile(r'\[|\{\s*"data"\s*:\s*\[')


def _documents(text: str, close_cut_items: bool) -> Iterator[JsonItem]:
    """The items of several documents one after another, each read in turn: a damaged one is a
    problem of its own, from where it starts to where the next one does, and the others load."""
    position, number = _skip(text, 0, _BETWEEN_DOCUMENTS), 0
    while position < len(text):
        number += 1
        locator = f"document {number}"
        try:
            value, end = _value_at(text, position)
        except ValueError as err:
            end = _document_end(text, position)
            raw = text[position:end].rstrip()
            if _ARRAY_FIRST.match(raw) and _closing(raw, 0) is None:
                # a document cut short, as a download is: its complete items load, as a lone one's
                yield from _salvage(text[:end], f"invalid JSON: {err}", close_cut_items, position, f"{locator}, ")
            else:
                yield JsonItem(locator, None, raw, f"invalid JSON in the document starting at character "
                               f"{position + 1:,} of the file (the parser: {err})", cut=_closing(raw, 0) is None)
        else:
            yield from _document_items(locator, value, text[position:end])
        position = _skip(text, end, _BETWEEN_DOCUMENTS)


def _document_items(locator: str, value: object, raw: str) -> Iterator[JsonItem]:
    if isinstance(value, list):
        for index, element in enumerate(value):
            yield _item(f"{locator}, item {index + 1}", element, json.dumps(element, ensure_ascii=False))
    elif _too_deep(raw):
        yield JsonItem(locator, None, raw, TOO_DEEP)
    else:
        yield JsonItem(locator, value, "")  # as one document's: its records are dumped one by one


# A line that opens a document at its first column, as each of several pretty-printed ones does.
_DOCUMENT_START = re.compile(r"^\ufeff?[\[{]", re.MULTILINE)


def _document_end(text: str, start: int) -> int:
    """Where the damaged document at start ends: where its brackets close when another document
    (or the text's end) follows, else (a bracket lost) at the next line opening a document."""
    end = _closing(text, start)
    if end is not None:
        after = _skip(text, end, _BETWEEN_DOCUMENTS)
        if after >= len(text) or text[after] in "[{":
            return end
    match = _DOCUMENT_START.search(text, start + 1)
    return match.start() if match else len(text)


_SNIFF_LINES = 10


def _mostly_json_lines(lines: list[str]) -> bool:
    """Whether a text that is no JSON document is JSON lines all the same: at least half of its
    first non-blank lines each an object of its own. A pretty-printed document, even one broken,
    has few such lines ('{', '"key": value,', an item followed by its comma), and a damaged
    line 1 then costs that line alone, as a damaged line 4 does."""
    texts = (restore_cr(line).strip() for line in lines)
    sample = list(itertools.islice((text for text in texts if text), _SNIFF_LINES))
    if not sample or sample[0].startswith("["):  # an array, cut: its items are salvaged, not its lines
        return False
    objects = sum(text.startswith("{") and _is_complete_json(text) for text in sample)
    return objects > 0 and 2 * objects >= len(sample)


def _value_at(text: str, position: int) -> tuple[object | None, int]:
    """The JSON value at position and where it ends (raw_decode's). One nested too deeply for
    the parser's recursion is None, ending where its brackets close: _item and _document_items
    set it aside as TOO_DEEP by its raw text. ValueError where no value can be read."""
    try:
        return _decoder.raw_decode(text, position)
    except RecursionError:
        return None, _value_end(text, position)


def _item(locator: str, value: object, raw: str) -> JsonItem:
    return JsonItem(locator, None, raw, TOO_DEEP) if _too_deep(raw) else JsonItem(locator, value, raw)


def _too_deep(text: str, start: int = 0) -> bool:
    """Whether the JSON value at start nests arrays and objects deeper than MAX_DEPTH."""
    if text.count("[", start) + text.count("{", start) <= MAX_DEPTH:
        return False  # every text a real export holds: no need to look closer
    depth = 0
    for match in _STRING_OR_BRACKET.finditer(text, start):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return True
        elif token in "]}":
            depth -= 1
            if depth <= 0:
                return False
    return False


def _value_end(text: str, start: int) -> int:
    """Where the array or object at start ends (or the text does), read without recursion."""
    end = _closing(text, start)
    return len(text) if end is None else end


def _closing(text: str, start: int) -> int | None:
    """Where the array or object at start closes its last bracket; None if the text ends first."""
    depth = 0
    for match in _STRING_OR_BRACKET.finditer(text, start):
        token = match.group()
        if token in "[{":
            depth += 1
        elif token in "]}":
            depth -= 1
            if depth <= 0:
                return match.end()
    return None


def _salvage(text: str, problem: str, close_cut_items: bool = False, begin: int = 0,
             document: str = "") -> Iterator[JsonItem]:
    """Yield the complete items of the first array in a broken document, then the break. With
    begin, the document is one of several, from there to the text's end (a caller cuts the
    text where the next one starts; its locators then begin with `document`, 'document 2, ');
    records before a lost '[' are looked for in a lone one."""
    lost = None if begin else _records_before_array(text)
    if lost:
        yield from _items_without_bracket(text, *lost)
        begin = lost[1]
    start = text.find("[", begin)
    if start < 0:
        if lost:
            return
        raise BadFile(problem)
    position, index = start + 1, 0
    while True:
        position = _skip(text, position, ",")
        if position >= len(text) or text[position] == "]":
            break
        try:
            value, end = _value_at(text, position)
        except ValueError:
            break
        index += 1
        yield _item(f"{document}item {index}", value, text[position:end])
        position = end
    rest = text[position:]
    if not rest.strip(" \t\r\n]}"):
        if _closing(text, begin) is not None:
            return  # whole (it failed only for an item nested too deeply)
        # The document ends before it closes, as a download cut between two items does.
        yield JsonItem(f"{document}item {index + 1}", None, rest,
                       f"truncated or invalid JSON after item {index:,}: the document does not close "
                       f"as it opened (cut short?; {problem.removeprefix('invalid JSON: ')})", cut=True)
    else:
        locator = f"{document}item {index + 1}"
        closed = _close_after_last_element(rest) if close_cut_items else None
        if closed is not None:
            value, used = closed
            yield JsonItem(locator, value, rest[:used])
            locator, position, rest = f"{locator}, after character {position + used}", position + used, rest[used:]
        item = rest.lstrip(" \t\r\n,")
        yield JsonItem(locator, None, item,
                       f"truncated or invalid JSON in the item starting at character "
                       f"{position + len(rest) - len(item) + 1:,} of the file "
                       f"(the parser: {problem.removeprefix('invalid JSON: ')})", cut=True)


def _records_before_array(text: str) -> tuple[int, int] | None:
    """Where the records at the start of a text that are items of an array whose opening '['
    was lost ('{...}, {...}]', a file cut at its start, joined badly, or JSON lines each ending
    in a comma) begin and end: where that array closes, or the text ends. Salvage began at the
    first '[', inside or after them, and read past them without a word (a review). None for an
    object's opening around the array ('{"data": ['), which closes after it, and for one
    object followed by a stray ']' (a whole API page: its array is salvaged as before)."""
    first = _skip(text, 0, _BETWEEN_DOCUMENTS)
    closes = _closing(text, first) if text.startswith("{", first) else None
    if closes is None:
        return None
    after = _skip(text, closes, "")
    if text[after:after + 1] != ",":
        return None
    depth = 1
    for match in _STRING_OR_BRACKET.finditer(text, first):
        token = match.group()
        depth += 1 if token in "[{" else -1 if token in "]}" else 0
        if depth == 0:
            return first, match.end()
    return first, len(text)


def _items_without_bracket(text: str, first: int, end: int) -> Iterator[JsonItem]:
    """The records from first to end (_records_before_array's), each read as an array's item
    is: it loads or is quarantined by itself. A break among them is one problem, to end."""
    position, index = first, 0
    while (position := _skip(text, position, ",")) < end and text[position] != "]":
        index += 1
        locator = f"item {index} before the first '['"
        try:
            value, after = _value_at(text, position)
        except ValueError as err:
            yield JsonItem(locator, None, text[position:end].rstrip(),
                           f"invalid JSON among records outside any array (its opening '[' lost?): {err}")
            return
        yield _item(locator, value, text[position:after])
        position = after


# A JSON string, the start of one the text breaks off inside, or a bracket or comma.
_STRING_OR_PUNCTUATION = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|"|[\[\]{},]')
_CLOSE_TRIES = 5


def _close_after_last_element(text: str) -> tuple[object, int] | None:
    """The array or object at the start of a broken text, closed after the last element an
    array holds whole (the objects around it marked CUT_SHORT: they may lack fields that came
    after the break), and how much of the text that used."""
    stack: list[str] = []
    ends: list[tuple[int, str]] = []   # (where an array's whole elements end, the brackets open)
    for match in _STRING_OR_PUNCTUATION.finditer(text):
        token = match.group()
        if token == '"':
            break  # a string the text breaks off inside: nothing after it is whole
        if token in "[{":
            stack.append(token)
            at = match.end()
        elif token in "]}":
            if len(stack) <= 1:
                return None  # the item itself closes: it is invalid, not cut short
            stack.pop()
            at = match.end()
        else:
            at = match.start()
        if stack and stack[-1] == "[":
            ends.append((at, "".join(stack)))
    for end, still_open in reversed(ends[-_CLOSE_TRIES:]):
        closing = "".join("]" if bracket == "[" else f', "{CUT_SHORT}": true}}' for bracket in reversed(still_open))
        try:
            return json.loads(text[:end] + closing), end
        except (ValueError, RecursionError):
            continue
    return None


def _skip(text: str, position: int, separators: str) -> int:
    while position < len(text) and (text[position].isspace() or text[position] in separators):
        position += 1
    return position
