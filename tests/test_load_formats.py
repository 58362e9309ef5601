"""Each input format loads its fixture with the links, authorship and brands it implies."""

from __future__ import annotations

import json

import pytest

from care_fixtures import tables_differ
from support import CANONICAL_HEADER, FIXTURES, assert_accounted, load, query, scalar, write_bytes


def test_twcs_pandas_export_loads_every_row(tmp_path):
    db = tmp_path / "w.duckdb"
    [report] = load(db, "twcs", FIXTURES / "twcs_pandas.csv")
    assert (report.status, report.rows_read, report.rows_loaded) == ("complete", 7, 7)
    assert_accounted(report)
    # Float ids from pandas ('102.0') become the tweet ids they were.
    assert scalar(db, "SELECT parent_id FROM mentions WHERE mention_id = 'twitter:101'") == "twitter:102"


def test_twcs_keeps_bare_carriage_returns_inside_text(tmp_path):
    db = tmp_path / "w.duckdb"
    load(db, "twcs", FIXTURES / "twcs_pandas.csv")
    text = scalar(db, "SELECT text FROM mentions WHERE mention_id = 'twitter:104'")
    assert text.startswith("@NimbusCare \r\rI just love") and text.endswith("https://t.co/x")


def test_twcs_brand_accounts_and_attribution(tmp_path):
    db = tmp_path / "w.duckdb"
    load(db, "twcs", FIXTURES / "twcs_pandas.csv")
    rows = dict(query(db, "SELECT mention_id, brand || ' ' || page || ' ' || is_brand FROM mentions"))
    assert rows["twitter:101"] == "NimbusCare @NimbusCare true"      # outbound author
    assert rows["twitter:102"] == "NimbusCare @NimbusCare false"     # addresses the handle
    assert rows["twitter:107"] == "SkywardHelp @SkywardHelp false"   # reply in a brand thread
    assert scalar(db, "SELECT count(*) FROM brand_accounts") == 2


def test_twcs_brand_option_names_the_brand(tmp_path):
    db = tmp_path / "w.duckdb"
    load(db, "twcs", FIXTURES / "twcs_pandas.csv", brand="Nimbus")
    assert {b for (b,) in query(db, "SELECT DISTINCT brand FROM mentions")} == {"Nimbus"}


TWCS_HEADER = "tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id"


@pytest.mark.parametrize("declared", ["SkywardAir", "@skywardair"])
def test_customers_of_a_brand_that_never_answered_are_the_brands_on_its_page(tmp_path, declared):
    # the ghost town itself: no brand row in the file; the customers' tweets had no brand and
    # no page, so no metric and no audit saw them (a review)
    rows = ["1,115001,True,Tue Oct 03 10:00:00 +0000 2017,@SkywardAir my bag is lost,,",
            "2,115002,True,Wed Oct 11 10:00:00 +0000 2017,still waiting @SkywardAir,,",
            "3,115003,True,Wed Oct 11 12:00:00 +0000 2017,this airline never answers,,"]
    db = tmp_path / "w.duckdb"
    load(db, "twcs", write_bytes(tmp_path, "in.csv", "\n".join([TWCS_HEADER, *rows, ""])),
         brand="Skyward Air", brand_accounts=(declared,))
    assert query(db, "SELECT mention_id, brand, lower(page) FROM mentions ORDER BY 1") == [
        ("twitter:1", "Skyward Air", "@skywardair"), ("twitter:2", "Skyward Air", "@skywardair"),
        ("twitter:3", "Skyward Air", None)]  # --brand: the brand every mention in the file concerns
    assert query(db, "SELECT platform, lower(account_id), brand FROM brand_accounts") == [
        ("twitter", "@skywardair", "Skyward Air")]
    # the account's own rows later, in the handle's own spelling: one account, one page (a review
    # found '@skywardair' and '@SkywardAir' as two pages)
    later = ["9,SkywardAir,False,Thu Oct 12 10:00:00 +0000 2017,@115003 sorry to hear that,,3",
             "4,115004,True,Thu Oct 12 11:00:00 +0000 2017,@SkywardAir hello?,,"]
    load(db, "twcs", write_bytes(tmp_path, "later.csv", "\n".join([TWCS_HEADER, *later, ""])),
         brand="Skyward Air", brand_accounts=(declared,))
    assert query(db, "SELECT account_id, handle FROM brand_accounts") == [("SkywardAir", "SkywardAir")]
    assert query(db, "SELECT page FROM mentions WHERE mention_id IN ('twitter:4', 'twitter:9')") == [
        ("@SkywardAir",), ("@SkywardAir",)]


