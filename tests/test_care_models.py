"""Thread reconstruction and care requests (SPEC 4), one hand-built thread per rule."""

from __future__ import annotations

import pytest

from etl import models, warehouse
from care_fixtures import THANKS, at, brand_msg, load_rows, msg, query, requests_by_id, set_scores


def members(request) -> list[str]:
    return [m.split(":", 1)[1] for m in request["message_ids"]]


def test_run_of_customer_messages_is_one_request_timed_from_its_first(tmp_path):
    db = load_rows(tmp_path, [
        msg("c1", "alice", 0),
        msg("c2", "alice", 5, parent="c1"),
        msg("c3", "alice", 12, parent="c2"),
        brand_msg("b1", 40, parent="c3"),  # the brand answers the latest message
    ])
    reqs = requests_by_id(db)
    assert list(reqs) == ["c1"]
    assert members(reqs["c1"]) == ["c1", "c2", "c3"]
    assert reqs["c1"]["first_response_id"] == "twitter:b1"
    assert reqs["c1"]["response_minutes"] == pytest.approx(40.0)


@pytest.mark.parametrize("reply_minute, expected_requests", [
    (5, {"c1": ["c1"], "c2": ["c2"]}),   # brand had replied before c2: c2 is a new request
    (10, {"c1": ["c1", "c2"]}),          # same instant is not "before"
    (15, {"c1": ["c1", "c2"]}),          # reply came after c2 was posted
])
def test_continuation_depends_on_a_brand_reply_before_the_message(tmp_path, reply_minute,
                                                                  expected_requests):
    db = load_rows(tmp_path, [
        msg("c1", "alice", 0),
        brand_msg("b1", reply_minute, parent="c1"),
        msg("c2", "alice", 10, parent="c1"),
    ])
    reqs = requests_by_id(db)
    assert {rid: members(r) for rid, r in reqs.items()} == expected_requests
    assert reqs["c1"]["first_response_id"] == "twitter:b1"


def test_another_customer_in_the_thread_starts_a_separate_request(tmp_path):
    db = load_rows(tmp_path, [
        msg("c1", "alice", 0),
        msg("c2", "bob", 3, parent="c1"),
        brand_msg("b1", 20, parent="c2"),
    ])
    reqs = requests_by_id(db)
    assert set(reqs) == {"c1", "c2"}
    assert reqs["c2"]["first_response_id"] == "twitter:b1"
    assert reqs["c1"]["first_response_id"] is None


def test_branching_run_and_earliest_response_wins(tmp_path):
    db = load_rows(tmp_path, [
        msg("c1", "alice", 0),
        msg("c2", "alice", 2, parent="c1"),
        msg("c3", "alice", 4, parent="c1"),
        brand_msg("b2", 50, parent="c1"),
        brand_msg("b1", 30, parent="c3"),
    ])
    reqs = requests_by_id(db)
    assert members(reqs["c1"]) == ["c1", "c2", "c3"]
    assert reqs["c1"]["first_response_id"] == "twitter:b1"
    assert reqs["c1"]["response_minutes"] == pytest.approx(30.0)


def test_customer_answering_the_brand_opens_a_new_request(tmp_path):
    db = load_rows(tmp_path, [
        msg("c1", "alice", 0),
        brand_msg("b1", 10, parent="c1"),
        msg("c2", "alice", 20, parent="b1"),
        brand_msg("b2", 25, parent="c2"),
    ])
    reqs = requests_by_id(db)
    assert {rid: r["first_response_id"] for rid, r in reqs.items()} == {
        "c1": "twitter:b1", "c2": "twitter:b2"}
    assert reqs["c2"]["response_minutes"] == pytest.approx(5.0)


def test_brand_replying_to_another_brands_customer_answers_nothing(tmp_path):
    db = load_rows(tmp_path, [
        msg("c1", "alice", 0, brand="Acme"),
        brand_msg("g1", 5, parent="c1", brand="Globex"),
        brand_msg("a1", 90, parent="c1", brand="Acme"),
        msg("c2", "bob", 0, brand="Globex"),
        brand_msg("a2", 3, parent="c2", brand="Acme"),
    ])
    reqs = requests_by_id(db)
    assert reqs["c1"]["first_response_id"] == "twitter:a1"
    assert reqs["c2"]["brand"] == "Globex"
    assert reqs["c2"]["first_response_id"] is None


