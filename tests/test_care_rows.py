"""The care rows the Overview and Ghost Town pages aggregate: fetched as grouping codes and
decoded, they are the requests with their brand, page, platform and week as strings."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import pyarrow as pa
import pytest

from app import care
from app.filters import Filters
from etl import metrics, models, warehouse
from care_fixtures import THANKS, at, brand_msg, load_rows, load_with_deletions, msg, requests_by_id


@pytest.mark.parametrize("codes, values, want", [
    ([2, 0, -1, 2], ["a", "b", "c"], ["c", "a", None, "c"]),  # b unused, one missing
    ([1, 0], ["b", "a"], ["a", "b"]),                          # values out of order
    ([-1, -1], ["a"], [None, None]),
])
def test_codes_become_a_categorical_of_the_values_present(codes, values, want):
    chunks = [pa.array(codes[:1], pa.int32()), pa.array(codes[1:], pa.int32())]  # as DuckDB may send them
    got = care._present_categorical(pa.chunked_array(chunks), values)
    expected = pd.Categorical(want, categories=sorted({w for w in want if w is not None}))
    assert list(got.categories) == list(expected.categories)
    assert got.equals(expected)


@pytest.mark.parametrize("filters", [Filters(), Filters(platforms=("twitter",)), Filters(tz="Asia/Kolkata")])
def test_request_rows_carry_each_requests_groups(dashboard_db, filters):
    with warehouse.connect_readonly(dashboard_db) as con:
        rows = care._fetch_rows(con, filters, 72.0)
        chosen = care.scope.uncached(con, filters)
        params = care._params(filters, chosen) | {"tz": filters.tz}
        want = con.execute("""
            SELECT brand, page, platform, strftime(timezone($tz, requested_at), '%G-W%V') AS week,
                   hour_of_week, requested_at
            FROM dash_care_requests
            WHERE requested_at <= $as_of AND ($mode = 'all' OR needs_reply_at <= $as_of)
              AND (len($platforms) = 0 OR list_contains($platforms, platform))
            ORDER BY requested_at""", {k: params[k] for k in ("as_of", "mode", "platforms", "tz")}).df()
    assert rows["request_count"].sum() == len(want) > 100
    assert len(rows) < len(want)  # old unanswered requests come collapsed
    for column in ("brand", "page", "platform", "week"):
        assert isinstance(rows[column].dtype, pd.CategoricalDtype)
        assert list(rows[column].cat.categories) == sorted(want[column].dropna().unique())
    # the same multiset of (brand, page, platform, week, hour) combinations
    columns = ["brand", "page", "platform", "week", "hour_of_week"]
    ours = rows.astype({c: object for c in columns[:4]}).groupby(columns, dropna=False)["request_count"].sum()
    theirs = want[columns].astype(object).value_counts(dropna=False)
    pd.testing.assert_series_equal(ours.sort_index(), theirs.sort_index(), check_names=False)


def _rows(db, filters: Filters, horizon_hours: float) -> pd.DataFrame:
    """The request rows for this horizon; infinite: every request a row of its own."""
    with warehouse.connect_readonly(db) as con:
        return care._fetch_rows(con, filters, horizon_hours)


def _answer_one_late(db) -> float:
    """Answer an old request late, the response time falling between the ages of two
    unanswered requests that collapse together (one brand, page, platform, week, hour of
    week and complaint flag): a collapse that ignored it would count both censored at the
    younger's age, one of them before the response. Returns the response time (minutes)."""
    with warehouse.writer(db) as con:
        brand, older, younger, as_of = con.execute("""
            WITH newest AS (SELECT max(created_at) AS as_of FROM mentions)
            SELECT brand, min(requested_at), max(requested_at), any_value(as_of)
            FROM dash_care_requests, newest
            WHERE first_response_at IS NULL AND needs_reply_at IS NOT NULL
              AND requested_at < as_of - INTERVAL 21 DAY
            GROUP BY brand, page, platform, strftime(requested_at, '%G-W%V'), hour_of_week, complaint_at IS NOT NULL
            HAVING min(requested_at) < max(requested_at)
            ORDER BY 2 DESC LIMIT 1""").fetchall()[0]
        minutes = ((as_of - older) + (as_of - younger)).total_seconds() / 120.0
        [(request_id,)] = con.execute("""
            SELECT request_id FROM dash_care_requests
            WHERE brand = ? AND first_response_at IS NULL AND needs_reply_at IS NOT NULL
              AND requested_at < ? - to_microseconds(CAST(? * 60e6 AS BIGINT)) AND requested_at NOT IN (?, ?)
            ORDER BY requested_at, request_id LIMIT 1""", [brand, as_of, minutes, older, younger]).fetchall()
        for mart in ("dash_care_requests", "care_requests"):  # the dashboard's and etl.metrics'
            con.execute(f"""
                UPDATE {mart}
                SET first_response_at = requested_at + to_microseconds(CAST(? * 60e6 AS BIGINT)), response_minutes = ?
                WHERE request_id = ?""", [minutes, minutes, request_id])
        con.execute("UPDATE dash_care_requests SET backlog_hour_at = NULL WHERE request_id = ?", [request_id])
        models.build_model(con, models.load_models()["dash_care_backlog"])  # answered: out of the backlog
    return minutes


