"""A complaint and the brand's reply in two files, in either order, give what one file of both
gives (etl.attribute_stored): exports come a month a file."""

from __future__ import annotations

import pytest

from support import CANONICAL_HEADER, load, query, write_bytes

# c1 names no brand or handle; only Acme's reply r1 says it is Acme's. c2 continues c1, s1
# shares it. n1 is another customer's post about nothing Acme answered.
COMPLAINT = [
    "c1,twitter,,,u1,ann,,false,2025-05-01T09:00:00Z,my order never came,post,,",
    "c2,twitter,,,u1,ann,,false,2025-05-01T09:05:00Z,still nothing,reply,twitter:c1,",
    "s1,twitter,,,u2,bob,,false,2025-05-01T09:10:00Z,,share,,twitter:c1",
    "n1,twitter,,,u3,cy,,false,2025-05-01T09:20:00Z,lovely weather,post,,",
]
REPLY = ["r1,twitter,Acme,@AcmeHelp,acme,AcmeHelp,,true,2025-05-01T11:00:00Z,sorry! we are on it,reply,twitter:c1,"]

DERIVED = [
    "SELECT mention_id, brand, page FROM mentions",
    "SELECT mention_id, known_at FROM brand_from_reply",
    "SELECT request_id, brand, page, brand_known_at, first_response_id FROM care_requests",
    "SELECT root_id, brand, size, answered FROM cascades",
]


def _load(tmp_path, name, *parts) -> object:
    db = tmp_path / f"{name}.duckdb"
    reports = [load(db, "csv", write_bytes(tmp_path, f"{name}{i}.csv", "\n".join([CANONICAL_HEADER, *rows, ""])))[0]
               for i, rows in enumerate(parts)]
    return db, reports


@pytest.mark.parametrize("order", ["complaint first", "reply first"])
def test_a_complaint_and_its_reply_in_two_files_are_as_in_one(tmp_path, order):
    whole, _ = _load(tmp_path, "whole", COMPLAINT + REPLY)
    parts = (COMPLAINT, REPLY) if order == "complaint first" else (REPLY, COMPLAINT)
    split, reports = _load(tmp_path, "split", *parts)
    for statement in DERIVED:
        assert sorted(query(split, statement)) == sorted(query(whole, statement)), statement
    assert dict(query(split, "SELECT mention_id, brand FROM mentions")) == {
        "twitter:c1": "Acme", "twitter:c2": "Acme", "twitter:s1": "Acme", "twitter:n1": None, "twitter:r1": "Acme"}
    # the stored mentions the second file gave a brand are rows it updated (then the models rebuild)
    assert reports[1].rows_updated == (3 if order == "complaint first" else 0)
