"""The command line says when no row a load stored is the brand's and no account of its brand
is known: every reply then reads as a customer's post (a review found 100% ghost town, unsaid)."""

from __future__ import annotations

from support import load, query, write_bytes

ROWS = ("mention_id,platform,author_id,author_handle,created_at,text,brand,page,parent_id\n"
        "nf1,twitter,u50,quinn_x,2026-10-25T09:00:00+00:00,@Hollow room was filthy,Hollow,@Hollow,\n"
        "nf2,twitter,hh,Hollow,2026-10-25T09:30:00+00:00,@quinn_x so sorry!,Hollow,@Hollow,nf1\n")
SAID = ("No mention loaded is marked as the brand's (no is_brand true) and no account of 'Hollow' is known, so every "
        "reply reads as a customer's post: mark the brand's rows with is_brand, or load the file again with "
        "--brand-account ID naming the brand's accounts")


def test_a_load_with_no_brand_row_and_no_account_says_so(tmp_path):
    db = tmp_path / "w.duckdb"
    [report] = load(db, "csv", write_bytes(tmp_path, "noflags.csv", ROWS))
    assert report.notes == [SAID]
    # kept in the load log, which `loads` and the Data page show (printed once and lost: a review)
    assert query(db, "SELECT message FROM loads") == [(f"{report.file}: {SAID}",)]


def test_a_load_whose_brand_has_an_account_says_nothing_of_it(tmp_path):
    db = tmp_path / "w.duckdb"
    [report] = load(db, "csv", write_bytes(tmp_path, "noflags.csv", ROWS), brand_accounts=("hh",))
    assert report.notes == [] and query(db, "SELECT message FROM loads") == [(None,)]
    # a later file of customers' posts alone: the brand's account is known, nothing to say
    [later] = load(db, "csv", write_bytes(tmp_path, "later.csv", ROWS.replace("nf", "nx").replace(",hh,", ",u9,")))
    assert later.rows_loaded == 2 and later.notes == []


def test_mentions_of_no_brand_are_counted_not_named_as_a_brand(tmp_path):
    # a file naming no brand read 'no account of None is known' (a real-data review)
    db = tmp_path / "w.duckdb"
    rows = ROWS + "nf3,twitter,u52,rae_y,2026-10-25T10:00:00+00:00,my router died,,,\n"
    [report] = load(db, "csv", write_bytes(tmp_path, "some_unbranded.csv", rows))
    assert report.notes == [
        "1 of the 3 mentions loaded has no brand (the file names none for them): load the file again naming the "
        "brand they concern with --brand", SAID]