def test_a_declared_account_that_posts_is_registered_once(tmp_path):
    db = tmp_path / "w.duckdb"
    rows = ["c1,twitter,,,u1,ann,,,2025-05-01T09:00:00Z,@AcmeHelp it broke,post,,",
            "r1,twitter,,,acme,AcmeHelp,,,2025-05-01T09:30:00Z,@ann sorry we fixed it,reply,twitter:c1,"]
    load(db, "csv", write_bytes(tmp_path, "in.csv", "\n".join([CANONICAL_HEADER, *rows, ""])),
         brand="Acme", brand_accounts=("@AcmeHelp",))
    assert query(db, "SELECT account_id, handle FROM brand_accounts") == [("acme", "AcmeHelp")]
    assert dict(query(db, "SELECT mention_id, page FROM mentions")) == {"twitter:c1": "@AcmeHelp",
                                                                         "twitter:r1": "@AcmeHelp"}


def test_twitter_v1_lines_with_retweet_and_quote(tmp_path):
    db = tmp_path / "w.duckdb"
    [report] = load(db, "twitter-json", FIXTURES / "twitter_v1.jsonl", brand_accounts=("SkywardAir",))
    # Four lines, plus the quoted tweet 4000 that only exists embedded.
    assert (report.rows_read, report.rows_loaded, report.rows_duplicate) == (5, 5, 0)
    rows = {r[0]: r[1:] for r in query(db, """SELECT mention_id, kind, shared_id, parent_id,
                                                     author_followers, is_brand, brand FROM mentions""")}
    assert rows["twitter:5003"][:2] == ("share", "twitter:5001")
    assert rows["twitter:5004"][:2] == ("quote", "twitter:4000")
    assert rows["twitter:5002"][2] == "twitter:5001" and rows["twitter:5002"][4] is True
    assert rows["twitter:5001"][3] == 1200 and rows["twitter:5001"][5] == "SkywardAir"


@pytest.mark.parametrize("brand", [None, "Skyward"])
def test_twitter_customer_tweets_are_on_the_page_of_the_handle_they_address(tmp_path, brand):
    # With --brand every tweet has its brand from the start; the page must still be the
    # handle addressed (SPEC 3), for the tweet, its retweet, and the quote of a quote.
    db = tmp_path / "w.duckdb"
    load(db, "twitter-json", FIXTURES / "twitter_v1.jsonl", brand=brand, brand_accounts=("SkywardAir",))
    pages = dict(query(db, "SELECT mention_id, page FROM mentions"))
    assert pages == {m: "@SkywardAir" for m in ("twitter:4000", "twitter:5001", "twitter:5002",
                                                  "twitter:5003", "twitter:5004")}


def test_a_reply_loaded_later_takes_its_parents_page(tmp_path):
    db = tmp_path / "w.duckdb"
    load(db, "twitter-json", FIXTURES / "twitter_v1.jsonl", brand="Skyward", brand_accounts=("SkywardAir",))
    later = write_bytes(tmp_path, "later.jsonl", (
        '{"created_at": "Sat Jul 19 17:00:00 +0000 2025", "id_str": "5100", "text": "still nothing",'
        ' "in_reply_to_status_id_str": "5001", "user": {"id_str": "71", "screen_name": "ada_traveller"}}\n'
    ).encode())
    load(db, "twitter-json", later, brand="Skyward", brand_accounts=("SkywardAir",))
    assert scalar(db, "SELECT page FROM mentions WHERE mention_id = 'twitter:5100'") == "@SkywardAir"


