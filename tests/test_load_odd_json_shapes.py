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