def test_a_brand_reply_in_the_requests_own_second_answers_it(tmp_path):
    # The response is the brand's earliest reply "no earlier than the request": timestamps
    # are whole seconds, so a reply stamped with the request's second came after it.
    db = load_rows(tmp_path, [msg("c1", "alice", 0), brand_msg("b1", 0, parent="c1")])
    request = requests_by_id(db)["c1"]
    assert request["first_response_id"] == "twitter:b1"
    assert request["response_minutes"] == 0.0


def test_the_first_response_keeps_the_message_it_answered(tmp_path):
    # The brand's first reply is to the run's second message (the lists of deflections quote
    # it); a later reply to the first message answers nothing new.
    db = load_rows(tmp_path, [msg("c1", "alice", 0), msg("c2", "alice", 5, parent="c1"),
                              brand_msg("b1", 20, parent="c2"), brand_msg("b2", 30, parent="c1")])
    request = requests_by_id(db)["c1"]
    assert (request["first_response_id"], request["answered_message_id"]) == ("twitter:b1", "twitter:c2")
    assert request["answered_message_at"] == at(5)


def test_another_brands_reply_does_not_end_a_customers_run(tmp_path):
    # A message continues its parent unless *the request's brand* had replied to it first:
    # Globex butting in on Acme's customer neither answers nor splits the request.
    db = load_rows(tmp_path, [
        msg("c1", "alice", 0, brand="Acme"),
        brand_msg("g1", 5, parent="c1", brand="Globex"),
        msg("c2", "alice", 10, parent="c1", brand="Acme"),
        brand_msg("a1", 30, parent="c2", brand="Acme"),
    ])
    reqs = requests_by_id(db)
    assert {rid: members(r) for rid, r in reqs.items()} == {"c1": ["c1", "c2"]}
    assert reqs["c1"]["first_response_id"] == "twitter:a1"
    assert reqs["c1"]["response_minutes"] == 30.0


def test_a_run_needs_a_reply_and_complains_from_its_first_message_that_does(tmp_path):
    # Thanks, then two complaints: the run asks for a reply, and is a complaint, from the
    # first complaint (5 min), not the last (9 min) nor its start.
    db = load_rows(tmp_path, [msg("c1", "alice", 0, text=THANKS), msg("c2", "alice", 5, parent="c1"),
                              msg("c3", "alice", 9, parent="c2")])
    flags = {"complaint": True, "needs_reply": True, "label": "negative"}
    set_scores(db, {"c1": {}, "c2": flags, "c3": flags})
    request = requests_by_id(db)["c1"]
    assert members(request) == ["c1", "c2", "c3"]
    assert (request["requested_at"], request["needs_reply_at"], request["complaint_at"]) == (at(0), at(5), at(5))


def test_brand_message_dated_before_the_request_is_no_response(tmp_path):
    db = load_rows(tmp_path, [msg("c1", "alice", 0), brand_msg("b1", -5, parent="c1")])
    assert requests_by_id(db)["c1"]["first_response_id"] is None


def test_reply_to_a_missing_parent_starts_thread_and_request(tmp_path):
    db = load_rows(tmp_path, [
        msg("c1", "alice", 0, parent="gone"),
        msg("c2", "alice", 1, parent="c1"),
        brand_msg("b1", 10, parent="gone2"),
    ])
    reqs = requests_by_id(db)
    assert members(reqs["c1"]) == ["c1", "c2"]
    assert reqs["c1"]["first_response_id"] is None
    threads = dict((m, (root, missing)) for m, root, missing in query(
        db, "SELECT mention_id, root_id, missing_parent_id FROM threads"))
    assert threads["twitter:c1"] == ("twitter:c1", "twitter:gone")
    assert threads["twitter:c2"] == ("twitter:c1", None)
    assert reqs["c1"]["thread_root_id"] == "twitter:c1"


