"""A JSON value of an unexpected type where a record's object, list or text should be is that
record's problem (SPEC 6), named in its quarantine reason, never a traceback that fails the
whole load and loses its good records (SPEC 5). Brands and people are invented."""

from __future__ import annotations

import json

import pytest

from support import assert_accounted, load, query, write_bytes

V1 = {"id_str": "21", "created_at": "Tue Oct 31 22:10:47 +0000 2017", "text": "my parcel is lost @Quillfern",
      "user": {"id_str": "11", "screen_name": "marla_v", "followers_count": 5}}
V2 = {"id": "31", "author_id": "5", "created_at": "2017-10-31T22:10:47Z", "text": "still no refund @Quillfern"}
USERS = [{"id": "5", "username": "tobin_r"}]


def _lines(*values) -> str:
    return "\n".join(json.dumps(value) for value in values) + "\n"


def _load_tweets(tmp_path, *values):
    db = tmp_path / "w.duckdb"
    [report] = load(db, "twitter-json", write_bytes(tmp_path, "in.jsonl", _lines(*values)))
    assert_accounted(report)
    return db, report


@pytest.mark.parametrize("odd,locator,reason", [
    ({**V1, "id_str": "20", "quoted_status": "oops"}, "line 1", 'quoted_status is not a tweet object: "oops"'),
    ({**V1, "id_str": "20", "retweeted_status": 7}, "line 1", "retweeted_status is not a tweet object: 7"),
    ({"data": [{**V2, "id": "30", "referenced_tweets": 5}]}, "line 1: data[0]",
     "referenced_tweets is not a list of objects: 5"),
    ({"data": [{**V2, "id": "30", "referenced_tweets": ["x"]}]}, "line 1: data[0]",
     'referenced_tweets is not a list of objects: ["x"]'),
])
def test_a_tweet_with_an_odd_reference_is_quarantined_and_the_others_load(tmp_path, odd, locator, reason):
    db, report = _load_tweets(tmp_path, odd, V1, {"data": [V2], "includes": {"users": USERS}})
    assert (report.rows_loaded, report.rows_quarantined) == (2, 1)
    assert query(db, "SELECT locator, reason FROM quarantine") == [(locator, reason)]


@pytest.mark.parametrize("includes,locator,reason", [
    ({"tweets": ["x"]}, "line 1: includes.tweets[0]", "not a tweet object"),
    ({"tweets": 3}, "line 1: includes.tweets", "includes.tweets is not a list of tweet objects"),
    ({"users": 5}, "line 1: includes.users", "includes.users is not a list of user objects"),
    ({"users": [5]}, "line 1: includes.users[0]", "not a user object"),
    (5, "line 1: includes", "includes is not an object"),
])
def test_an_include_that_is_not_an_object_is_quarantined_and_the_response_loads(tmp_path, includes, locator,
                                                                               reason):
    db, report = _load_tweets(tmp_path, {"data": [V2], "includes": includes}, V1)
    assert (report.rows_loaded, report.rows_quarantined) == (2, 1)
    [(where, why)] = query(db, "SELECT locator, reason FROM quarantine")
    assert where == locator and why.startswith(reason)


@pytest.mark.parametrize("odd,reason", [
    ({**V1, "id_str": "20", "user": {"id_str": "11", "screen_name": 123}}, "author handle is a number, not text: 123"),
    ({**V1, "id_str": "20", "text": ["a"]}, 'text is a list, not text: ["a"]'),
    ({**V1, "id_str": "20", "text": 42}, "text is a number, not text: 42"),
    ({"data": [{**V2, "id": "30", "author_id": "6"}], "includes": {"users": [{"id": "6", "username": True}]}},
     "author handle is true or false, not text: true"),
])
def test_a_tweet_with_a_text_field_that_is_no_text_is_quarantined(tmp_path, odd, reason):
    db = tmp_path / "w.duckdb"
    # a declared brand account: its handle is compared, lower-cased, before the mention is made
    [report] = load(db, "twitter-json", write_bytes(tmp_path, "in.jsonl", _lines(odd, V1)),
                    brand_accounts=("Quillfern",))
    assert (report.rows_loaded, report.rows_quarantined) == (1, 1)
    assert query(db, "SELECT reason FROM quarantine") == [(reason,)]


def test_tweet_ids_given_as_json_numbers_still_load(tmp_path):
    v1 = {key: value for key, value in V1.items() if key != "id_str"} | {"id": 22}
    db, report = _load_tweets(tmp_path, v1, {"data": [{**V2, "id": 32}], "includes": {"users": USERS}})
    assert (report.rows_loaded, report.rows_quarantined) == (2, 0)
    assert query(db, "SELECT mention_id, author_handle FROM mentions ORDER BY 1") == [
        ("twitter:22", "marla_v"), ("twitter:32", "tobin_r")]


