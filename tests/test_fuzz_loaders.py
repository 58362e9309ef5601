"""Property-based fuzzing of every loader: random and mutated records in all four formats.

Invariants: no unhandled exception; read = loaded + duplicate + quarantined; every record
known to be good is loaded; loading the same file again changes nothing."""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from datetime import datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from support import CANONICAL_HEADER, assert_accounted, load, mention_rows, query

# CI runs a fixed, reproducible set of examples; FUZZ_EXAMPLES=500 explores new ones on demand.
# Ten, not fifteen: each example is two loads (about 2 s), and the five tests took 130 s of CI's time.
_EXPLORE = int(os.environ.get("FUZZ_EXAMPLES", "0"))
FUZZ = settings(max_examples=_EXPLORE or 10, derandomize=not _EXPLORE, deadline=None,
                suppress_health_check=[HealthCheck.too_slow])

texts = st.text(st.characters(codec="utf-8"), max_size=60)
# A NUL byte in a text quarantines the record by design (records.clean_text): not a good record.
good_texts = texts.filter(lambda t: "\x00" not in t)
junk = st.one_of(texts, st.sampled_from(["", "NaN", "1e309", "-1", "\x00", "2999-01-01T00:00:00Z",
                                         "Tue Feb 30 25:61:00 +0000 2017", "TRUE", "1,234", "{"]),
                 st.integers(-10**20, 10**20).map(str))
good_ids = st.integers(1, 10**18)
moments = st.datetimes(min_value=datetime(2006, 1, 1),
                       max_value=datetime(2026, 1, 1))


@st.composite
def canonical_rows(draw):
    """(row, is_good): good rows are valid by construction; bad ones have one field mutated."""
    n = draw(good_ids)
    row = {"mention_id": f"twitter:{n}", "platform": "twitter", "brand": "Nimbus", "page": "@Nimbus",
           "author_id": f"c{draw(st.integers(1, 50))}", "author_handle": "", "author_followers":
           str(draw(st.integers(0, 10**7))), "is_brand": draw(st.sampled_from(["true", "false"])),
           "created_at": draw(moments).isoformat() + "+00:00", "text": draw(good_texts),
           "kind": "post", "parent_id": draw(st.sampled_from(["", f"twitter:{n + 1}", f"twitter:{n}"])),
           "shared_id": ""}
    if draw(st.booleans()):
        return row, True
    field = draw(st.sampled_from(["mention_id", "platform", "author_id", "author_followers",
                                  "is_brand", "created_at", "kind"]))
    row[field] = draw(junk)
    return row, None  # a mutated row may still happen to be valid: not asserted either way


def _canonical_file(rows) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CANONICAL_HEADER.split(","), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8", errors="surrogatepass")


def _check(fmt: str, data: bytes, must_load: set[str]):
    with tempfile.TemporaryDirectory() as tmp:
        path, db = Path(tmp) / "in", Path(tmp) / "w.duckdb"
        path.write_bytes(data)
        [first] = load(db, fmt, path)
        assert_accounted(first)
        if first.status == "failed":
            assert not must_load
            return
        loaded = {m for (m,) in query(db, "SELECT mention_id FROM mentions")}
        assert must_load <= loaded
        before = mention_rows(db)
        [again] = load(db, fmt, path)
        assert again.rows_loaded == 0 and mention_rows(db) == before
        assert again.rows_read == first.rows_read


@FUZZ
@given(st.lists(canonical_rows(), max_size=25))
def test_canonical_csv(rows):
    good = {r["mention_id"] for r, ok in rows if ok}
    _check("csv", _canonical_file([r for r, _ in rows]), good)


@FUZZ
@given(st.lists(canonical_rows(), min_size=1, max_size=15), st.integers(0, 400), st.binary(max_size=8))
def test_canonical_csv_with_damaged_bytes(rows, cut, noise):
    """Truncation and random bytes anywhere: no crash, accounting still adds up."""
    data = _canonical_file([r for r, _ in rows])
    cut = min(cut, len(data))
    _check("csv", data[:cut] + noise + data[cut:], set())


@FUZZ
@given(st.lists(st.tuples(good_ids, st.booleans(), moments, texts, junk), max_size=20))
def test_twcs(rows):
    lines = ["tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id"]
    for tweet_id, inbound, moment, text, parent in rows:
        stamp = moment.strftime("%a %b %d %H:%M:%S +0000 %Y")
        fields = [str(tweet_id), "NimbusCare" if not inbound else "123", str(inbound), stamp, text, "", parent]
        out = io.StringIO()
        csv.writer(out, lineterminator="").writerow(fields)
        lines.append(out.getvalue())
    _check("twcs", ("\n".join(lines) + "\n").encode("utf-8", errors="surrogatepass"), set())


tweet_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-2**70, 2**70), texts),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(
        st.sampled_from(["id_str", "id", "text", "created_at", "user", "retweeted_status",
                         "in_reply_to_status_id_str", "followers_count", "data", "includes"]),
        children, max_size=4),
    max_leaves=12)


@FUZZ
@given(st.lists(st.tuples(good_ids, moments, good_texts), max_size=10), st.lists(tweet_values, max_size=6))
def test_twitter_json_lines(good, hostile):
    lines = [json.dumps({"id_str": str(n), "created_at": m.strftime("%a %b %d %H:%M:%S +0000 %Y"),
                         "text": t, "user": {"id_str": "9", "screen_name": "zed"}}) for n, m, t in good]
    lines += [json.dumps(value) for value in hostile]
    must = {f"twitter:{n}" for n, _, _ in good}
    # A hostile line can legitimately carry one of the good ids first: then it wins.
    must -= {f"twitter:{v.get('id_str')}" for v in hostile if isinstance(v, dict)}
    _check("twitter-json", ("\n".join(lines) + "\n").encode("utf-8", errors="surrogatepass"),
           must if not any(isinstance(v, (dict, list)) for v in hostile) else set())


@FUZZ
@given(st.lists(st.tuples(good_ids, moments, texts, st.lists(st.tuples(good_ids, texts), max_size=3)),
                max_size=6), st.integers(0, 2000))
def test_facebook_json_truncated_anywhere(posts, cut):
    data = {"data": [{"id": f"77_{n}", "message": text, "created_time": m.strftime("%Y-%m-%dT%H:%M:%S+0000"),
                      "from": {"id": "77", "name": "Larkspur"},
                      "comments": {"data": [{"id": f"c{c}", "message": ct, "from": {"id": "5"},
                                             "created_time": m.strftime("%Y-%m-%dT%H:%M:%S+0000")}
                                            for c, ct in comments]}}
                     for n, m, text, comments in posts]}
    encoded = json.dumps(data, indent=1).encode()
    _check("facebook-json", encoded[:cut] if cut < len(encoded) else encoded, set())
