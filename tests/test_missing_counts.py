"""A count column's missing-value spellings ('N/A', 'null', '-', ...) read as no count, by both
readers of a canonical csv: a complaint with likes 'N/A' was quarantined whole (a review)."""

from __future__ import annotations

import pytest

from support import CANONICAL_HEADER, load, query, write_bytes

MISSING = ["N/A", "n/a", "NA", "null", "NULL", "None", "nan", "NaN", "#N/A", "-", " N/A "]


@pytest.mark.parametrize("start", ["", "\ufeff"], ids=["read by Arrow", "read by csvio"])  # a BOM keeps Arrow out
def test_a_missing_value_spelling_is_no_count_and_a_bad_count_stays_quarantined(tmp_path, start):
    row = "twitter:{n},twitter,N,@N,c{n},,{followers},false,2025-05-01T08:00:00Z,hi,post,,,{likes},0,{replies}"
    rows = [row.format(n=n, followers=10, likes=spelling, replies=spelling) for n, spelling in enumerate(MISSING)]
    rows += [row.format(n=90, followers="1.2K", likes=1, replies=0),
             row.format(n=91, followers="-5", likes=1, replies=0)]
    db = tmp_path / "w.duckdb"
    [report] = load(db, "csv", write_bytes(tmp_path, "counts.csv", start + "\n".join(
        [CANONICAL_HEADER + ",likes,shares,replies", *rows]) + "\n"))
    assert (report.rows_loaded, report.rows_quarantined) == (len(MISSING), 2)
    assert query(db, "SELECT DISTINCT author_followers, likes, shares, replies FROM mentions") == [(10, None, 0, None)]
    assert [reason for (reason,) in query(db, "SELECT reason FROM quarantine ORDER BY position")] == [
        "author_followers '1.2K' is a rounded count (in thousands), not the count: give the whole number, "
        "as the platform's API does",
        "author_followers '-5' is not a count"]