def _page_post(post_id: str, **changes) -> dict:
    return {"id": f"100_{post_id}", "message": "our spring menu is out", "created_time": "2024-01-01T10:00:00+0000",
            "from": {"id": "100", "name": "Quillfern Bistro"}, "comments": {"data": []}, **changes}


def _comment(comment_id: str, **changes) -> dict:
    return {"id": comment_id, "message": "the soup was cold", "created_time": "2024-01-01T11:00:00+0000",
            "from": {"id": "200", "name": "Ada Brell"}, **changes}


def _load_page(tmp_path, *posts):
    db = tmp_path / "w.duckdb"
    [report] = load(db, "facebook-json", write_bytes(tmp_path, "page.json", json.dumps({"data": list(posts)})))
    assert_accounted(report)
    return db, report


@pytest.mark.parametrize("odd,locator,reason", [
    (_comment("6_1", **{"from": {"id": "200", "name": ["Ada", "Brell"]}}), "line 1: data[0].comments[0]",
     'author handle is a list, not text: ["Ada", "Brell"]'),
    (_comment("6_1", message=["a"]), "line 1: data[0].comments[0]", 'message is a list, not text: ["a"]'),
    (_comment("6_1", message={"text": "hi"}), "line 1: data[0].comments[0]",
     'message is an object, not text: {"text": "hi"}'),
])
def test_a_facebook_comment_with_a_text_field_that_is_no_text_is_quarantined(tmp_path, odd, locator, reason):
    db, report = _load_page(tmp_path, _page_post("6", comments={"data": [odd, _comment("6_2")]}))
    assert (report.rows_loaded, report.rows_quarantined) == (2, 1)
    assert query(db, "SELECT locator, reason FROM quarantine") == [(locator, reason)]


def test_a_page_post_whose_page_name_is_no_text_is_quarantined_and_its_comments_load(tmp_path):
    post = _page_post("7", **{"from": {"id": "100", "name": ["Quillfern"]}}, comments={"data": [_comment("7_1")]})
    db, report = _load_page(tmp_path, post)
    assert (report.rows_loaded, report.rows_quarantined) == (1, 1)
    assert query(db, "SELECT mention_id, page FROM mentions") == [("facebook:7_1", "100")]
    assert query(db, "SELECT account_id, brand FROM brand_accounts") == [("100", "100")]


def test_comments_under_a_post_with_no_id_are_quarantined_not_taken_for_the_pages_posts(tmp_path):
    # a visitor's comment without 'from' under an id-less post was stored as the page's own post
    # (author the page, is_brand true, no parent): a complaint counted as the brand's
    post = {k: v for k, v in _page_post("8").items() if k != "id"}
    visitor = {k: v for k, v in _comment("8_1").items() if k != "from"}
    post["comments"] = {"data": [visitor | {"comments": {"data": [_comment("8_2")]}}]}
    db, report = _load_page(tmp_path, post, _page_post("9"))
    assert (report.rows_loaded, report.rows_quarantined) == (2, 2)
    assert query(db, "SELECT locator, reason FROM quarantine ORDER BY position") == [
        ("line 1: data[0]", "id is missing"),
        ("line 1: data[0].comments[0]", "the post it comments on has no id, so the comment cannot be tied to it")]
    assert query(db, "SELECT mention_id, is_brand, parent_id FROM mentions ORDER BY 1") == [
        ("facebook:100_9", True, None), ("facebook:8_2", False, "facebook:8_1")]


def test_every_embedded_tweet_without_an_id_is_counted_and_quarantined(tmp_path):
    # two retweets of id-less tweets (and an id-less tweet at top level): the embedded ones shared
    # the key "None" with it and each other, so one was quarantined, the rest lost from the count
    retweets = [{**V1, "id_str": str(n), "retweeted_status": {"user": {"id_str": "1"}, "text": f"tweet {n}",
                                                               "created_at": V1["created_at"]}} for n in (40, 41)]
    idless = {key: value for key, value in V1.items() if key != "id_str"}
    db, report = _load_tweets(tmp_path, *retweets, idless)
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (5, 2, 3)
    assert query(db, "SELECT locator, reason FROM quarantine ORDER BY position") == [
        ("line 1: retweeted_status", "id is missing"), ("line 2: retweeted_status", "id is missing"),
        ("line 3", "id is missing")]


def test_an_embedded_copy_of_a_tweet_also_at_top_level_is_not_read_again(tmp_path):
    # as twitter_json's docstring says: not counted (its text may differ from the tweet's own,
    # as an anonymised export's does, and would then be quarantined as a conflict of its id)
    retweet = {**V1, "id_str": "50", "text": "RT", "retweeted_status": {**V1, "text": "my parcel is lost @[anon]"}}
    db, report = _load_tweets(tmp_path, V1, retweet)
    assert (report.status, report.rows_read, report.rows_loaded, report.rows_duplicate) == ("complete", 2, 2, 0)
    assert query(db, "SELECT text FROM mentions WHERE mention_id = 'twitter:21'") == [(V1["text"],)]
