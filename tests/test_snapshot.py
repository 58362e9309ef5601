"""The weekly snapshot: evaluated as of the week's end, frozen once the week is closed,
with week-over-week deltas; and the metrics/snapshot command lines."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import pandas as pd
import pytest

from etl import cli, models, snapshot, warehouse
from care_fixtures import (
    DAY, T0, brand_msg, load_ignored_and_deflected, load_rows, load_with_deletions, msg, query, set_scores, stored,
    two_weeks,
)
from support import file_attribute



def test_snapshot_of_a_week_is_evaluated_as_of_its_end(tmp_path):
    db = load_rows(tmp_path, two_weeks())
    frame = snapshot.materialise(db, "2024-W02")
    row = frame.set_index("brand").loc["Acme"]
    assert bool(row["closed"]) and row["as_of"].isoformat().startswith("2024-01-14T23:59:59")
    # c2 was ignored for over 72 h by the week's end; c3 and c4 came on Sunday: pending.
    assert (row["mentions"], row["requests"], row["answered"], row["ignored"], row["pending"]) == (
        4, 4, 1, 1, 2)
    assert row["ghost_town_rate"] == pytest.approx(0.5)
    risks = json.loads(row["top_risks"])
    assert [r["request_id"] for r in risks] == ["twitter:c3", "twitter:c4", "twitter:c2"]
    assert [r["status"] for r in risks] == ["pending", "pending", "ignored"]


def test_week_over_week_deltas(tmp_path):
    db = load_rows(tmp_path, two_weeks())
    row = snapshot.materialise(db, "2024-W02").set_index("brand").loc["Acme"]
    assert row["mentions_wow"] == 4 - 2
    previous = stored(db, "2024-W01").set_index("brand").loc["Acme"]
    assert row["ghost_town_rate_wow"] == pytest.approx(row["ghost_town_rate"]
                                                       - previous["ghost_town_rate"])


@pytest.mark.parametrize("week", ["2024-W02", "2024-W03"])
def test_a_brand_whose_data_starts_later_has_no_count_change_until_a_whole_week_before(tmp_path, week):
    # a brand loaded from Wednesday of W02 showed '+3 mentions' in W02 against none before it,
    # and in W03 a change against part of W02: its first weeks, not growth
    rows = [*two_weeks(), msg("x1", "v1", 2 * DAY, brand="Bolt"), msg("x2", "v2", 2 * DAY + 5, brand="Bolt"),
            msg("x3", "v3", 7 * DAY + 60, brand="Bolt"), msg("n2", "u8", 14 * DAY + 60)]
    db = load_rows(tmp_path, rows)
    frame = snapshot.materialise(db, week).set_index("brand")
    assert pd.isna(frame.loc["Bolt", "mentions_wow"]) and pd.isna(frame.loc["Bolt", "requests_wow"])
    assert frame.loc["Acme", "mentions_wow"] == {"2024-W02": 4 - 2, "2024-W03": 1 - 4}[week]


def test_a_closed_week_does_not_change_when_later_data_arrives(tmp_path):
    db = load_rows(tmp_path, two_weeks())
    before = snapshot.materialise(db, "2024-W02")
    # Late arrivals dated inside the week: a new complaint and an answer to c2.
    load_rows(tmp_path, [msg("late1", "u9", 2 * DAY), brand_msg("lb", DAY + 30, parent="c2"),
                         msg("n2", "u10", 9 * DAY)], name="late.csv", db=db)
    set_scores(db, {"late1": {"needs_reply": True, "complaint": True}})
    after = snapshot.materialise(db, "2024-W02")
    assert after.equals(before)


def test_an_open_week_is_recomputed(tmp_path):
    db = load_rows(tmp_path, two_weeks())
    first = snapshot.materialise(db, "2024-W03")
    assert not first["closed"].any() and first["requests"].sum() == 1
    load_rows(tmp_path, [msg("n3", "u11", 8 * DAY), msg("z1", "u12", 15 * DAY)],
              name="more.csv", db=db)
    second = snapshot.materialise(db, "2024-W03")
    assert second["closed"].all() and second["requests"].sum() == 2


def test_default_week_is_the_last_complete_one(tmp_path):
    db = load_rows(tmp_path, two_weeks())
    assert snapshot.materialise(db)["week"].unique().tolist() == ["2024-W02"]


@pytest.mark.parametrize("text, ok", [("2024-W02", True), ("2020-W53", True),
                                      ("2021-W53", False), ("2024-02", False)])
def test_parse_week(text, ok):
    if ok:
        assert snapshot.week_label(snapshot.parse_week(text)) == text
    else:
        with pytest.raises(ValueError):
            snapshot.parse_week(text)


@pytest.mark.parametrize("weeks, gaps", [
    ([], []), (["2024-W02"], []), (["2024-W03", "2024-W02", "2024-W02"], []),
    (["2015-W09", "2016-W31"], [("2015-W10", 74)]),  # 2015-W10 to W53, 2016-W01 to W30
    (["2020-W52", "2021-W02", "2021-W04", "2021-W05"], [("2020-W53", 2), ("2021-W03", 1)]),  # W53 counted
])
def test_week_gaps_name_the_first_missing_week_and_count_them(weeks, gaps):
    assert snapshot.week_gaps(weeks) == gaps


def test_snapshot_command_prints_the_week(tmp_path, capsys):
    db = load_rows(tmp_path, two_weeks())
    assert cli.main(["snapshot", "--db", str(db), "--week", "2024-W02", "--format", "json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert [r["brand"] for r in records] == ["Acme"] and records[0]["requests"] == 4
    stored = query(db, "SELECT top_risks FROM weekly_snapshots WHERE week = '2024-W02'")[0][0]
    assert records[0]["top_risks"] == json.loads(stored) != []  # a list, not JSON text in JSON
    assert cli.main(["snapshot", "--db", str(db), "--week", "nope"]) == 2  # a usage error
    assert "not an ISO week" in capsys.readouterr().err


def test_a_snapshot_of_no_database_says_so_and_leaves_nothing(tmp_path, capsys):
    # it said 'the database has no mentions' and left missing.duckdb.lock behind (a CLI review)
    assert cli.main(["snapshot", "--db", str(tmp_path / "missing.duckdb")]) == 1
    assert "missing.duckdb: no database here" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_a_snapshot_of_a_warehouse_that_cannot_be_replaced_says_so_of_it_and_leaves_it(tmp_path, capsys):
    """In an append-only folder (chattr +a: root may not rename there either) the snapshot was
    computed, then 'care.duckdb.next-4242: Operation not permitted' and that file left there."""
    db = load_rows(tmp_path, two_weeks())
    with file_attribute(tmp_path, "a"):
        assert cli.main(["snapshot", "--db", str(db), "--week", "2024-W02"]) == 1
        assert not list(tmp_path.glob("care.duckdb.next-*"))
    said = f"etl: {db}: cannot replace it with the new state (Operation not permitted); nothing was changed\n"
    assert capsys.readouterr().err == said
    with warehouse.connect_readonly(db) as con:
        assert not snapshot.has_stored_weeks(con)


@pytest.mark.parametrize("week, error", [("2024-W04", "starts after the newest mention"),
                                         ("2023-W52", "ends before the first mention"),
                                         ("2024-W03", None), ("2024-W01", None)])
def test_a_week_outside_the_data_is_a_one_line_error_not_an_empty_snapshot(tmp_path, capsys, week, error):
    db = load_rows(tmp_path, two_weeks())  # 2024-W01 to the first hour of 2024-W03
    assert cli.main(["snapshot", "--db", str(db), "--week", week]) == (1 if error else 0)
    err = capsys.readouterr().err
    if error:
        assert err.startswith(f"etl: --week {week} {error} (the data runs from 2024-01-0") and err.count("\n") == 1
        with warehouse.connect_readonly(db) as con:  # nothing stored: the writer's state discarded
            assert not con.execute("SELECT count(*) FROM information_schema.tables "
                                   "WHERE table_name = 'weekly_snapshots'").fetchall()[0][0]
    else:
        assert not stored(db, week).empty


def test_no_complete_week_yet_stores_nothing_says_which_week_to_ask_for_and_does_not_fail(tmp_path, capsys):
    # after a first load of a few days the default (the last complete week) precedes the data:
    # a new client's nightly job (load, then snapshot) failed its first nights (a review)
    db = load_rows(tmp_path, [msg("c1", "u1", 0), msg("c2", "u2", 60)])  # Monday of 2024-W02
    assert cli.main(["snapshot", "--db", str(db)]) == 0
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("etl: snapshot: nothing stored: no complete week in the data yet (the data runs from "
                          "2024-01-08")
    with warehouse.connect_readonly(db) as con:
        assert not snapshot.has_stored_weeks(con)
    assert err.endswith("--week 2024-W02 stores the week still running\n") and "--week 2024-W01" not in err
    assert cli.main(["snapshot", "--db", str(db), "--week", "2024-W02"]) == 0


def test_a_nightly_snapshot_of_a_warehouse_with_no_mention_yet_stores_nothing_and_does_not_fail(tmp_path, capsys):
    """A first night whose export held no record: the job failed with 'the database has no
    mentions; load data first' (exit 1), where one of a few days' data exits 0; a --week asked for
    is still an error."""
    from support import CANONICAL_HEADER
    empty = tmp_path / "empty.csv"
    empty.write_text(CANONICAL_HEADER + "\n")
    db = tmp_path / "w.duckdb"
    assert cli.main(["load", "csv", str(empty), "--db", str(db), "--quiet"]) == 0
    capsys.readouterr()
    assert cli.main(["snapshot", "--db", str(db)]) == 0
    assert capsys.readouterr() == ("", "etl: snapshot: nothing stored: the database has no mentions yet (`python -m "
                                       "etl loads` lists what each load read, loaded and quarantined)\n")
    with warehouse.connect_readonly(db) as con:
        assert not con.execute("SELECT count(*) FROM information_schema.tables "
                               "WHERE table_name = 'weekly_snapshots'").fetchall()[0][0]
    assert cli.main(["snapshot", "--db", str(db), "--week", "2024-W02"]) == 1


@pytest.mark.parametrize("week", ["0001-W01", "9999-W52", "1989-W52"])
def test_a_week_out_of_range_is_a_one_line_error(tmp_path, capsys, week):
    db = load_rows(tmp_path, two_weeks())
    assert cli.main(["snapshot", "--db", str(db), "--week", week]) == 2
    err = capsys.readouterr().err
    assert err == f"etl: --week {week!r}: the year must be 1990 to 9998\n"


def test_ghost_town_command_has_the_fixed_columns(tmp_path, capsys):
    db = load_rows(tmp_path, two_weeks())
    code = cli.main(["metrics", "ghost-town", "--db", str(db), "--by", "brand,platform",
                     "--requests", "all", "--as-of", "2024-01-10T00:00:00+00:00"])
    assert code == 0
    header, first = list(csv.reader(io.StringIO(capsys.readouterr().out)))[:2]
    assert header[:14] == [
        "brand", "platform", "requests", "answered", "ignored", "pending", "ghost_town_rate",
        "ghost_town_ci_low", "ghost_town_ci_high", "sla_rate", "median_response_minutes",
        "km_median_minutes", "p_answered_1h", "deflection_rate"]
    # As of Wednesday 00:00: p1, p2, c1, c2 exist; p2 is ignored, c2 still pending.
    assert first[:6] == ["Acme", "twitter", "4", "2", "1", "1"]


@pytest.mark.parametrize("command, option, value", [
    (["metrics", "ghost-town"], "--sla", "nan"), (["metrics", "ghost-town"], "--sla", "-1"),
    (["metrics", "ghost-town"], "--horizon", "nan"), (["metrics", "ghost-town"], "--horizon", "inf"),
    (["metrics", "coverage", "--brand", "Acme"], "--horizon", "nan"), (["snapshot"], "--horizon", "inf"),
    (["audit", "--brand", "Acme", "--out", "/nonexistent-folder/never-written.html"], "--sla", "nan"),
    (["audit", "--brand", "Acme", "--out", "/nonexistent-folder/never-written.html"], "--horizon", "inf"),
])
def test_a_horizon_or_sla_that_is_not_a_positive_number_is_a_one_line_error(tmp_path, capsys, command, option,
                                                                            value):
    db = load_rows(tmp_path, two_weeks())
    assert cli.main([*command, "--db", str(db), option, value]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1 and f"{option} {float(value)}: must be a positive number" in captured.err


@pytest.mark.parametrize("command", ["metrics", "audit"])
def test_an_sla_longer_than_the_horizon_is_a_one_line_error(tmp_path, capsys, command):
    # A response after H leaves its request ignored: an SLA of 120 min under H = 1 h would
    # count responses within 60 min under a column saying 120.
    db = load_rows(tmp_path, two_weeks())
    args = {"metrics": ["metrics", "ghost-town"],
            "audit": ["audit", "--brand", "Acme", "--out", str(tmp_path / "report.html")]}[command]
    assert cli.main([*args, "--db", str(db), "--horizon", "1", "--sla", "120"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1 and "longer than --horizon 1 h" in captured.err
    assert cli.main([*args, "--db", str(db), "--horizon", "2", "--sla", "120"]) == 0  # as long: fine
    capsys.readouterr()
    # no --sla: the default 60 min, or H when shorter (as the dashboard takes it), not a refusal
    assert cli.main([*args, "--db", str(db), "--horizon", "0.5"]) == 0
    if command == "metrics":
        out = capsys.readouterr().out.splitlines()
        assert dict(zip(out[0].split(","), out[1].split(",")))["sla_minutes"] == "30.0"


_VOLUME_PER_MENTION = """
    SELECT m.brand, count(*) AS mentions,
           count(s.is_complaint) AS scored, count(*) FILTER (WHERE s.is_complaint) AS complaints,
           count(*) FILTER (WHERE s.sentiment_label = 'positive') AS positive,
           count(*) FILTER (WHERE s.sentiment_label = 'negative') AS negative,
           count(*) FILTER (WHERE s.is_complaint) / nullif(count(s.is_complaint), 0) AS complaint_share,
           (count(*) FILTER (WHERE s.sentiment_label = 'positive')
            - count(*) FILTER (WHERE s.sentiment_label = 'negative'))
           / nullif(count(*) FILTER (WHERE s.sentiment_label IN ('positive', 'negative')), 0) AS net_sentiment
    FROM mentions m LEFT JOIN mention_scores s USING (mention_id)
    WHERE NOT m.is_brand AND m.brand IS NOT NULL AND m.created_at >= ? AND m.created_at <= ?
    GROUP BY m.brand ORDER BY m.brand"""


@pytest.mark.parametrize("week", ["2024-W01", "2024-W02", "2024-W03"])
def test_volume_from_quarter_hours_is_the_volume_of_the_weeks_mentions(tmp_path, week):
    # The snapshot adds up dash_mention_slots; it must give what counting the week's mentions
    # gives: a closed week to its end, the open one (W03) to the newest mention, and a
    # mention with no score left out of the complaint share only.
    rows = [*two_weeks(), msg("n2", "u8", 7 * DAY + 61, text="thanks, all sorted, great service"),
            msg("n3", "u9", 7 * DAY + 62, brand="Bolt"), msg("w1", "v1", -5 * DAY, brand="Bolt"),
            msg("n4", "u10", 7 * DAY + 6 * 60)]  # the newest, on a quarter hour: the open week's as_of
    db = load_rows(tmp_path, rows)
    with warehouse.writer(db) as con:  # a mention the scorer has not reached
        con.execute("DELETE FROM mention_scores WHERE mention_id IN ('twitter:c2', 'twitter:n3')")
        models.build_models(con)
    frame = snapshot.materialise(db, week)
    start, as_of = frame["week_start"].iloc[0], frame["as_of"].iloc[0]
    with warehouse.connect_readonly(db) as con:
        expected = con.execute(_VOLUME_PER_MENTION, [start.to_pydatetime(), as_of.to_pydatetime()]).fetchall()
    got = frame[frame["mentions"] > 0].sort_values("brand")
    assert expected, "the week holds customer mentions"
    assert [row[:6] for row in expected] == list(zip(got["brand"], got["mentions"], *(got[c] for c in VOLUME_COUNTS)))
    for (*_, share, sentiment), got_share, got_sentiment in zip(expected, got["complaint_share"], got["net_sentiment"]):
        assert got_share == pytest.approx(share, nan_ok=True) if share is not None else got_share != got_share
        assert got_sentiment == pytest.approx(sentiment, nan_ok=True) if sentiment is not None else got_sentiment != got_sentiment


# snapshot.RATE_COUNTS that _volume adds up (the others are the care metrics'), in
# _VOLUME_PER_MENTION's order
VOLUME_COUNTS = ("scored", "complaints", "positive", "negative")


def test_a_week_keeps_the_deflections_and_scored_responses_its_deflection_rate_is_of(tmp_path):
    db = load_ignored_and_deflected(tmp_path)
    row = snapshot.materialise(db, "2024-W02").set_index("brand").loc["Acme"]
    assert (row["deflections"], row["scored_responses"], row["deflection_rate"]) == (1, 1, 1.0)


WEEK_END = T0.replace(hour=0) + timedelta(days=7)  # 2024-W02 ends Monday 2024-01-15 00:00 UTC


def test_net_sentiment_of_a_week_is_over_its_positive_and_negative_mentions(tmp_path):
    db = load_rows(tmp_path, [msg(f"m{i}", f"u{i}", i) for i in range(4)] + [msg("n1", "u9", 8 * DAY)])
    set_scores(db, {"m0": {"label": "positive"}, "m1": {"label": "positive"},
                    "m2": {"label": "negative"}, "m3": {"label": "neutral"}})
    row = snapshot.materialise(db, "2024-W02").set_index("brand").loc["Acme"]
    assert row["mentions"] == 4
    assert row["net_sentiment"] == pytest.approx((2 - 1) / (2 + 1))


def test_a_mention_at_the_next_weeks_first_instant_closes_the_week_and_is_not_in_it(tmp_path):
    db = load_rows(tmp_path, [msg("c1", "u1", 0), msg("n1", "u2", 0, when=WEEK_END)])
    row = snapshot.materialise(db, "2024-W02").set_index("brand").loc["Acme"]
    assert bool(row["closed"])
    assert (row["mentions"], row["requests"]) == (1, 1)


def test_top_risks_are_the_most_followed_open_complaints(tmp_path):
    rows = [msg(f"c{f}", f"u{f}", 60 + f, followers=f) for f in (10, 40, 20, 30)]
    db = load_rows(tmp_path, rows + [msg("n1", "u9", 8 * DAY)])
    row = snapshot.materialise(db, "2024-W02").set_index("brand").loc["Acme"]
    risks = json.loads(row["top_risks"])
    assert [r["followers"] for r in risks] == [40, 30, 20]


def test_top_risks_of_unknown_followers_come_after_known_ones_and_the_earliest_first(tmp_path):
    # a Facebook page gives no follower counts: the definition names the order (a review found
    # it unstated)
    rows = [msg(f"c{m}", f"u{m}", 60 + m) for m in (30, 10, 40, 20)] + [msg("k", "uk", 90, followers=0)]
    db = load_rows(tmp_path, rows + [msg("n1", "u9", 8 * DAY)])
    row = snapshot.materialise(db, "2024-W02").set_index("brand").loc["Acme"]
    assert [r["request_id"] for r in json.loads(row["top_risks"])] == ["twitter:k", "twitter:c10", "twitter:c20"]


def test_top_risks_level_on_followers_and_time_go_by_request_id(tmp_path):
    """The order's last keys: equal followers, the earliest first; equal times too, the request
    id (the ranking takes each brand's first TOP_RISKS by one key, complaints and unknown
    followers included, not a sort of every request)."""
    rows = [msg("c3", "u3", 60, followers=5), msg("c2", "u2", 60, followers=5), msg("c1", "u1", 61, followers=5),
            msg("k", "uk", 10), msg("n1", "u9", 8 * DAY)]
    db = load_rows(tmp_path, rows)
    row = snapshot.materialise(db, "2024-W02").set_index("brand").loc["Acme"]
    assert [r["request_id"] for r in json.loads(row["top_risks"])] == ["twitter:c2", "twitter:c3", "twitter:c1"]


def test_a_top_risk_names_the_message_that_complains_if_it_did_by_the_weeks_end(tmp_path):
    # q1 asks, q2 (its run) complains; c1 complains at once; r1 asks on Sunday night and r2
    # complains the next week: as of the week's end, r1 is no complaint, so nothing to name.
    db = load_rows(tmp_path, [msg("q1", "u1", 60, followers=30), msg("q2", "u1", 65, parent="q1"),
                              msg("c1", "u2", 60, followers=20),
                              msg("r1", "u3", 6 * DAY + 14 * 60, followers=10),
                              msg("r2", "u3", 7 * DAY + 60, parent="r1"), msg("n1", "u9", 8 * DAY)])
    complaint = {"complaint": True, "needs_reply": True, "label": "negative"}
    set_scores(db, {"q1": {"question": True, "needs_reply": True}, "q2": complaint, "c1": complaint,
                    "r1": {"question": True, "needs_reply": True}, "r2": complaint})
    row = snapshot.materialise(db, "2024-W02").set_index("brand").loc["Acme"]
    risks = [(r["request_id"], r["is_complaint"], r["complaint_id"]) for r in json.loads(row["top_risks"])]
    assert risks == [("twitter:q1", True, "twitter:q2"), ("twitter:c1", True, "twitter:c1"),
                     ("twitter:r1", False, None)]


def test_a_top_risk_exactly_the_horizon_old_at_the_weeks_end_is_ignored(tmp_path):
    # As of the week's last microsecond a request made 72 h and 1 s before the end has
    # crossed 72 h of whole seconds: ignored, as the ghost-town rate counts it.
    db = load_rows(tmp_path, [msg("c1", "u1", 0, when=WEEK_END - timedelta(hours=72, seconds=1)),
                              msg("n1", "u2", 8 * DAY)])
    row = snapshot.materialise(db, "2024-W02").set_index("brand").loc["Acme"]
    assert (row["ignored"], row["pending"]) == (1, 0)
    assert [r["status"] for r in json.loads(row["top_risks"])] == ["ignored"]


def test_a_weeks_deleted_comments_leave_out_the_brands_own_posts(tmp_path):
    db = load_with_deletions(tmp_path)  # c1, c2 and Acme's post b1 vanished, all in 2024-W02
    row = snapshot.materialise(db, "2024-W02").set_index("brand").loc["Acme"]
    assert row["deleted_comments"] == 2


def test_a_weeks_deleted_comments_count_those_a_later_months_export_found(tmp_path):
    # exports often come monthly: a comment of 2024-W02 found missing only by an export
    # running into W03 still counts for W02 (the definitions say so), unlike the audit as of W02
    first = [msg("c1", "u1", 0), msg("c2", "u2", 10), msg("w3", "u3", 8 * DAY)]
    db = load_rows(tmp_path, first, name="export1.csv", complete_export=True)
    load_rows(tmp_path, [first[0], first[2]], name="export2.csv", db=db, complete_export=True)
    row = snapshot.materialise(db, "2024-W02").set_index("brand").loc["Acme"]
    assert row["deleted_comments"] == 1


def test_a_week_no_two_complete_exports_cover_stores_its_deleted_comments_as_not_checked(tmp_path):
    # W01's comments are in two complete exports of @Acme (none deleted: 0, checked); W02's only in
    # a plain load, so no deletion of them could be found: NULL, not 0 (read as none deleted, a
    # review), and no change from W01's 0 (it compared a checked week with an unchecked one)
    w01 = [msg("p1", "u1", -7 * DAY), msg("p2", "u2", -7 * DAY + 5)]
    db = load_rows(tmp_path, w01, name="export1.csv", complete_export=True)
    load_rows(tmp_path, w01 + [msg("p3", "u3", -7 * DAY + 8)], name="export2.csv", db=db, complete_export=True)
    load_rows(tmp_path, [msg("c1", "u4", 0), msg("n1", "u5", 7 * DAY + 60)], name="later.csv", db=db)
    row = snapshot.materialise(db, "2024-W02").set_index("brand").loc["Acme"]
    assert pd.isna(row["deleted_comments"]) and pd.isna(row["deleted_comments_wow"])
    assert stored(db, "2024-W01").set_index("brand").loc["Acme", "deleted_comments"] == 0
    assert pd.isna(stored(db, "2024-W02").set_index("brand").loc["Acme", "deleted_comments"])


def test_a_table_made_when_deleted_comments_could_not_be_null_stores_them_not_checked(tmp_path):
    db = load_rows(tmp_path, two_weeks())  # no complete export: not checked
    older = snapshot.TABLE_SQL.replace("deleted_comments       BIGINT,", "deleted_comments BIGINT NOT NULL,")
    assert older != snapshot.TABLE_SQL
    with warehouse.writer(db) as con:
        con.execute(older)
    assert snapshot.materialise(db, "2024-W02")["deleted_comments"].isna().all()


def test_a_snapshot_rebuilds_derived_tables_an_older_version_made(tmp_path):
    # `metrics` and `audit` rebuilt them first; `snapshot` only checked that they existed and
    # failed with DuckDB's "Binder Error" on a table of an older shape (a docs review)
    db = load_with_deletions(tmp_path)
    with warehouse.writer(db) as con:
        con.execute("CREATE OR REPLACE TABLE deleted_mentions AS SELECT * EXCLUDE (is_brand) FROM deleted_mentions")
        con.execute("COMMENT ON TABLE deleted_mentions IS 'older'")
    row = snapshot.materialise(db, "2024-W02").set_index("brand").loc["Acme"]
    assert row["deleted_comments"] == 2
    with warehouse.connect_readonly(db) as con:
        assert not models.stale(con)


def test_a_mention_at_the_weeks_first_instant_is_of_that_week(tmp_path):
    # Monday 00:00 UTC begins the ISO week: its quarter hour counts (a mutation review found
    # '>' in place of '>=' lost it unseen)
    week_start = T0.replace(hour=0)
    db = load_rows(tmp_path, [msg("c0", "u0", 0, when=week_start), msg("c1", "u1", 0), msg("n1", "u2", 8 * DAY)])
    row = snapshot.materialise(db, "2024-W02").set_index("brand").loc["Acme"]
    assert (row["mentions"], row["requests"]) == (2, 2)


def test_the_kpi_table_shows_rate_changes_in_points(tmp_path):
    from app import weekly_cards
    # 2024-W01 answers two of three (ghost-town rate 1/3), 2024-W02 one of two (1/2)
    db = load_rows(tmp_path, two_weeks() + [msg("p3", "u8", -7 * DAY + 10),
                                            brand_msg("pb3", -7 * DAY + 40, parent="p3")])
    frame = snapshot.materialise(db, "2024-W02")
    row = frame.set_index("brand").loc["Acme"]
    previous = stored(db, "2024-W01").set_index("brand").loc["Acme"]
    table = weekly_cards.kpi_table(frame).set_index("brand").loc["Acme"]
    assert (previous["ghost_town_rate"], row["ghost_town_rate"]) == pytest.approx((1 / 3, 1 / 2))
    # in points, to the one decimal the grid shows (+16.7 pts)
    assert table["ghost_town_rate_wow"] == pytest.approx(100 * (row["ghost_town_rate"] - previous["ghost_town_rate"]),
                                                         abs=0.05)
    assert table["mentions_wow"] == row["mentions"] - previous["mentions"]


def test_deltas_compare_weeks_at_the_same_horizon(tmp_path, capsys):
    # W01 at 72 h: p1 answered in 20 min, p2 ignored (50%). At a 15-minute horizon every
    # request of both weeks is ignored (100%): the change of week is 0, not +50 pts.
    from app import weekly
    db = load_rows(tmp_path, two_weeks())
    snapshot.materialise(db, "2024-W01")  # stored closed at 72 h, final
    with warehouse.connect_readonly(db) as con:
        shown = weekly.compute_readonly(con, "2024-W02", 0.25).set_index("brand").loc["Acme"]
    row = snapshot.materialise(db, "2024-W02", horizon_hours=0.25).set_index("brand").loc["Acme"]
    for found in (shown, row):
        assert found["ghost_town_rate"] == pytest.approx(1.0)
        assert found["ghost_town_rate_wow"] == pytest.approx(0.0)
        assert found["mentions_wow"] == 4 - 2
    assert stored(db, "2024-W01")["horizon_hours"].tolist() == [72.0]
    capsys.readouterr()
    assert cli.main(["snapshot", "--week", "2024-W01", "--horizon", "24", "--db", str(db)]) == 0
    assert "stored closed with horizon H = 72 h" in capsys.readouterr().err


def test_the_command_says_when_the_data_covers_a_week_in_part_or_not_at_all(tmp_path, capsys):
    # airline: 2015-W08 printed '(closed)' and nothing else where the Weekly page says the data
    # covers 5.7 of its 7 days; twcs' 2011-W35, long past and empty, read '(still open)'
    from datetime import datetime, timezone
    wednesday = datetime(2024, 1, 10, 12, tzinfo=timezone.utc)  # 2024-W02
    rows = [msg("r1", "u1", 0, when=wednesday), brand_msg("b1", 0, parent="r1", when=wednesday + timedelta(minutes=9)),
            msg("r2", "u2", 0, when=wednesday + timedelta(days=8))]
    db = load_rows(tmp_path, rows)
    capsys.readouterr()
    assert cli.main(["snapshot", "--db", str(db), "--week", "2024-W02"]) == 0
    err = capsys.readouterr().err
    assert "etl: snapshot 2024-W02: 1 brands (closed)" in err
    assert ("etl: snapshot 2024-W02: the data (Wed 10 Jan 2024 12:00 to Thu 18 Jan 2024 12:00 UTC) covers only "
            "4.5 of this week's 7 days") in err
    rows += [msg("r0", "u0", 0, when=wednesday - timedelta(days=30))]  # 2023-W49; 2023-W50 is empty
    db = load_rows(tmp_path, rows, db=tmp_path / "again.duckdb")
    capsys.readouterr()
    assert cli.main(["snapshot", "--db", str(db), "--week", "2023-W51"]) == 0
    assert "etl: snapshot 2023-W51: 0 brands (no mention that week)" in capsys.readouterr().err


def test_the_command_names_the_default_week_it_found_empty(tmp_path, capsys):
    # data on 2 and 16 July 2025: the last complete week, 2025-W28, has no mention, and the command
    # said 'snapshot the last complete week: 0 brands' without naming it
    from datetime import datetime, timezone
    first = datetime(2025, 7, 2, 10, tzinfo=timezone.utc)
    db = load_rows(tmp_path, [msg("r1", "u1", 0, when=first), msg("r2", "u2", 0, when=first + timedelta(days=14))])
    capsys.readouterr()
    assert cli.main(["snapshot", "--db", str(db)]) == 0
    assert "etl: snapshot 2025-W28: 0 brands (no mention that week)" in capsys.readouterr().err


@pytest.mark.parametrize("asked", ["2024-W01", "2024-W02"])
def test_a_week_an_older_version_stored_closed_keeps_its_horizon_when_stored_again(tmp_path, asked):
    # W01 stored closed at 72 h under older metric definitions: storing it again (asked for
    # itself, or as the week before W02) at --horizon 0.25 restated it at 15 minutes, so the
    # week an executive had read at 72 h changed its horizon and its figures
    db = load_rows(tmp_path, two_weeks())
    snapshot.materialise(db, "2024-W01")  # closed, at 72 h
    with warehouse.connect_readonly(db) as con:
        at_72 = snapshot.compute_week(con, snapshot.parse_week("2024-W01"), 72.0)
    with warehouse.writer(db) as con:
        con.execute("UPDATE weekly_snapshots SET metric_version = 'care-metrics/5'")
    snapshot.materialise(db, asked, horizon_hours=0.25)
    row = stored(db, "2024-W01").iloc[0]
    assert row["metric_version"] == snapshot.METRIC_VERSION and row["horizon_hours"] == 72.0
    assert row["ghost_town_rate"] == pytest.approx(at_72["ghost_town_rate"].iloc[0]) == pytest.approx(0.5)


def _late_brand_rows():
    """Bolt's mentions of 2024-W01 (two) and 2024-W02 (three), in an export that arrives after
    both weeks were stored with Acme's alone."""
    return [msg("x1", "v1", -7 * DAY + 1, brand="Bolt"), msg("x2", "v2", -7 * DAY + 2, brand="Bolt"),
            msg("y1", "w1", 60, brand="Bolt"), msg("y2", "w2", DAY, brand="Bolt"),
            msg("y3", "w3", 2 * DAY, brand="Bolt")]