def test_a_declared_brand_account_is_the_brands_in_a_csv_that_leaves_authorship_open(tmp_path):
    db = tmp_path / "w.duckdb"
    rows = ["t1,twitter,,,acme,AcmeHelp,,,2025-05-01T08:00:00Z,our new product,post,,",
            "c1,twitter,,,u1,ann,,,2025-05-01T09:00:00Z,@AcmeHelp it broke,reply,t1,",
            "r1,twitter,,,acme,AcmeHelp,,,2025-05-01T09:30:00Z,@ann sorry we fixed it,reply,c1,"]
    load(db, "csv", write_bytes(tmp_path, "in.csv", "\n".join([CANONICAL_HEADER, *rows, ""])),
         brand="Acme", brand_accounts=("@acmehelp",))
    assert dict(query(db, "SELECT mention_id, is_brand FROM mentions")) == {
        "twitter:t1": True, "twitter:c1": False, "twitter:r1": True}
    assert query(db, "SELECT platform, account_id, brand FROM brand_accounts") == [("twitter", "acme", "Acme")]


def test_a_brand_account_declared_on_a_later_load_makes_its_stored_mentions_the_brands(tmp_path):
    db = tmp_path / "w.duckdb"
    load(db, "twitter-json", FIXTURES / "twitter_v1.jsonl", brand="Skyward")
    assert scalar(db, "SELECT is_brand FROM mentions WHERE mention_id = 'twitter:5002'") is False
    [report] = load(db, "twitter-json", FIXTURES / "twitter_v1.jsonl", brand="Skyward",
                    brand_accounts=("SkywardAir",))
    assert report.rows_updated >= 1
    assert scalar(db, "SELECT is_brand FROM mentions WHERE mention_id = 'twitter:5002'") is True


def test_twitter_v2_response_with_includes(tmp_path):
    db = tmp_path / "w.duckdb"
    [report] = load(db, "twitter-json", FIXTURES / "twitter_v2.json", brand_accounts=("NimbusMobile",))
    assert (report.rows_read, report.rows_loaded) == (5, 5)
    rows = {r[0]: r[1:] for r in query(db, """SELECT mention_id, kind, shared_id, author_followers,
                                                     author_handle, is_brand, likes FROM mentions""")}
    assert rows["twitter:8003"][:2] == ("share", "twitter:8001")
    assert rows["twitter:8004"][:2] == ("quote", "twitter:7000")
    assert rows["twitter:8001"][2:4] == (310, "eli_k") and rows["twitter:8001"][5] == 3
    assert rows["twitter:8002"][4] is True


def test_twitter_v2_long_tweet_keeps_its_note_tweet_text(tmp_path):
    # v2 cuts "text" at about 280 characters and gives the whole under note_tweet, as v1.1 gives it
    # under extended_tweet.full_text; the cut text was stored
    full = "My flight was cancelled " + "and nobody answers the phone " * 12 + "the end."
    response = {"data": [{"id": "8101", "text": full[:277] + "\u2026", "note_tweet": {"text": full},
                          "author_id": "201", "created_at": "2025-03-02T10:00:00.000Z"},
                         {"id": "8102", "text": "short one", "author_id": "201",
                          "created_at": "2025-03-02T10:01:00.000Z"}],
                "includes": {"users": [{"id": "201", "username": "eli_k"}]}}
    db = tmp_path / "w.duckdb"
    [report] = load(db, "twitter-json", write_bytes(tmp_path, "long.json", json.dumps(response)))
    assert (report.rows_read, report.rows_loaded) == (2, 2)
    assert query(db, "SELECT mention_id, text FROM mentions ORDER BY 1") == [
        ("twitter:8101", full), ("twitter:8102", "short one")]


