"""The canonical CSV of SPEC section 3, with `--map source_column=field` for other headers.

Ids in the file may be bare (`123`) or already qualified (`twitter:123`); bare ones are
qualified with the row's platform so links between rows stay consistent.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from .csvio import read_csv
from .records import (KINDS, PLATFORMS, Account, BadRecord, Blank, ParseOptions, Record, Reject,
                      clean_bool, clean_count, clean_id, clean_text, check_choice, mention,
                      parse_time)

FIELDS = ("mention_id", "platform", "brand", "page", "author_id", "author_handle",
          "author_followers", "is_brand", "created_at", "text", "kind", "parent_id", "shared_id",
          "likes", "shares", "replies")
REQUIRED = ("mention_id", "platform", "author_id", "created_at", "text")


def parse(path: Path, options: ParseOptions) -> Iterator[Record | Reject | Account | Blank]:
    unknown = set(options.column_map.values()) - set(FIELDS)
    if unknown:
        raise ValueError(f"--map names unknown field(s) {', '.join(sorted(unknown))}; "
                         f"fields are {', '.join(FIELDS)}")
    renames = {source.lower(): target for source, target in options.column_map.items()}
    required = tuple(_source_name(field, renames) for field in REQUIRED)
    declared: set[tuple[str, str]] = set()
    for row in read_csv(path, required):
        if row.blank:
            yield Blank(row.line)
            continue
        locator = f"line {row.line}"
        if row.problem:
            yield Reject(row.position, locator, row.raw, row.problem)
            continue
        fields = {renames.get(name, name): value for name, value in row.fields.items()}
        try:
            record = _mention(fields, options)
        except BadRecord as err:
            yield Reject(row.position, locator, row.raw, str(err))
            continue
        key = (record["platform"], record["author_id"])
        if record["is_brand"] and record["brand"] and key not in declared:
            declared.add(key)
            yield Account(record["platform"], record["author_id"],
                          (record["author_handle"] or "").lstrip("@") or None, record["brand"])
        yield Record(row.position, locator, row.raw, record)


def _source_name(field: str, renames: dict[str, str]) -> str:
    return next((source for source, target in renames.items() if target == field), field)


def _mention(fields: dict[str, str], options: ParseOptions) -> dict:
    platform = check_choice(fields.get("platform"), PLATFORMS, "platform")

    def linked(name: str) -> str | None:
        value = clean_id(fields.get(name), name)
        return value if value is None or ":" in value else f"{platform}:{value}"

    parent, shared = linked("parent_id"), linked("shared_id")
    default_kind = "share" if shared else "reply" if parent else "post"
    handle = (fields.get("author_handle") or "").strip() or None
    return mention(
        mention_id=linked("mention_id"),
        platform=platform,
        brand=(fields.get("brand") or "").strip() or options.brand,
        page=(fields.get("page") or "").strip() or None,
        author_id=clean_id(fields.get("author_id"), "author_id"),
        author_handle=handle,
        author_followers=clean_count(fields.get("author_followers"), "author_followers"),
        is_brand=clean_bool(fields.get("is_brand"), "is_brand"),
        created_at=parse_time(fields.get("created_at"), "created_at", options),
        text=clean_text(fields.get("text")),
        kind=check_choice(fields.get("kind"), KINDS, "kind", default=default_kind),
        parent_id=parent,
        shared_id=shared,
        likes=clean_count(fields.get("likes"), "likes"),
        shares=clean_count(fields.get("shares"), "shares"),
        replies=clean_count(fields.get("replies"), "replies"),
    )