@pytest.mark.parametrize("then_stored", ["2024-W02", "2024-W03"])
def test_a_brand_whose_data_arrives_after_its_week_was_stored_gets_its_row(tmp_path, then_stored):
    # a review: W45 was stored with the 3 brands of that night's export, and a brand whose
    # export came later (monthly Facebook pulls) never got into the week
    db = load_rows(tmp_path, two_weeks())
    first = snapshot.materialise(db, "2024-W02")
    assert first["brand"].tolist() == ["Acme"] and first["closed"].all()
    load_rows(tmp_path, _late_brand_rows(), name="late.csv", db=db)
    snapshot.materialise(db, then_stored)  # the week again, or a later one
    week = stored(db, "2024-W02").set_index("brand")
    assert week.index.tolist() == ["Acme", "Bolt"]
    # the row an executive read stays as it was
    pd.testing.assert_series_equal(week.loc["Acme"], first.set_index("brand").loc["Acme", week.columns])
    bolt = week.loc["Bolt"]
    assert bool(bolt["closed"]) and bolt["as_of"] == first["as_of"].iloc[0]
    assert (bolt["mentions"], bolt["requests"], bolt["horizon_hours"]) == (3, 3, 72.0)
    # its changes are from its own week before (stored late too, first), not from nothing
    assert stored(db, "2024-W01").set_index("brand").loc["Bolt", "mentions"] == 2
    assert (bolt["mentions_wow"], bolt["requests_wow"], bolt["requests_before"]) == (1, 1, 2)
    assert bolt["computed_at"] > week.loc["Acme", "computed_at"]