def test_twitter_v2_pages_with_no_results_are_skipped_not_quarantined(tmp_path):
    # A paged search writes a page that found nothing as its meta alone: it was quarantined as
    # "not a tweet ... (its keys: 'meta')", the load partial though nothing was lost.
    found = {"data": [{"id": "8201", "text": "hi", "author_id": "201", "created_at": "2025-03-02T10:00:00.000Z"}],
             "meta": {"result_count": 1, "next_token": "b"}}
    pages = [found, {"meta": {"result_count": 0}}, {"data": [], "meta": {"result_count": 0}}]
    db = tmp_path / "w.duckdb"
    [report] = load(db, "twitter-json", write_bytes(tmp_path, "pages.jsonl", "\n".join(map(json.dumps, pages)) + "\n"))
    assert (report.status, report.rows_read, report.rows_loaded, report.rows_quarantined) == ("complete", 1, 1, 0)
    assert report.message is None
    assert query(db, "SELECT mention_id FROM mentions") == [("twitter:8201",)]


def test_facebook_page_export_comments_and_replies(tmp_path):
    db = tmp_path / "w.duckdb"
    [report] = load(db, "facebook-json", FIXTURES / "facebook_page.json")
    assert (report.rows_read, report.rows_loaded) == (6, 6)
    rows = {r[0]: r[1:] for r in query(db, """SELECT mention_id, kind, parent_id, is_brand, brand, page
                                              FROM mentions""")}
    assert rows["facebook:1_11"][:3] == ("comment", "facebook:5550001_1", False)
    assert rows["facebook:1_12"][:3] == ("reply", "facebook:1_11", True)
    assert rows["facebook:5550001_2"][2] is True  # the page's own post, 'from' left out
    assert {r[3] for r in rows.values()} == {"Larkspur Bistro"}
    assert {r[4] for r in rows.values()} == {"5550001"}
    coverage = query(db, "SELECT page, period_start < period_end FROM load_coverage")
    assert coverage == [("5550001", True)]


def test_facebook_comment_without_from_loads_with_an_author_of_its_own(tmp_path):
    # the Graph API leaves 'from' out of visitors' comments for some tokens: they were quarantined
    complaint = "my order never arrived and I am still waiting for a refund"
    export = {"data": [{"id": "9001_1", "message": "Our new menu", "created_time": "2024-03-01T10:00:00+0000",
                        "from": {"id": "9001", "name": "Larkspur Bistro"}, "comments": {"data": [
                            {"id": "9001_3", "message": complaint, "created_time": "2024-03-01T11:30:00+0000",
                             "comments": {"data": [{"id": "9001_4", "message": complaint,
                                                    "created_time": "2024-03-01T11:40:00+0000"}]}}]}}]}
    db = tmp_path / "w.duckdb"
    [report] = load(db, "facebook-json", write_bytes(tmp_path, "page.json", json.dumps(export)))
    assert (report.status, report.rows_read, report.rows_loaded, report.rows_quarantined) == ("complete", 3, 3, 0)
    assert query(db, "SELECT mention_id, author_id, author_handle, is_brand, page FROM mentions ORDER BY 1") == [
        ("facebook:9001_1", "9001", "Larkspur Bistro", True, "9001"),
        ("facebook:9001_3", "facebook:unknown:9001_3", None, False, "9001"),  # not the page's
        ("facebook:9001_4", "facebook:unknown:9001_4", None, False, "9001")]
    # two unknown authors are not one customer whose reply continues their comment
    assert query(db, "SELECT request_id FROM care_requests ORDER BY 1") == [("facebook:9001_3",), ("facebook:9001_4",)]
    # a later export with a token that shows 'from' names them: the same comments, not others
    # by another author (they were quarantined as such, and the unknown authors stayed)
    for comment in (export["data"][0]["comments"]["data"][0], export["data"][0]["comments"]["data"][0]["comments"]
                    ["data"][0]):
        comment["from"] = {"id": "77", "name": "Ann Oduya"}
    named = write_bytes(tmp_path, "named.json", json.dumps(export))
    [again] = load(db, "facebook-json", named)
    assert (again.status, again.rows_duplicate, again.rows_quarantined, again.rows_updated) == ("complete", 3, 0, 2)
    assert query(db, "SELECT author_id, author_handle FROM mentions WHERE NOT is_brand") == [("77", "Ann Oduya")] * 2
    # her reply continues her comment now, as in a warehouse that only ever saw the named export
    load(tmp_path / "named.duckdb", "facebook-json", named)
    assert query(db, "SELECT request_id FROM care_requests") == [("facebook:9001_3",)]
    assert not tables_differ(db, tmp_path / "named.duckdb", ["care_requests", "cascades"])
    # and an export without 'from' again leaves the named author be
    [unnamed] = load(db, "facebook-json", write_bytes(tmp_path, "page2.json", json.dumps(_without_from(export))))
    assert (unnamed.rows_quarantined, unnamed.rows_updated) == (0, 0)
    assert query(db, "SELECT DISTINCT author_id FROM mentions WHERE NOT is_brand") == [("77",)]