def test_the_dashboard_row_of_a_request_gives_its_first_messages_author_and_its_first_complaint(tmp_path):
    # The request starts with thanks (no followers, no reason); its second message complains
    # with 500 followers; its third complains again. The author is the first message's, the
    # complaint (id, time posted, reason) the first complaining message's.
    db = load_rows(tmp_path, [
        msg("c1", "alice", 0, text=THANKS),
        msg("c2", "alice", 5, parent="c1", followers=500),
        msg("c4", "alice", 8, parent="c2"),
        msg("c3", "bob", 7, followers=20),  # a request of one message
    ])
    set_scores(db, {"c2": {"complaint": True, "reason": "delivery"},
                    "c4": {"complaint": True, "reason": "billing"},
                    "c3": {"complaint": True, "reason": "rude staff"}})
    assert members(requests_by_id(db)["c1"]) == ["c1", "c2", "c4"]
    written = dict((m, (handle, followers, created)) for m, handle, followers, created in query(db, """
        SELECT mention_id, author_handle, author_followers, created_at FROM mentions"""))
    assert written["twitter:c1"][:2] != written["twitter:c2"][:2]
    shown = query(db, "SELECT request_id, author_handle, author_followers, complaint_id, complaint_posted_at, "
                      "complaint_reason FROM dash_care_requests ORDER BY request_id")
    assert shown == [
        ("twitter:c1", *written["twitter:c1"][:2], "twitter:c2", written["twitter:c2"][2], "delivery"),
        ("twitter:c3", *written["twitter:c3"][:2], "twitter:c3", written["twitter:c3"][2], "rude staff"),
    ]


def test_a_request_that_never_complains_names_no_complaint(tmp_path):
    db = load_rows(tmp_path, [msg("c1", "alice", 0, text=THANKS), msg("c2", "alice", 5, parent="c1", text=THANKS)])
    set_scores(db, {"c1": {}, "c2": {}})
    assert query(db, "SELECT is_complaint, complaint_id, complaint_posted_at, complaint_reason "
                     "FROM care_requests") == [(False, None, None, None)]


def test_shares_are_not_care_requests(tmp_path):
    db = load_rows(tmp_path, [
        brand_msg("p1", 0),
        msg("s1", "alice", 5, shared="p1"),
        msg("c1", "bob", 6, parent="p1"),
    ])
    assert set(requests_by_id(db)) == {"c1"}


def test_thread_roots_and_depths(tmp_path):
    db = load_rows(tmp_path, [
        brand_msg("p1", 0),
        msg("c1", "alice", 5, parent="p1"),
        brand_msg("b1", 6, parent="c1"),
        msg("c2", "alice", 7, parent="b1"),
    ])
    rows = query(db, "SELECT mention_id, root_id, depth FROM threads ORDER BY depth")
    assert rows == [("twitter:p1", "twitter:p1", 0), ("twitter:c1", "twitter:p1", 1),
                    ("twitter:b1", "twitter:p1", 2), ("twitter:c2", "twitter:p1", 3)]


@pytest.mark.parametrize("cycle", [
    [("c1", "c2"), ("c2", "c1")],
    [("c1", "c3"), ("c2", "c1"), ("c3", "c2")],
])
def test_parent_cycles_terminate_and_every_message_is_in_one_request(tmp_path, cycle):
    rows = [msg(child, "alice", i, parent=parent) for i, (child, parent) in enumerate(cycle)]
    rows.append(msg("x1", "alice", 10, parent=cycle[0][0]))
    db = load_rows(tmp_path, rows)
    counts = query(db, "SELECT count(*), count(DISTINCT mention_id) FROM care_messages")
    assert counts == [(len(rows), len(rows))]
    unreachable = query(db, "SELECT count(*) FROM threads WHERE unreachable")[0][0]
    assert unreachable == len(rows)  # no start reachable: each is flagged, none lost
    # Continuation follows time, so the cycle collapses into one request from its first message.
    reqs = requests_by_id(db)
    assert sorted(m for r in reqs.values() for m in members(r)) == sorted(r["mention_id"]
                                                                          for r in rows)