@pytest.mark.parametrize("late", [False, True])
@pytest.mark.parametrize("horizon_hours", [1.0, 72.0, 24.0 * 20])
@pytest.mark.parametrize("filters", [Filters(), Filters(platforms=("facebook",))])
def test_collapsed_requests_give_the_care_metrics_of_single_ones(fresh_db, filters, horizon_hours, late):
    # Old unanswered requests collapse into counts; every care metric, Kaplan-Meier
    # included, and its curves must be what the requests one by one give. A late response
    # (over 21 days) moves where collapsing starts beyond each horizon.
    from etl import metrics
    late_minutes = _answer_one_late(fresh_db) if late else None
    collapsed, single = _rows(fresh_db, filters, horizon_hours), _rows(fresh_db, filters, float("inf"))
    assert (single["request_count"] == 1).all() and len(collapsed) < len(single)
    if late and filters == Filters():
        assert single["response_minutes"].max() == pytest.approx(late_minutes)
    assert collapsed["request_count"].sum() == len(single)
    comments = pd.DataFrame(columns=["brand", "page", "platform", "reply_minutes"])
    for by in ([], ["brand"], ["page"], ["platform", "week"], ["hour_of_week"]):
        ours, theirs = (metrics.summarise(rows, comments, by, horizon_hours, "needs-reply", 60.0, None)
                        for rows in (collapsed, single))
        pd.testing.assert_frame_equal(ours, theirs, check_exact=False, rtol=1e-12)
        assert ours["ignored"].sum() > 0 and ours["answered"].sum() > 0
    for group in ("brand", "platform"):
        # each ends flat at its last follow-up up to H: the collapsed requests' own ages are not kept
        pd.testing.assert_frame_equal(care.kaplan_meier_curve(collapsed, group, horizon_minutes=horizon_hours * 60),
                                      care.kaplan_meier_curve(single, group, horizon_minutes=horizon_hours * 60),
                                      check_exact=False, rtol=1e-12)


@pytest.mark.parametrize("late", [False, True])
@pytest.mark.parametrize("horizon_hours", [1.0, 72.0, 24.0 * 20])
def test_etl_metrics_counts_collapsed_requests_as_single_ones(fresh_db, horizon_hours, late):
    # etl.metrics.ghost_town (the CLI, the weekly snapshot) collapses the same requests per
    # by-group: its figures must be those of the requests one by one.
    from etl import metrics
    if late:
        _answer_one_late(fresh_db)
    with warehouse.connect_readonly(fresh_db) as con:
        moment = metrics.resolve_as_of(con, None)
        params = {"as_of": moment, "mode": "needs-reply", "brand": None, "page": None, "since": None}
        for by in ([], ["brand"], ["page", "week"], ["hour_of_week"]):
            ours = metrics.ghost_town(con, by, horizon_hours=horizon_hours)
            single = metrics._fetch(con, metrics._REQUESTS_SQL, by, {**params, "horizon_minutes": float("inf")})
            collapsed = metrics._fetch(con, metrics._REQUESTS_SQL, by,
                                       {**params, "horizon_minutes": horizon_hours * 60})
            assert (single["request_count"] == 1).all() and len(collapsed) < len(single)
            comments = metrics._fetch(con, metrics._COMMENTS_SQL, by, params)
            theirs = metrics.summarise(single, comments, by, horizon_hours, "needs-reply", 60.0, moment,
                                       complaints=True)
            pd.testing.assert_frame_equal(ours, theirs, check_exact=False, rtol=1e-12)