def _without_from(export: dict) -> dict:
    """The export with 'from' taken off the comments (the page's post keeps it)."""
    def strip(node):
        return {k: (strip_all(v) if k == "comments" else v) for k, v in node.items() if k != "from"}

    def strip_all(comments):
        return {"data": [strip(c) for c in comments["data"]]}
    return {"data": [{**post, "comments": strip_all(post["comments"])} for post in export["data"]]}


def test_canonical_csv_keeps_offsets_as_utc(tmp_path):
    db = tmp_path / "w.duckdb"
    [report] = load(db, "csv", FIXTURES / "canonical.csv")
    assert (report.rows_read, report.rows_loaded) == (3, 3)
    hour = scalar(db, "SELECT hour(created_at) FROM mentions WHERE mention_id = 'twitter:1'")
    assert hour == 7  # 08:00+01:00


@pytest.mark.parametrize("mapping", [{"id": "mention_id", "body": "text", "when": "created_at"}])
def test_canonical_csv_with_mapped_columns(tmp_path, mapping):
    source = (FIXTURES / "canonical.csv").read_text()
    header, rest = source.split("\n", 1)
    renamed = ",".join(next((s for s, t in mapping.items() if t == h), h) for h in header.split(","))
    path = tmp_path / "mapped.csv"
    path.write_text(renamed + "\n" + rest)
    [report] = load(tmp_path / "w.duckdb", "csv", path, column_map=mapping)
    assert report.rows_loaded == 3


_TWEET = ('{"id_str": "%s", "created_at": "Tue Oct 31 22:10:47 +0000 2017", "text": "late again",'
          ' "user": {"id_str": "9", "screen_name": "ann"}}')
_POST = '{"id": "5_%s", "from": {"id": "5", "name": "Page"}, "created_time": "2024-01-01T00:00:00+0000", "message": "hi"}'
_DEEP = '{"x": ' + "[" * 3000 + "]" * 3000 + "}"
_DEEPISH = '{"x": ' + "[" * 500 + "]" * 500 + "}"  # parses, but deeper than anything real


@pytest.mark.parametrize("fmt, text, locator", [
    ("twitter-json", f"{_TWEET % 1}\n{_DEEP}\n{_TWEET % 3}\n", "line 2"),
    ("twitter-json", f"{_TWEET % 1}\n{_DEEPISH}\n{_TWEET % 3}\n", "line 2"),
    ("twitter-json", f"[{_TWEET % 1},\n{_DEEP},\n{_TWEET % 3}]\n", "item 2"),
    ("twitter-json", f"[{_TWEET % 1}, {_DEEPISH}, {_TWEET % 3}]\n", "item 2"),
    ("facebook-json", f"{_POST % 1}\n{_DEEP}\n{_POST % 3}\n", "line 2"),
    ("facebook-json", f'{{"data": [\n{_POST % 1},\n{_DEEP},\n{_POST % 3}\n]\n}}\n', "item 2"),
    ("twitter-json", f"[{_TWEET % 1}]\n{_DEEP}\n[{_TWEET % 3}]\n", "document 2"),  # `cat` of three
    ("twitter-json", f"{_TWEET % 1},\n{_DEEP},\n{_TWEET % 3},\n", "item 2 before the first '['"),
], ids=["lines", "lines-500", "array", "array-500", "facebook-lines", "facebook-document", "documents",
        "lost-bracket"])
