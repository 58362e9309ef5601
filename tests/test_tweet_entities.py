"""Twitter's API writes &, < and > in a tweet's text as HTML entities: the twcs and twitter-json
loaders store the text as its author wrote it (a review's audit read "better quality from M&amp;S")."""

from __future__ import annotations

import json

import duckdb

from support import CANONICAL_HEADER, load, query, write_bytes

TWCS_HEADER = "tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id"
# as the API sends them, and as their authors wrote them
SENT = ["I expected better from M&amp;S @LarkMart", "&gt;All of LARKNET IS DOWN&lt; @LarkMart",
        "they wrote &amp;lt;b&amp;gt; @LarkMart", "&quot;fine&quot; @LarkMart"]
WRITTEN = ["I expected better from M&S @LarkMart", ">All of LARKNET IS DOWN< @LarkMart",
           "they wrote &lt;b&gt; @LarkMart", "&quot;fine&quot; @LarkMart"]


def _twcs(tmp_path, texts):
    rows = [f'{i},{115000 + i},True,Tue Oct 03 10:00:0{i} +0000 2017,"{text}",,' for i, text in enumerate(texts, 1)]
    return write_bytes(tmp_path, "twcs.csv", "\n".join([TWCS_HEADER, *rows, ""]))


def _texts(db) -> list[str]:
    return [text for (text,) in query(db, "SELECT text FROM mentions ORDER BY mention_id")]


def test_twcs_text_is_unescaped_once(tmp_path):
    db = tmp_path / "w.duckdb"
    load(db, "twcs", _twcs(tmp_path, SENT))
    # one pass: '&amp;lt;' is a '&lt;' its author typed, not a '<'; '&quot;' is no entity Twitter writes
    assert _texts(db) == WRITTEN


def test_twitter_json_v1_and_v2_texts_are_unescaped(tmp_path):
    v1 = [{"id_str": str(i), "created_at": "Tue Oct 03 10:00:00 +0000 2017", "full_text": text,
           "user": {"id_str": "9", "screen_name": "eli_k"}} for i, text in enumerate(SENT[:2], 1)]
    v2 = {"data": [{"id": str(i), "text": text, "author_id": "9", "created_at": "2017-10-03T10:00:00.000Z"}
                   for i, text in enumerate(SENT[2:], 3)]}
    lines = [json.dumps(tweet) for tweet in v1] + [json.dumps(v2)]
    db = tmp_path / "w.duckdb"
    load(db, "twitter-json", write_bytes(tmp_path, "tweets.jsonl", "\n".join(lines) + "\n"))
    assert _texts(db) == WRITTEN


def test_a_csv_text_is_kept_as_written(tmp_path):
    # a canonical csv is no API response: an '&amp;' in it is what its author wrote
    row = "twitter:1,twitter,Lark,@LarkMart,c1,,1,false,2017-10-03T10:00:00+00:00,M&amp;S again,post,,"
    db = tmp_path / "w.duckdb"
    load(db, "csv", write_bytes(tmp_path, "in.csv", f"{CANONICAL_HEADER}\n{row}\n"))
    assert _texts(db) == ["M&amp;S again"]


def test_a_file_loaded_escaped_before_keeps_its_stored_text_and_says_it_differs(tmp_path):
    # a warehouse loaded before this fix holds the escaped text: loading the file again brings
    # another text of the same mentions, counted as such, the stored one kept
    db, path = tmp_path / "w.duckdb", _twcs(tmp_path, SENT)
    load(db, "twcs", path)
    with duckdb.connect(str(db)) as con:
        for i, text in enumerate(SENT, 1):
            con.execute("UPDATE mentions SET text = ? WHERE mention_id = ?", [text, f"twitter:{i}"])
    [report] = load(db, "twcs", path)
    assert (report.rows_loaded, report.rows_duplicate, report.rows_other_text) == (0, 4, 3)
    assert _texts(db) == SENT