def _collapse(single: pd.DataFrame, horizon_hours: float) -> pd.DataFrame:
    """The rule of care_requests_scope.sql applied to the requests one by one: unanswered
    ones at least as old as the horizon and every response, counted per groups and flag."""
    responses = single["response_minutes"].dropna()
    threshold = max(horizon_hours * 60.0, responses.max() if len(responses) else 0.0)
    old = single["response_minutes"].isna() & (single["age_minutes"] >= threshold)
    keys = ["brand", "page", "platform", "week", "hour_of_week", "is_complaint"]
    counted = (single[old].groupby(keys, dropna=False, observed=True)
               .agg(age_minutes=("age_minutes", "min"), request_count=("request_count", "sum"))
               .reset_index())
    return pd.concat([single[~old], counted], ignore_index=True)


def _sorted(rows: pd.DataFrame) -> pd.DataFrame:
    plain = care._plain_keys(rows.copy())[list(care.ROW_COLUMNS)]
    plain = plain.astype({"request_count": "int64", "hour_of_week": "int64"})
    return plain.sort_values(list(care.ROW_COLUMNS), na_position="first").reset_index(drop=True)


def _window(db, start_days: int | None, end_days: int | None) -> tuple:
    with warehouse.connect_readonly(db) as con:
        first, last = con.execute("SELECT min(requested_at)::DATE, max(requested_at)::DATE "
                                  "FROM dash_care_requests").fetchall()[0]
    return (first + timedelta(days=start_days) if start_days is not None else first,
            last - timedelta(days=end_days) if end_days is not None else last)


@pytest.mark.parametrize("horizon_hours", [1.0, 72.0, 24.0 * 20])
@pytest.mark.parametrize("platforms, start_days, end_days, tz", [
    ((), None, None, "UTC"),
    (("facebook",), None, None, "UTC"),
    ((), 30, None, "Asia/Kolkata"),   # from a day starting on the half hour (UTC)
    ((), 20, 40, "America/New_York"),  # as of 40 days before the last request
])
def test_rows_from_the_backlog_are_the_requests_collapsed(dashboard_db, horizon_hours, platforms,
                                                          start_days, end_days, tz):
    # Whole hours of old unanswered requests come counted from dash_care_backlog; the rows
    # must be those the requests one by one (an infinite horizon collapses none) give.
    start, end = _window(dashboard_db, start_days, end_days)
    filters = Filters(platforms=platforms, start=start, end=end, tz=tz)
    collapsed, single = _rows(dashboard_db, filters, horizon_hours), _rows(dashboard_db, filters, float("inf"))
    assert (single["request_count"] == 1).all() and len(collapsed) < len(single)
    pd.testing.assert_frame_equal(_sorted(collapsed), _sorted(_collapse(single, horizon_hours)))


def test_requests_flagged_later_are_not_flagged_before(tmp_path):
    # Never answered, and flagged by their author's follow-up on day 10: a question made a
    # complaint, and thanks (no reply needed) made a question. As of day 4 their hours are
    # long past, yet the first was no complaint and the second no request then. Counted in
    # their hours (dash_care_backlog), they would be.
    question = "what time does the Leeds store open on Sunday?"
    rows = [msg("q", "ann", 0, text=question), msg("q2", "ann", 10 * 1440, parent="q"),
            msg("t", "dee", 0, text=THANKS), msg("t2", "dee", 10 * 1440, parent="t", text=question),
            msg("c", "bob", 30), msg("b", "cy", 3 * 1440), brand_msg("b_r", 3 * 1440 + 60, parent="b")]
    db = load_rows(tmp_path, rows)
    flagged = requests_by_id(db)
    assert flagged["q"]["complaint_at"] == flagged["t"]["needs_reply_at"] == at(10 * 1440)
    filters = Filters(start=at(0).date(), end=at(4 * 1440).date())
    collapsed, single = _rows(db, filters, 1.0), _rows(db, filters, float("inf"))
    assert collapsed["request_count"].sum() == 3 and len(collapsed) == 3  # q, c; b answered
    pd.testing.assert_frame_equal(_sorted(collapsed), _sorted(_collapse(single, 1.0)))


def test_the_backlog_leaves_requests_flagged_later_to_the_rows(dashboard_db):
    # A request made a complaint (or in need of a reply) by a later message is not counted
    # in its hour: its state as of a moment inside that span is not the hour's. The demo has
    # such requests, so the test above reads them one by one.
    with warehouse.connect_readonly(dashboard_db) as con:
        later, counted = con.execute("""
            SELECT count(*) FILTER (WHERE backlog_hour_at IS NULL),
                   count(*) FILTER (WHERE backlog_hour_at IS NOT NULL)
            FROM dash_care_requests WHERE first_response_at IS NULL""").fetchall()[0]
        in_backlog = con.execute("SELECT sum(request_count) FROM dash_care_backlog").fetchall()[0][0]
    assert later > 0 and counted > 0 and in_backlog == counted