def test_json_nested_too_deeply_is_quarantined_and_the_rest_loaded(tmp_path, fmt, text, locator):
    db = tmp_path / "w.duckdb"
    [report] = load(db, fmt, write_bytes(tmp_path, "deep.json", text))
    assert (report.status, report.rows_read, report.rows_loaded, report.rows_quarantined) == ("partial", 3, 2, 1)
    [(where, reason)] = query(db, "SELECT locator, reason FROM quarantine")
    assert where == locator and "nested too deeply" in reason


def test_json_document_nested_too_deeply_fails_the_file_in_one_line(tmp_path):
    text = '{\n"data": ' + '{"a": ' * 3000 + "1" + "}" * 3000 + "\n}\n"  # no array to read items from
    [report] = load(tmp_path / "w.duckdb", "facebook-json", write_bytes(tmp_path, "deep.json", text))
    assert report.status == "failed" and report.message == "%s: JSON nested too deeply (more than 100 levels of " \
        "arrays and objects)" % (tmp_path / "deep.json")


def _load_csv_rows(tmp_path, *rows, **options):
    """(database, report) of a canonical CSV of these rows loaded into a new database."""
    db = tmp_path / "w.duckdb"
    [report] = load(db, "csv", write_bytes(tmp_path, "rows.csv", "\n".join([CANONICAL_HEADER, *rows]) + "\n"),
                    **options)
    return db, report


def test_csv_id_qualified_with_another_platform_is_quarantined(tmp_path):
    db, report = _load_csv_rows(
        tmp_path,
        "twitter:1,facebook,N,@N,c1,,1,false,2025-05-01T08:00:00Z,not a tweet,post,,",
        "twitter:1,twitter,N,@N,c2,,1,false,2025-05-01T09:00:00Z,the real tweet,post,,",
        "legacy:7,facebook,N,@N,c3,,1,false,2025-05-01T09:00:00Z,an id of its own,post,,")
    assert (report.rows_read, report.rows_loaded, report.rows_duplicate, report.rows_quarantined) == (3, 2, 0, 1)
    assert query(db, "SELECT mention_id, platform, text FROM mentions ORDER BY 1") == [
        ("legacy:7", "facebook", "an id of its own"), ("twitter:1", "twitter", "the real tweet")]
    [(locator, reason)] = query(db, "SELECT locator, reason FROM quarantine")
    assert locator == "line 2" and "twitter" in reason and "facebook" in reason


def test_csv_platform_x_is_twitter(tmp_path):
    # Current tools name Twitter "X": its rows were quarantined as "platform 'X' is not one of twitter, ...".
    db, report = _load_csv_rows(
        tmp_path,
        "4,X,N,@N,c1,,1,false,2025-05-01T08:00:00Z,four,post,,",
        "twitter:5, x.COM ,N,@N,c1,,1,false,2025-05-01T08:00:00Z,five,reply,4,",
        "6,Xing,N,@N,c1,,1,false,2025-05-01T08:00:00Z,six,post,,")
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (3, 2, 1)
    assert query(db, "SELECT mention_id, platform, parent_id FROM mentions ORDER BY 1") == [
        ("twitter:4", "twitter", None), ("twitter:5", "twitter", "twitter:4")]
    assert scalar(db, "SELECT reason FROM quarantine").startswith("platform 'Xing' is not one of twitter, ")


_BEFORE_TEXT = "mention_id,platform,brand,page,author_id,author_handle,author_followers,is_brand,created_at"


