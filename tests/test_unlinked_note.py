"""A load says how many of its replies and shares point at a mention neither its files nor the
warehouse hold: a reply whose parent was missing loaded silently, was timed as a request of its
own and then counted ignored (a user review). Brands and people invented."""

from __future__ import annotations

from support import etl, load, query, write_bytes

HEADER = "mention_id,platform,brand,page,author_id,author_handle,is_brand,created_at,text,kind,parent_id,shared_id\n"
POST = "qp1,twitter,Quillby,@Quillby,u1,ada_q,false,2026-10-20T09:00:00+00:00,@Quillby my parcel is lost,post,,\n"
ANSWER = ("qb1,twitter,Quillby,@Quillby,qq,Quillby,true,2026-10-20T09:10:00+00:00,@ada_q sorry! DM us,"
          "reply,qp1,\n")
ORPHAN = ("qr1,twitter,Quillby,@Quillby,u2,bo_q,false,2026-10-20T10:00:00+00:00,@Quillby still waiting,"
          "reply,qp9,\n")
SHARE = "qs1,twitter,Quillby,@Quillby,u3,cy_q,false,2026-10-20T11:00:00+00:00,look at this,share,,qp8\n"
# a post the brand answered: a file with no brand row has a note of its own
ANSWERED = POST + ANSWER
MEANING = "such a reply by a customer is timed as a request of its own, and one by the brand answers nothing"


def test_a_reply_to_a_mention_not_loaded_is_counted_and_named_by_its_line(tmp_path):
    db = tmp_path / "w.duckdb"
    [report] = load(db, "csv", write_bytes(tmp_path, "q.csv", HEADER + POST + ANSWER + ORPHAN))
    said = f"1 reply points at a mention not loaded (line 4: twitter:qr1 -> twitter:qp9): {MEANING}"
    assert report.notes == [said]
    # kept in the load log, which `loads` and the Data page show
    assert query(db, "SELECT message FROM loads") == [(f"{report.file}: {said}",)]


def test_replies_and_shares_are_counted_apart_and_only_a_few_are_named(tmp_path):
    # a twcs export holds thousands of replies to tweets outside it: a count, and three named
    orphans = "".join(ORPHAN.replace("qr1", f"qr{n}").replace("qp9", f"qx{n}") for n in range(1, 6))
    db = tmp_path / "w.duckdb"
    [report] = load(db, "csv", write_bytes(tmp_path, "q.csv", HEADER + ANSWERED + SHARE + orphans))
    assert report.notes == [
        "5 replies and 1 share point at mentions not loaded (line 4: twitter:qs1 -> twitter:qp8, line 5: "
        "twitter:qr1 -> twitter:qx1, line 6: twitter:qr2 -> twitter:qx2, and 3 more): "
        f"{MEANING}; such a share starts a cascade of its own instead of spreading the mention it shares"]


def test_a_parent_in_another_file_of_the_load_or_stored_before_is_no_gap(tmp_path):
    db = tmp_path / "w.duckdb"
    # the reply's file first, its parent's second: the note is read once both are merged
    replies = write_bytes(tmp_path, "replies.csv", HEADER + ANSWER)
    reports = load(db, "csv", replies, write_bytes(tmp_path, "posts.csv", HEADER + POST))
    assert [r.notes for r in reports] == [[], []]
    # a later file's reply to a mention stored by an earlier load
    [later] = load(db, "csv", write_bytes(tmp_path, "later.csv", HEADER + ORPHAN.replace("qp9", "qb1")))
    assert later.rows_loaded == 1 and later.notes == []


def test_a_file_loaded_again_still_says_what_its_replies_lack(tmp_path):
    db = tmp_path / "w.duckdb"
    path = write_bytes(tmp_path, "q.csv", HEADER + ANSWERED + ORPHAN)
    load(db, "csv", path)
    [again] = load(db, "csv", path)
    assert again.rows_loaded == 0 and again.notes == [
        f"1 reply points at a mention not loaded (line 4: twitter:qr1 -> twitter:qp9): {MEANING}"]


def test_a_failed_file_first_in_a_load_says_nothing_of_links(tmp_path):
    # no file merged before it: the failed file's notes are read before any link was kept
    db = tmp_path / "w.duckdb"
    failed, loaded = load(db, "csv", write_bytes(tmp_path, "bad.csv", "nothing,of,ours\n1,2,3\n"),
                          write_bytes(tmp_path, "q.csv", HEADER + ANSWERED + ORPHAN))
    assert failed.status == "failed" and failed.notes == []
    assert loaded.notes == [f"1 reply points at a mention not loaded (line 4: twitter:qr1 -> twitter:qp9): "
                            f"{MEANING}"]


def test_the_command_line_prints_it(tmp_path):
    db = tmp_path / "w.duckdb"
    path = write_bytes(tmp_path, "q.csv", HEADER + ANSWERED + ORPHAN)
    done = etl("load", "--db", str(db), "--quiet", "csv", str(path))
    assert done.returncode == 0, done.stderr
    assert f": 1 reply points at a mention not loaded (line 4: twitter:qr1 -> twitter:qp9): {MEANING}\n" in (
        done.stderr)