def test_the_snapshot_command_names_the_brands_added_to_a_stored_week(tmp_path, capsys):
    db = load_rows(tmp_path, two_weeks())
    assert cli.main(["snapshot", "--db", str(db), "--week", "2024-W02"]) == 0
    assert "added after" not in capsys.readouterr().err
    load_rows(tmp_path, _late_brand_rows(), name="late.csv", db=db)
    assert cli.main(["snapshot", "--db", str(db), "--week", "2024-W02"]) == 0
    err = capsys.readouterr().err
    assert "etl: snapshot 2024-W02: 2 brands (closed)" in err
    assert "etl: snapshot 2024-W02: added after the week was stored, when their data arrived: Bolt\n" in err


def test_the_snapshot_command_says_when_a_newer_export_changed_a_stored_weeks_data(tmp_path, capsys):
    # a newer export of the same history links Acme's reply b2 to c2: the stored week prints as
    # stored (ignored 1 of 2 decided), and the command said nothing of the data now giving 0 of 2
    nightly = two_weeks() + [brand_msg("b2", DAY + 30)]
    db = load_rows(tmp_path, nightly)
    assert cli.main(["snapshot", "--db", str(db), "--week", "2024-W02"]) == 0
    assert "changed since" not in capsys.readouterr().err  # stored just now: nothing to compare
    load_rows(tmp_path, [brand_msg("b2", DAY + 30, parent="c2")], name="newer_export.csv", db=db)
    assert cli.main(["snapshot", "--db", str(db), "--week", "2024-W02"]) == 0
    err = capsys.readouterr().err
    assert ("etl: snapshot 2024-W02: printed as stored; the data of this week has changed since, computed now: "
            "Acme: ghost_town_rate 0.5 -> 0, sla_rate 0.5 -> 1") in err
    assert stored(db, "2024-W02")["ghost_town_rate"].tolist() == [0.5]


def test_a_week_computed_after_a_late_brand_takes_its_changes_from_the_brands_week_before(tmp_path):
    # the Weekly page computes an unstored week read-only against the stored week before; a brand
    # missing from that week's rows (its export came later) read as having had none: its whole
    # count as growth, and no counts to weigh its rates' changes against chance
    db = load_rows(tmp_path, two_weeks())
    snapshot.materialise(db, "2024-W02")  # Acme's alone
    load_rows(tmp_path, [*_late_brand_rows(), msg("z1", "w4", 7 * DAY + 30, brand="Bolt"),
                         brand_msg("zb", 7 * DAY + 35, parent="z1", brand="Bolt")], name="late.csv", db=db)
    with warehouse.connect_readonly(db) as con:
        bolt = snapshot.compute_week(con, snapshot.parse_week("2024-W03")).set_index("brand").loc["Bolt"]
    assert (bolt["mentions"], bolt["mentions_wow"], bolt["requests_wow"]) == (1, 1 - 3, 1 - 3)
    assert (bolt["requests_before"], bolt["answered_before"], bolt["ignored_before"]) == (3, 0, 3)