@pytest.mark.parametrize("header, mapping, columns", [
    (f"{_BEFORE_TEXT},body,text", {"body": "text"}, "column 10 'body' (--map body=text) and column 11 'text'"),
    (f"{_BEFORE_TEXT},text,text", {}, "column 10 'text' and column 11 'text'"),
    (f'{_BEFORE_TEXT},"text",Text', {}, "column 10 'text' and column 11 'text'"),  # read by csvio, not Arrow
])
def test_csv_field_given_by_two_columns_fails_the_file(tmp_path, header, mapping, columns):
    path = write_bytes(tmp_path, "two.csv", f"{header}\ntwitter:1,twitter,N,@N,c1,,1,false,2025-05-01T08:00:00Z,one,two\n")
    [report] = load(tmp_path / "w.duckdb", "csv", path, column_map=mapping)
    assert report.status == "failed" and report.rows_loaded == 0
    assert report.message.startswith(f"{path}: the field text would come from two columns: {columns};")


def test_csv_column_the_load_does_not_read_may_repeat(tmp_path):
    path = write_bytes(tmp_path, "notes.csv", f"{_BEFORE_TEXT},note,note,text\n"
                                              "twitter:1,twitter,N,@N,c1,,1,false,2025-05-01T08:00:00Z,a,b,hi\n")
    [report] = load(tmp_path / "w.duckdb", "csv", path)
    assert (report.status, report.rows_loaded) == ("complete", 1)


@pytest.mark.parametrize("field, row", [
    ("brand", "twitter:2,twitter,N\x00x,@N,c2,,1,false,2025-05-01T08:00:00Z,hi,post,,"),
    ("page", "twitter:2,twitter,N,@N\x00x,c2,,1,false,2025-05-01T08:00:00Z,hi,post,,"),
    ("author_handle", "twitter:2,twitter,N,@N,c2,ann\x00x,1,false,2025-05-01T08:00:00Z,hi,post,,"),
    ("text", "twitter:2,twitter,N,@N,c2,,1,false,2025-05-01T08:00:00Z,h\x00i,post,,"),
])
def test_csv_nul_in_any_text_field_is_quarantined(tmp_path, field, row):
    db, report = _load_csv_rows(tmp_path, "twitter:1,twitter,N,@N,c1,ann,1,false,2025-05-01T08:00:00Z,fine,post,,", row)
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (2, 1, 1)
    assert query(db, "SELECT locator, reason FROM quarantine") == [("line 3", f"{field} contains a NUL byte")]


def test_json_nul_in_a_screen_name_is_quarantined(tmp_path):
    db = tmp_path / "w.duckdb"
    bad = _TWEET.replace('"ann"', '"an\\u0000n"') % 2
    [report] = load(db, "twitter-json", write_bytes(tmp_path, "nul.jsonl", f"{_TWEET % 1}\n{bad}\n"))
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (2, 1, 1)
    assert query(db, "SELECT locator, reason FROM quarantine") == [("line 2", "author_handle contains a NUL byte")]


def test_assumed_zone_quarantines_a_skipped_local_time_and_reads_a_repeated_one_first(tmp_path):
    db, report = _load_csv_rows(
        tmp_path,
        "twitter:1,twitter,N,@N,c1,,1,false,2025-03-30T01:30,in the spring gap,post,,",
        "twitter:2,twitter,N,@N,c1,,1,false,2025-10-26T01:30,twice that night,post,,",
        "twitter:3,twitter,N,@N,c1,,1,false,2025-07-01T12:00,summer,post,,", assume_tz="Europe/London")
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (3, 2, 1)
    [(locator, reason)] = query(db, "SELECT locator, reason FROM quarantine")
    assert locator == "line 2" and reason.startswith("created_at '2025-03-30T01:30' does not exist in Europe/London")
    hours = dict(query(db, "SELECT mention_id, strftime(created_at, '%H:%M') FROM mentions"))
    assert hours == {"twitter:2": "00:30", "twitter:3": "11:00"}  # 01:30 BST, the first time round