def test_self_reply_written_past_the_loader_does_not_hang(tmp_path):
    db = load_rows(tmp_path, [msg("c1", "alice", 0)])
    with warehouse.writer(db) as con:
        con.execute("""INSERT INTO mentions (mention_id, platform, brand, page, author_id,
                       is_brand, created_at, text, kind, parent_id, load_id)
                       VALUES ('twitter:c9', 'twitter', 'Acme', '@Acme', 'alice', false,
                               TIMESTAMPTZ '2024-01-08 10:00:00+00', 'x', 'reply', 'twitter:c9', 1)""")
        models.build_models(con)
    reqs = requests_by_id(db)
    assert set(reqs) == {"c1", "c9"}
    assert query(db, "SELECT root_id, unreachable FROM threads WHERE mention_id = 'twitter:c9'") == [
        ("twitter:c9", False)]


def test_models_are_views_for_staging_and_tables_for_marts(tmp_path):
    db = load_rows(tmp_path, [msg("c1", "alice", 0)])
    kinds = dict(query(db, "SELECT table_name, table_type FROM information_schema.tables"))
    assert kinds["stg_mentions"] == "VIEW"
    assert kinds["care_requests"] == "BASE TABLE"


def test_build_order_puts_dependencies_first():
    order = [m.name for m in models.build_order(models.load_models())]
    for model in models.load_models().values():
        for dep in model.depends:
            if dep in order:
                assert order.index(dep) < order.index(model.name)


def test_no_message_of_a_request_is_older_than_the_request(dashboard_db):
    """etl.metrics prunes messages and replies before the window's start on this."""
    with warehouse.connect_readonly(dashboard_db) as con:
        messages, early = con.execute("""
            SELECT count(*), count(*) FILTER (WHERE m.created_at < r.requested_at)
            FROM care_messages m JOIN care_requests r USING (request_id)""").fetchall()[0]
    assert messages > 1000 and early == 0


def test_a_database_of_an_older_version_is_found_stale_and_brought_up_to_date(fresh_db):
    with warehouse.connect_readonly(fresh_db) as con:
        assert models.stale(con) == []          # loaded by this version
    with warehouse.writer(fresh_db) as con:     # as an older version left it
        con.execute("DROP TABLE dash_mention_slots")
        con.execute("COMMENT ON TABLE care_requests IS 'made by other SQL'")
    with warehouse.connect_readonly(fresh_db) as con:
        assert set(models.stale(con)) == {"dash_mention_slots", "care_requests"}
    assert "dash_mention_slots" in models.refresh_stale(fresh_db)
    assert models.refresh_stale(fresh_db) == []  # a second session finds nothing to do
    with warehouse.connect_readonly(fresh_db) as con:
        assert models.stale(con) == []
        assert con.execute("SELECT sum(mentions) FROM dash_mention_slots").fetchall()[0][0] > 0


def test_the_sidebar_options_are_every_brand_platform_and_page_of_the_mentions(dashboard_db):
    import pandas as pd

    from app import filters
    with warehouse.connect_readonly(dashboard_db) as con:
        options = filters.options.uncached(con)
        scanned = con.execute("""
            SELECT brand, platform, page, min(created_at) AS first_at, max(created_at) AS last_at,
                   count(*) AS mentions
            FROM mentions GROUP BY ALL ORDER BY brand, platform, page""").df()
    assert len(options) > 5
    pd.testing.assert_frame_equal(options, scanned)


def test_models_already_current_are_left_as_published(fresh_db):
    before = warehouse.generation(fresh_db)
    assert models.refresh_stale(fresh_db) == []
    assert warehouse.generation(fresh_db) == before  # no copy published


def test_a_session_that_waited_for_anothers_rebuild_publishes_nothing(fresh_db, monkeypatch):
    real_stale, seen = models.stale, []

    def stale_until_the_writer(con):  # stale when first looked at, current inside the writer
        seen.append(con)
        return ["care_requests"] if len(seen) == 1 else real_stale(con)

    monkeypatch.setattr(models, "stale", stale_until_the_writer)
    before = warehouse.generation(fresh_db)
    assert models.refresh_stale(fresh_db) == []
    assert len(seen) == 2 and warehouse.generation(fresh_db) == before
    assert not list(fresh_db.parent.glob(fresh_db.name + ".next-*"))  # the copy is gone
