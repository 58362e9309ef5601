"""Files the demo writes, shaped like the exports a real page or handle gives:

* Twitter: one canonical CSV per calendar month, each tweet in the month it was posted.
* Facebook: per page, a Graph-API-style export pulled at the end of each month (JSON lines,
  one post with its nested comments per line). Each pull is a complete picture of the page
  from its first post up to the pull: a comment the brand deleted before a pull is missing
  from it, which is what the loader's deleted-comment detection looks for. (A pull of
  recent posts only would make older posts' late comments look deleted.)

Nothing is held in memory beyond one chunk: a post whose thread is still changing at a pull
is written to that pull's 'open' file as it stood then; once final it is written once to
the 'settled' file of the first pull that sees it final. A pull's export is the settled
files so far plus its open file.
"""

from __future__ import annotations

import bisect
import csv
import json
import shutil
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from .demo_world import MONTHS

CSV_HEADER = ("mention_id", "platform", "brand", "page", "author_id", "author_handle",
              "author_followers", "is_brand", "created_at", "text", "kind", "parent_id",
              "shared_id", "likes", "shares", "replies")
_MONTH_STARTS = [start for start, _ in MONTHS]
PULLS = [end for _, end in MONTHS]     # a pull at the end of every month


def month_of(ts: int) -> int:
    return bisect.bisect_right(_MONTH_STARTS, ts) - 1


def month_label(month: int) -> str:
    return datetime.fromtimestamp(MONTHS[month][0], timezone.utc).strftime("%Y-%m")


def iso(ts: int, offset: str = "+00:00") -> str:
    return datetime.fromtimestamp(ts, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S") + offset


class TwitterMonths:
    """Monthly canonical CSV files, written as rows arrive in any order of months."""

    def __init__(self, directory: Path):
        self.directory = directory
        self._open: dict[int, tuple] = {}
        self.rows = 0

    def write(self, row: tuple) -> None:
        """row: CSV_HEADER values with created_at as epoch seconds."""
        month = month_of(row[8])
        if month not in self._open:
            path = self.directory / f"twitter-{month_label(month)}.csv"
            handle = open(path, "w", newline="", encoding="utf-8")
            writer = csv.writer(handle)
            writer.writerow(CSV_HEADER)
            self._open[month] = (path, handle, writer)
        values = list(row)
        values[8] = iso(row[8])
        values[7] = "true" if row[7] else "false"
        self._open[month][2].writerow(values)
        self.rows += 1

    def finish(self, month: int) -> Path | None:
        """Close the month's file and return it (None when nothing was posted that month)."""
        entry = self._open.pop(month, None)
        if entry is None:
            return None
        entry[1].close()
        return entry[0]


@dataclass(slots=True)
class Node:
    """A post, comment or reply of a page with when it appeared and when it was removed."""
    created: int
    deleted: int | None
    data: dict                     # Graph API fields except 'comments'
    children: list = field(default_factory=list)

    def state(self, at: int) -> dict | None:
        """The node as an export pulled at `at` shows it, or None if it isn't there."""
        if self.created >= at or (self.deleted is not None and self.deleted <= at):
            return None
        out = dict(self.data)
        kids = [s for s in (c.state(at) for c in self.children) if s is not None]
        if kids:
            out["comments"] = {"data": kids}
        return out

    def extent(self) -> tuple[int, int]:
        """(last creation, last deletion) in the subtree."""
        created, deleted = self.created, self.deleted or 0
        for child in self.children:
            c, d = child.extent()
            created, deleted = max(created, c), max(deleted, d)
        return created, deleted


class FacebookPulls:
    """Per page: settled and open files per monthly pull, and the exports built from them."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.pages: set[str] = set()
        self.rows = 0
        self._handles: dict[Path, object] = {}

    def add(self, page: str, unit: Node) -> None:
        self.pages.add(page)
        last_created, last_deleted = unit.extent()
        first = bisect.bisect_right(PULLS, unit.created)           # first pull after it appeared
        final = next(k for k, pull in enumerate(PULLS) if pull > last_created and pull >= last_deleted)
        for k in range(first, final):
            self._append(self._path(page, "open", k), unit.state(PULLS[k]))
        self._append(self._path(page, "settled", final), unit.state(PULLS[final]))
        self.rows += _count(unit)

    def export(self, page: str, k: int) -> Path | None:
        """The export of the page pulled at the end of month k (None if the page is empty)."""
        parts = [self._path(page, "settled", j) for j in range(k + 1)] + [self._path(page, "open", k)]
        for part in parts:  # no unit added from now on can change these (see module doc)
            handle = self._handles.pop(part, None)
            if handle is not None:
                handle.close()
        parts = [p for p in parts if p.exists()]
        if not parts:
            return None
        target = self.directory / f"facebook-{page}-{month_label(k)}.json"
        with open(target, "wb") as out:
            for part in parts:
                with open(part, "rb") as src:
                    shutil.copyfileobj(src, out, 1 << 20)
        self._path(page, "open", k).unlink(missing_ok=True)
        return target

    def _path(self, page: str, kind: str, k: int) -> Path:
        return self.directory / f".{kind}-{page}-{k}.jsonl"

    def _append(self, path: Path, state: dict | None) -> None:
        if state is None:
            return
        handle = self._handles.get(path)
        if handle is None:
            handle = self._handles[path] = open(path, "a", encoding="utf-8")
        handle.write(json.dumps(state, ensure_ascii=False, separators=(",", ":")) + "\n")

    def close(self) -> None:
        for handle in self._handles.values():
            handle.close()
        self._handles.clear()


def _count(node: Node) -> int:
    return 1 + sum(_count(c) for c in node.children)