def test_a_complaint_exactly_the_horizon_old_is_ignored_listed_and_costs_customers(tmp_path, monkeypatch):
    # As of 72 h (the newest mention, a thanks): c1 is exactly 72 h old and unanswered, so
    # ignored (SPEC 4: at least H old); c2 is an hour old: pending, not yet lost.
    db = load_rows(tmp_path, [msg("c1", "alice", 0), msg("c2", "bob", 71 * 60),
                              msg("n", "dee", 72 * 60, text=THANKS)])
    monkeypatch.setenv("REPUTATION_DB", str(db))
    with warehouse.connect_readonly(db) as con:
        listed = care.ignored_complaints.uncached(con, Filters(), 72.0, limit=None)
        unresolved = care.ignored_complaint_count.uncached(con, Filters(), 72.0)
        overall = care.ghost_town.uncached(con, Filters(), (), 72.0, 60.0).iloc[0]
    assert (overall["ignored"], overall["pending"]) == (1, 1)
    assert listed["request_id"].tolist() == ["twitter:c1"]
    assert unresolved == 1
    lost = care.word_of_mouth(unresolved, 5.0, 120.0)
    assert (lost["customers_lost"], lost["revenue_at_risk"]) == (5.0, 600.0)


def test_the_dashboards_deleted_comments_are_the_customers(tmp_path):
    db = load_with_deletions(tmp_path)
    with warehouse.connect_readonly(db) as con:
        [row] = care.deleted_comments.uncached(con, Filters()).to_dict("records")
    assert (row["brand"], row["deleted_comments"], row["deleted_scored"], row["deleted_negative"]) == ("Acme", 2, 1, 1)
    assert row["negative_share"] == pytest.approx(1.0)


def _two_exports_a_day_apart(tmp_path):
    """T0's day is 2024-01-08 (UTC). "late" is its last second, "next" the next day's first:
    both disappear from the second export, which runs to "last", an hour into the next day."""
    day_end = at(0).replace(hour=0) + timedelta(days=1)
    first = [msg("kept", "u0", 0), msg("late", "u1", 0, when=day_end - timedelta(seconds=1)),
             msg("next", "u2", 0, when=day_end), msg("last", "u3", 0, when=day_end + timedelta(hours=1))]
    db = load_rows(tmp_path, first, name="export1.csv", complete_export=True)
    load_rows(tmp_path, [first[0], first[3]], name="export2.csv", db=db, complete_export=True)
    return db, at(0).date()


def test_the_dashboards_deleted_comments_are_those_posted_on_the_chosen_days(tmp_path):
    db, day = _two_exports_a_day_apart(tmp_path)
    with warehouse.connect_readonly(db) as con:
        both = care.deleted_comments.uncached(con, Filters(start=day))
        after = care.deleted_comments.uncached(con, Filters(start=day + timedelta(days=1)))
    assert both["deleted_comments"].tolist() == [2]
    assert after["deleted_comments"].tolist() == [1]


def test_the_dashboards_deleted_comments_are_those_known_by_the_end_of_the_chosen_dates(tmp_path):
    # the export lacking "late" runs into the next day: as of the chosen day's end nobody could
    # know (an audit back-dated to 15 Aug counted deletions only a 31 Aug export showed); the
    # page says how many a later export found instead
    db, day = _two_exports_a_day_apart(tmp_path)
    with warehouse.connect_readonly(db) as con:
        chosen = care.deleted_comments.uncached(con, Filters(start=day, end=day))
        two_days = care.deleted_comments.uncached(con, Filters(start=day, end=day + timedelta(days=1)))
        exports = care.complete_exports.uncached(con, Filters(start=day, end=day))
    assert chosen[["deleted_comments", "found_later"]].values.tolist() == [[0, 1]]
    assert care.deleted_found(chosen)[0].empty and care.deleted_found(chosen)[1] == 1
    assert two_days[["deleted_comments", "found_later"]].values.tolist() == [[2, 0]]
    assert exports == (0, 0, 1)  # both exports run into the next day: neither had ended


