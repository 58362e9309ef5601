"""The public "Customer Support on Twitter" CSV (twcs).

Columns: tweet_id, author_id, inbound, created_at ('Tue Oct 31 22:10:47 +0000 2017'), text,
response_tweet_id (comma list), in_response_to_tweet_id. Brand accounts are the authors of
inbound=False rows; customer tweets are attributed later, in SQL, to the brand they address
(the loader follows reply links and @handles), or all to --brand where it is given.
response_tweet_id is redundant with the children's own in_response_to_tweet_id and is not
needed.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from .csvio import next_record_pattern, read_csv, runs_into_next_record
from .records import (Account, Blank, BadRecord, ParseOptions, Record, Reject, clean_bool, clean_id,
                      clean_text, mention, parse_time, qualify, unescape_tweet)

REQUIRED = ("tweet_id", "author_id", "inbound", "created_at", "text", "in_response_to_tweet_id")


def parse(path: Path, options: ParseOptions) -> Iterator[Record | Reject | Account]:
    declared: set[str] = set()
    for row in read_csv(path, REQUIRED):
        if row.blank:
            yield Blank(row.line)
            continue
        locator = f"line {row.line}"
        fields = row.fields
        problem = row.problem or runs_into_next_record(
            fields["text"], next_record_pattern(row.header.index("created_at")), row.line)
        if problem:
            yield Reject(row.position, locator, row.raw, problem, cut=row.cut)
            continue
        try:
            record = _mention(fields, options)
        except BadRecord as err:
            yield Reject(row.position, locator, row.raw, str(err))
            continue
        if record["is_brand"] and record["author_id"] not in declared:
            declared.add(record["author_id"])
            yield Account("twitter", record["author_id"], record["author_id"],
                          options.brand or record["author_id"])
        yield Record(row.position, locator, row.raw, record)


def _mention(fields: dict[str, str], options: ParseOptions) -> dict:
    inbound = clean_bool(fields["inbound"], "inbound")
    if inbound is None:
        raise BadRecord("inbound is missing")
    author = clean_id(fields["author_id"], "author_id")
    parent = clean_id(fields["in_response_to_tweet_id"], "in_response_to_tweet_id")
    return mention(
        mention_id=qualify("twitter", clean_id(fields["tweet_id"], "tweet_id")),
        platform="twitter",
        brand=options.brand,  # --brand: the brand every mention in the file concerns
        page=f"@{author}" if not inbound else None,
        author_id=author,
        # Customer ids in twcs are anonymised numbers; brand ids are their screen names.
        author_handle=None if inbound else author,
        is_brand=not inbound,
        created_at=parse_time(fields["created_at"], "created_at", options),
        text=unescape_tweet(clean_text(fields["text"])),
        kind="reply" if parent else "post",
        parent_id=qualify("twitter", parent),
    )