@pytest.mark.parametrize("when, week", [("2024-12-30T12:00:00+00:00", "2025-W01"),
                                        ("2021-01-03T12:00:00+00:00", "2020-W53")])
def test_the_dashboards_weeks_are_iso_weeks_of_the_iso_year(tmp_path, monkeypatch, when, week):
    from datetime import datetime
    db = load_rows(tmp_path, [msg("c1", "alice", 0, when=datetime.fromisoformat(when))])
    monkeypatch.setenv("REPUTATION_DB", str(db))
    with warehouse.connect_readonly(db) as con:
        frame = care.ghost_town.uncached(con, Filters(), ("week",), 72.0, 60.0)
    assert frame["week"].tolist() == [week]


def test_the_shared_rows_are_read_from_the_generation_they_are_cached_under(tmp_path, monkeypatch):
    """_shared_rows is cached per (path, generation): it read with db.cursor(), i.e. whatever
    was published at that moment, so a publish in between filed newer rows under the older key."""
    from app import db as app_db
    database = load_rows(tmp_path, [msg("p1", "u1", 0)])
    monkeypatch.setenv(app_db.DB_ENV, str(database))
    opened = []

    def instance(path, generation):
        opened.append(generation)
        return warehouse.connect_readonly(path)

    monkeypatch.setattr(app_db, "_instance", instance)
    keyed = (-7, -7)  # a generation other than the one published now
    assert warehouse.generation(database) != keyed
    rows = care._shared_rows(str(database), keyed, Filters(), 71.25)
    assert len(rows) == 1 and opened == [keyed]


def test_a_whole_download_is_read_past_the_shared_cache(tmp_path, monkeypatch):
    """db.read_now runs a cached query afresh and keeps nothing: the cache, shared by every
    session, would hold each whole file's frame (code review: about 70 MB a week at 10M)."""
    from app import db as app_db
    database = load_rows(tmp_path, [msg("p1", "u1", 0)])
    monkeypatch.setenv(app_db.DB_ENV, str(database))
    runs = []

    @app_db.cached
    def mentions(cur, marker: str):
        runs.append(marker)
        return cur.execute("SELECT count(*) AS n FROM mentions").df()

    assert [app_db.read_now(mentions, "whole")["n"].iloc[0] for _ in range(2)] == [1, 1]
    mentions("page")
    mentions("page")
    assert runs == ["whole", "whole", "page"]  # read afresh each time; the page's once, cached


def test_a_brand_reply_stamped_before_the_comment_is_no_reply_to_it(tmp_path, monkeypatch):
    # b0 claims c1 as its parent but is timed 5 minutes before it (clock skew, an edited
    # thread): every response time counts b1's 10 minutes, never -5 (a mutation review found
    # nothing checked the per-comment median, ours or the dashboard's)
    from etl import metrics
    db = load_rows(tmp_path, [msg("c1", "alice", 0), brand_msg("b0", -5, parent="c1"),
                              brand_msg("b1", 10, parent="c1")])
    monkeypatch.setenv("REPUTATION_DB", str(db))
    with warehouse.connect_readonly(db) as con:
        ours = metrics.vendor_definitions(con, by=[], as_of=at(100 * 60), requests="all").iloc[0]
        shown = care.vendor_ghost_town.uncached(con, Filters()).iloc[0]
    assert ours["median_response_minutes"] == pytest.approx(10.0)
    assert ours["vendor_median_comment_minutes"] == pytest.approx(10.0)
    assert shown["vendor_median_comment_minutes"] == pytest.approx(10.0)


def test_customers_lost_count_ignored_complaints_not_ignored_questions(tmp_path, monkeypatch):
    # c1 is an ignored complaint, q1 an ignored question (needs a reply, complains of
    # nothing): word of mouth is of bad experiences, so only c1 counts
    from care_fixtures import set_scores
    db = load_rows(tmp_path, [msg("c1", "alice", 0), msg("q1", "bob", 1), msg("n", "dee", 100 * 60, text=THANKS)])
    set_scores(db, {"q1": {"complaint": False, "question": True, "needs_reply": True}})
    monkeypatch.setenv("REPUTATION_DB", str(db))
    with warehouse.connect_readonly(db) as con:
        overall = care.ghost_town.uncached(con, Filters(), (), 72.0, 60.0).iloc[0]
        unresolved = care.ignored_complaint_count.uncached(con, Filters(), 72.0)
    assert overall["ignored"] == 2 and unresolved == 1


def _exports_of_three_pages(tmp_path):
    """Two complete exports each of Acme's @Acme and 'Acme page' (the latter on Twitter and
    Facebook) and of Bolt's @Bolt, all in the first week; one later plain load a month on."""
    rows = [msg("a1", "u1", 0), msg("b1", "u2", 5, brand="Bolt"), msg("p1", "u3", 10, page="Acme page"),
            {**msg("f1", "u4", 15, page="Acme page"), "platform": "facebook"}]
    db = load_rows(tmp_path, rows, name="export1.csv", complete_export=True)
    load_rows(tmp_path, rows, name="export2.csv", db=db, complete_export=True)
    load_rows(tmp_path, [msg("later", "u5", 30 * 24 * 60)], name="later.csv", db=db)
    return db


@pytest.mark.parametrize("chosen, counts", [
    (Filters(), (2, 4, 4)),  # every page: @Acme, @Bolt, Acme page on each platform
    (Filters(brands=("Bolt",)), (2, 1, 1)),
    (Filters(platforms=("facebook",)), (2, 1, 1)),
    (Filters(pages=("Acme page",)), (2, 2, 2)),
    # the exports ended before the chosen days: they vouch for none of their comments (a review
    # found 'None found on 1 page with two or more complete exports' for a month none covered)
    (Filters(start=at(20 * 24 * 60).date()), (0, 0, 4)),
])
def test_the_complete_exports_behind_a_selections_deleted_comments(tmp_path, monkeypatch, chosen, counts):
    db = _exports_of_three_pages(tmp_path)
    monkeypatch.setenv("REPUTATION_DB", str(db))
    with warehouse.connect_readonly(db) as con:
        assert care.complete_exports.uncached(con, chosen) == counts


@pytest.mark.parametrize("found_later, counted_here, start", [
    (1, False, "1 comment of these days was found deleted"),
    (2, True, "2 more comments of these days were found deleted"),  # beside those counted
])
def test_deletions_found_later_are_told_in_the_number_they_need(found_later, counted_here, start):
    note = care.found_later_note(found_later, counted_here)
    assert note.startswith(start) and note.endswith(f"to count {'it' if found_later == 1 else 'them'}.")


@pytest.mark.parametrize("by", ["brand", "page"])
def test_the_pages_ranking_leaves_a_brand_with_no_reply_out_of_its_prior_as_the_cli_does(tmp_path, monkeypatch, by):
    """A real-data review: airline brands whose replies were not in the file (every request
    ignored) pulled the shrunk rate of a brand answering 1 of 1 up to 70% and ranked it 13th
    worst. Ghost Town's frame must shrink as `metrics ghost-town` does, without them in the
    prior when grouped by brand; by page, the command line's rows know no brand, and nor may
    the page's prior (a review: by platform, 68.9% on the page, 91.5% from the command line)."""
    rows = []
    for brand, asked, answered in (("Acme", 6, 5), ("Bolt", 6, 1), ("Quiet", 1, 1)):
        for i in range(asked):
            rows.append(msg(f"{brand}{i}", f"{brand}u{i}", 10 * i, brand=brand))
            if i < answered:
                rows.append(brand_msg(f"{brand}r{i}", 10 * i + 5, parent=f"{brand}{i}", brand=brand))
    rows += [msg(f"silent{i}", f"s{i}", 10 * i, brand="Silent") for i in range(40)]
    rows.append(msg("later", "u9", 5 * 24 * 60, text=THANKS))  # past the 72 h: every request decided
    db = load_rows(tmp_path, rows)
    monkeypatch.setenv("REPUTATION_DB", str(db))  # the cached look-ups care.ghost_town makes
    with warehouse.connect_readonly(db) as con:
        page = care.ghost_town.uncached(con, Filters(), (by,), 72.0).set_index(by)
        cli = metrics.ghost_town(con, [by], horizon_hours=72.0).set_index(by)
    quiet, silent = ("Quiet", "Silent") if by == "brand" else ("@Quiet", "@Silent")
    assert page.loc[silent, "ghost_town_rate"] == 1.0
    shrunk = ["ghost_town_rate_shrunk", "ghost_town_shrunk_low", "ghost_town_rank"]
    pd.testing.assert_frame_equal(page.loc[list(cli.index), shrunk], cli[shrunk],
                                  check_dtype=False, check_index_type=False)
    if by == "brand":  # Silent's 40 ignored no longer pull it up
        assert page.loc[quiet, "ghost_town_rate_shrunk"] < 0.5
