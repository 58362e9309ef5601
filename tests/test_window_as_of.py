"""One date range, one set of care numbers: the Overview and Ghost Town (app.care), the
Weekly Snapshot (etl.snapshot) and the Page Audit evaluate a range that the data has passed
as of the range's end, so the same brand and week show the same answered / ignored /
pending counts on every page, and the pages say which moment that is.

The history: a complaint on Thursday 23:30 of ISO week 2024-W02 that nobody answers, the
week's last mention on Sunday 23:00 and more data the week after. At the week's end the
complaint is 72.5 h old (ignored under H = 72 h); at the week's last mention it was only
71.5 h old, which made it 'pending' on some pages and 'ignored' on others."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from app_support import page_test
from care_fixtures import COMPLAINT, THANKS, at, brand_msg, load_rows, msg

from app import audit, audit_dashboard, care, weekly
from app.filters import Filters
from etl import metrics, warehouse

MONDAY = datetime(2024, 1, 8, tzinfo=timezone.utc)  # 2024-W02
WEEK_END = MONDAY + timedelta(days=7)


def _when(days: float, hours: float = 0.0) -> datetime:
    return MONDAY + timedelta(days=days, hours=hours)


@pytest.fixture
def week_db(tmp_path, monkeypatch):
    rows = [
        msg("1", "ann", 0, when=_when(0, 10)),                       # Mon 10:00, answered
        brand_msg("2", 0, parent="1", when=_when(0, 10.5)),
        msg("3", "bob", 0, when=_when(3, 23.5)),                     # Thu 23:30, never answered
        msg("4", "cyd", 0, text=THANKS, when=_when(6, 23)),          # Sun 23:00, the week's last
        msg("5", "dee", 0, text=THANKS, when=_when(9, 12)),          # the data passes the week
    ]
    db = load_rows(tmp_path, rows)
    monkeypatch.setenv("REPUTATION_DB", str(db))
    return db


def _counts(row) -> tuple[int, int, int]:
    return int(row["answered"]), int(row["ignored"]), int(row["pending"])


def test_the_same_week_has_the_same_counts_on_every_page(week_db):
    chosen = Filters(brands=("Acme",), start=MONDAY.date(), end=date(2024, 1, 14))
    dashboard = _counts(care.summary(chosen, 72.0, 60.0))
    with warehouse.connect_readonly(week_db) as con:
        [snapshot_row] = weekly.week_rows.uncached(con, "2024-W02", ("Acme",))[0].to_dict("records")
        since, as_of = audit_dashboard.window(chosen, metrics.resolve_as_of(con, None))
        audited = audit.build_audit(con, "Acme", as_of=as_of, since=since).summary
    # evaluated at the week's end, the Thursday complaint is 72.5 h old and unanswered
    assert _counts(snapshot_row) == (1, 1, 0)
    assert dashboard == _counts(snapshot_row)
    assert _counts(audited) == _counts(snapshot_row)


def test_a_range_is_evaluated_at_its_end_or_the_newest_mention_if_earlier(week_db):
    chosen = Filters(brands=("Acme",), start=MONDAY.date(), end=date(2024, 1, 14))
    assert care.scope(chosen).as_of == WEEK_END - timedelta(microseconds=1)
    with warehouse.connect_readonly(week_db) as con:
        newest = metrics.resolve_as_of(con, None)
    assert audit_dashboard.window(chosen, newest)[1] == WEEK_END - timedelta(microseconds=1)
    # a range reaching past the data: its newest mention, as before
    reaching = Filters(brands=("Acme",), start=MONDAY.date(), end=date(2024, 2, 1))
    assert care.scope(reaching).as_of == newest
    assert audit_dashboard.window(reaching, newest)[1] == newest
    # a range before any data: nothing to evaluate
    assert care.scope(Filters(start=date(2023, 1, 1), end=date(2023, 1, 7))).as_of is None


def test_the_overview_says_when_its_rates_are_evaluated(week_db, monkeypatch):
    at = page_test("overview", week_db, monkeypatch).run()
    at.date_input(key="filter_dates").set_value((MONDAY.date(), date(2024, 1, 14))).run()
    assert not at.exception
    [caption] = [c.value for c in at.caption if c.value.startswith("Rates are of")]
    assert "as of 2024-01-14 23:59 UTC" in caption
    assert "1 pending" not in caption and "1 ignored" in caption


def test_an_audit_of_a_past_moment_does_not_call_its_pending_requests_open_now(week_db):
    friday = MONDAY + timedelta(days=4)  # the Thursday 23:30 complaint is half an hour old
    with warehouse.connect_readonly(week_db) as con:
        result = audit.build_audit(con, "Acme", as_of=friday, since=MONDAY)
    assert result.summary["pending"] == 1
    [advice] = result.recommendations.loc[result.recommendations["rule"] == "clear-the-queue",
                                          "recommendation"]
    # by the newest data it is ignored: 'open now' would be false; the advice names its moment
    assert "now" not in advice
    assert "2024-01-12 00:00 UTC" in advice


@pytest.mark.parametrize("end, capped", [
    (date(2024, 1, 14), False),
    # past the newest mention (Wed 17 Jan 12:00): the dashboard evaluates at that mention, and
    # the command line too, saying so; at the range's end the Thursday complaint of the next
    # week's data and anything younger than H would have aged into ignored ones
    (date(2024, 1, 31), True),
])
def test_the_command_line_reproduces_a_dashboard_date_range(week_db, tmp_path, capsys, end, capped):
    import csv
    import io

    from etl import cli
    # a complaint a day before the newest mention: pending then, ignored at the 31st
    load_rows(tmp_path, [msg("6", "eve", 0, when=_when(8, 12))], name="more.csv", db=week_db)
    chosen = Filters(brands=("Acme",), start=MONDAY.date(), end=end)
    shown = care.ghost_town(chosen, ("brand",))
    code = cli.main(["metrics", "ghost-town", "--db", str(week_db), "--by", "brand",
                     "--since", "2024-01-08T00:00:00+00:00",
                     "--as-of", f"{end.isoformat()}T23:59:59.999999+00:00"])
    assert code == 0
    printed = capsys.readouterr()
    assert ("after the newest mention (2024-01-17 12:00:00 UTC)" in printed.err) == capped
    if capped:
        assert int(shown.loc[0, "pending"]) == 1
    [row] = list(csv.DictReader(io.StringIO(printed.out)))
    assert [int(row[c]) for c in ("requests", "answered", "ignored", "pending")] == \
        [int(shown.loc[0, c]) for c in ("requests", "answered", "ignored", "pending")]
    assert float(row["ghost_town_rate"]) == pytest.approx(float(shown.loc[0, "ghost_town_rate"]))


def test_the_weekly_snapshot_says_its_sla_is_not_the_sidebars(week_db, monkeypatch):
    at = page_test("weekly", week_db, monkeypatch).run()
    at.number_input(key="assume_sla").set_value(30.0).run()
    assert not at.exception
    # the snapshot's SLA rate is of 60 minutes whatever the sidebar says: the page says so
    assert any("60 min" in c.value and "30 min" in c.value for c in at.caption)


def test_the_weekly_trend_says_it_is_not_the_weekly_snapshot(week_db, monkeypatch):
    at = page_test("ghost_town", week_db, monkeypatch).run()
    at.radio(key="ghost_section").set_value("Over time").run()
    assert not at.exception
    # the trend's 2024-W02 (as of the newest data: nothing pending) and the snapshot's
    # (as of the week's end) are different numbers of the same week: the caption says why
    assert any("Weekly Snapshot evaluates each UTC week as of its own end" in c.value for c in at.caption)


@pytest.mark.parametrize("args,problem,code", [
    (["metrics", "ghost-town", "--brand", "Acme Air"],
     "--brand 'Acme Air': no such brand; brands in this database: 'Acme'", 1),
    (["metrics", "ghost-town", "--page", "@Acmee"], "--page '@Acmee': no such page or handle", 1),
    (["metrics", "ghost-town", "--brand", "Acme", "--page", "@Other"], "no such page or handle of 'Acme'", 1),
    # a range that contradicts itself is a usage error, whatever the data
    (["metrics", "ghost-town", "--since", "2024-01-15", "--as-of", "2024-01-14"], "is after --as-of", 2),
    (["metrics", "coverage", "--brand", "acme"], "--brand 'acme': no such brand", 1),
    (["metrics", "deleted", "--brand", "Nobody"], "--brand 'Nobody': no such brand", 1),
    (["quarantine", "--load", "99"], "--load 99: no such load; loads are numbered 1 to 1", 1),
])
def test_a_filter_that_can_match_nothing_is_an_error_not_an_empty_table(week_db, capsys, args, problem, code):
    from etl import cli
    assert cli.main([*args, "--db", str(week_db)]) == code
    out, err = capsys.readouterr()
    assert out == "" and problem in err and err.count("\n") == 1


def test_the_brand_and_page_a_filter_names_still_give_their_table(week_db, capsys):
    from etl import cli
    assert cli.main(["metrics", "ghost-town", "--brand", "Acme", "--page", "@Acme", "--db", str(week_db)]) == 0
    assert capsys.readouterr().out.count("\n") == 2  # the header and Acme's row


def test_a_brand_whose_mentions_have_no_page_can_be_asked_for(tmp_path, capsys):
    from etl import cli
    pageless = {**msg("b1", "ben", 0, brand="Beta", when=_when(0, 9)), "page": ""}  # SPEC 3: page may be empty
    db = load_rows(tmp_path, [msg("1", "ann", 0, when=_when(0, 10)), pageless])
    assert cli.main(["metrics", "ghost-town", "--brand", "Beta", "--db", str(db), "--requests", "all"]) == 0
    assert capsys.readouterr().out.count("\n") == 2  # the header and Beta's row
    report = tmp_path / "beta.html"
    assert cli.main(["audit", "--brand", "Beta", "--db", str(db), "--out", str(report)]) == 0
    assert "Page audit: Beta" in report.read_text()


@pytest.mark.parametrize("reply_hours, after_reply", [(1, "answered"), (97, "ignored")])
@pytest.mark.parametrize("loads", ["one load", "an added load", "the post, then again with the reply",
                                   "a follow-up under the post"])
def test_a_message_whose_brand_only_a_later_reply_gives_is_no_request_before_that_reply(
        tmp_path, reply_hours, after_reply, loads):
    # The customer's post names no brand; the brand's reply to it is all that says which
    # brand it concerns. As of a moment before that reply it is no request (SPEC 4: as of
    # T, only data created up to T); from the reply on it is the brand's, timed from the post.
    post = msg("h1", "ann", 0, brand=None)
    reply = brand_msg("h2", reply_hours * 60, parent="h1")
    other = msg("late", "bob", 200 * 60, text=THANKS)
    if loads == "one load":
        db = load_rows(tmp_path, [post, reply, other])
    elif loads == "an added load":  # the care models are then updated for the new threads
        db = load_rows(tmp_path, [post, reply], name="added.csv", db=load_rows(tmp_path, [other]))
    elif loads == "the post, then again with the reply":  # the stored post takes its brand then
        db = load_rows(tmp_path, [post, reply], name="again.csv", db=load_rows(tmp_path, [post, other]))
    else:  # the customer's follow-up inherits the brand with the post, from the reply
        db = load_rows(tmp_path, [post, msg("h3", "ann", 20, parent="h1", brand=None), reply, other])
    with warehouse.connect_readonly(db) as con:
        def counts(hours):
            table = metrics.ghost_town(con, ["brand"], at(hours * 60), 72.0)
            return {} if table.empty else table.set_index("brand").loc["Acme", ["requests", after_reply]].to_dict()
        assert counts(reply_hours - 0.5) in ({}, {"requests": 0, after_reply: 0})
        assert counts(reply_hours + 0.5) == {"requests": 1, after_reply: 1}


@pytest.mark.parametrize("text, requests", [(None, "needs-reply"), (None, "all"), (THANKS, "all")])
@pytest.mark.parametrize("horizon_hours", [1.0, 72.0])
def test_every_request_mode_counts_a_reply_given_brand_from_the_reply(tmp_path, text, requests, horizon_hours):
    # As the test above, in both request modes (--requests all, and the dashboard's and the
    # weekly snapshot's when nothing is scored), through etl.metrics and the dashboard's rows
    # (whose hours long past come counted in dash_care_backlog): a post that needs no reply
    # is a request in mode all, but of the brand only from the brand's reply, 97 h later.
    db = load_rows(tmp_path, [msg("h1", "ann", 0, brand=None, text=text),
                              brand_msg("h2", 97 * 60, parent="h1"),
                              msg("late", "bob", 200 * 60, text=THANKS)])

    def counted(hours):
        with warehouse.connect_readonly(db) as con:
            table = metrics.ghost_town(con, [], at(hours * 60), horizon_hours, requests)
            params = {**care._params(Filters(), care.Scope(at(hours * 60), requests)),
                      "horizon_minutes": horizon_hours * 60, "tz": "UTC"}
            rows = con.sql(care.db.sql_text("care_requests_scope"), params=params).df()
        return int(table["requests"].sum()), int(rows["request_count"].sum())

    assert counted(96.5) == (0, 0)
    assert counted(97.5) == (1, 1)


@pytest.mark.parametrize("loads", ["one load", "the comment in a later load",
                                   "the post and comment, then both again with the reply"])
def test_another_customers_comment_under_a_post_whose_brand_a_later_reply_gives_waits_for_it(tmp_path, loads):
    # Bob comments under Ann's post; neither names a brand, and the comment inherits the
    # post's, which only the brand's reply to the post (97 h later) gives. As of a moment
    # before that reply neither is a request of the brand, in either request mode.
    post, comment = msg("h1", "ann", 0, brand=None), msg("c1", "bob", 10, parent="h1", brand=None)
    reply, other = brand_msg("h2", 97 * 60, parent="h1"), msg("late", "cyd", 200 * 60, text=THANKS)
    if loads == "one load":
        db = load_rows(tmp_path, [post, comment, reply, other])
    elif loads == "the comment in a later load":  # it inherits from the stored post
        db = load_rows(tmp_path, [comment], name="later.csv", db=load_rows(tmp_path, [post, reply, other]))
    else:  # the stored comment takes its brand when the file brings it again
        db = load_rows(tmp_path, [post, comment, reply], name="again.csv",
                       db=load_rows(tmp_path, [post, comment, other]))

    def counted(hours, requests):
        with warehouse.connect_readonly(db) as con:
            table = metrics.ghost_town(con, [], at(hours * 60), 72.0, requests)
            params = {**care._params(Filters(), care.Scope(at(hours * 60), requests)),
                      "horizon_minutes": 72 * 60, "tz": "UTC"}
            rows = con.sql(care.db.sql_text("care_requests_scope"), params=params).df()
        return int(table["requests"].sum()), int(rows["request_count"].sum())

    for requests in ("needs-reply", "all"):
        assert counted(96.5, requests) == (0, 0)
        assert counted(97.5, requests) == (2, 2)


@pytest.mark.parametrize("loads", ["one load", "the comment in a later load"])
def test_a_comment_naming_the_brand_counts_from_its_own_time_under_a_post_a_later_reply_names(tmp_path, loads):
    # Bob's comment addresses the brand's handle itself: it is the brand's from when it was
    # posted, however the files were split (it must not wait for the reply to Ann's post).
    post, reply = msg("h1", "ann", 0, brand=None), brand_msg("h2", 97 * 60, parent="h1")
    comment = msg("c1", "bob", 10, parent="h1", brand=None, text="@Acme_care " + COMPLAINT)
    other = msg("late", "cyd", 200 * 60, text=THANKS)
    if loads == "one load":
        db = load_rows(tmp_path, [post, comment, reply, other])
    else:
        db = load_rows(tmp_path, [comment], name="later.csv", db=load_rows(tmp_path, [post, reply, other]))
    with warehouse.connect_readonly(db) as con:
        assert metrics.ghost_town(con, [], at(96.5 * 60), 72.0)["requests"].sum() == 1  # Bob's
        assert metrics.ghost_town(con, [], at(97.5 * 60), 72.0)["requests"].sum() == 2


@pytest.mark.parametrize("loads", ["one load", "the comment and its reply in a later load"])
def test_a_comment_the_brand_answers_is_the_brands_from_the_earlier_reply_to_its_post(tmp_path, loads):
    # The brand answers Ann's post at 60 min and Bob's comment under it at 120 min: Bob's
    # request is the brand's from 60 min (inherited with the post's brand), so at 90 min it
    # is open, not yet unknown to be answered at 120 as if never pending.
    post, comment = msg("h1", "ann", 0, brand=None), msg("c1", "bob", 10, parent="h1", brand=None)
    replies = [brand_msg("h2", 60, parent="h1"), brand_msg("c2", 120, parent="c1")]
    other = msg("late", "cyd", 200 * 60, text=THANKS)
    if loads == "one load":
        db = load_rows(tmp_path, [post, comment, *replies, other])
    else:
        db = load_rows(tmp_path, [comment, replies[1]], name="later.csv",
                       db=load_rows(tmp_path, [post, replies[0], other]))
    with warehouse.connect_readonly(db) as con:
        row = metrics.ghost_town(con, [], at(90), 72.0).iloc[0]
    assert (row["requests"], row["answered"], row["pending"]) == (2, 1, 1)


def test_an_audit_as_of_after_the_data_is_of_the_newest_mention(week_db, tmp_path, capsys):
    # the complaint of Tue 16 Jan 12:00 is a day old at the newest mention (Wed 17 Jan 12:00):
    # pending, no evidence yet, though 'as of 31 Jan' it would have aged into an ignored one
    import csv

    from etl import cli
    load_rows(tmp_path, [msg("6", "eve", 0, when=_when(8, 12))], name="more.csv", db=week_db)
    out = tmp_path / "evidence.csv"
    code = cli.main(["audit", "--db", str(week_db), "--brand", "Acme", "--as-of", "2024-01-31T23:59:59Z",
                     "--out", str(out)])
    assert code == 0
    assert "after the newest mention (2024-01-17 12:00:00 UTC)" in capsys.readouterr().err
    assert [row["request_id"] for row in csv.DictReader(out.open())] == ["twitter:3"]


def test_a_cascades_as_of_after_the_data_forecasts_from_the_newest_mention(week_db, tmp_path, capsys):
    """A later --as-of aged every cascade with no data to show it had stopped: bob's complaint,
    5 days old at the newest mention, counted as complete (no risk) at the 31st."""
    from etl import cli
    load_rows(tmp_path, [msg("6", "eve", 0, when=_when(8, 12)), msg("7", "fay", 0, shared="twitter:6",
                                                                    when=_when(8, 13))],
              name="more.csv", db=week_db)
    assert cli.main(["metrics", "cascades", "--db", str(week_db)]) == 0
    newest = capsys.readouterr()
    assert cli.main(["metrics", "cascades", "--db", str(week_db), "--as-of", "2024-01-31T00:00:00Z"]) == 0
    later = capsys.readouterr()
    assert "after the newest mention (2024-01-17 12:00:00 UTC)" in later.err
    assert "after the newest mention" not in newest.err  # only that its few cascades calibrate nothing
    assert newest.err.startswith("etl: The forecasts are not calibrated: this warehouse holds 1 complete")
    assert "cascades still spreading as complete" in later.err and "requests" not in later.err
    assert later.out == newest.out and "twitter:6" in later.out


@pytest.mark.parametrize("given, named", [
    (["--since", "yesterday"], "--since 'yesterday'"),
    (["--since", "yesterday", "--as-of", "2024-01-10"], "--since 'yesterday'"),
    (["--since", "2024-01-08", "--as-of", "today"], "--as-of 'today'"),
])
def test_a_bad_moment_is_an_error_naming_its_option(week_db, capsys, given, named):
    # a bad --since was reported as a bad --as-of (a user review)
    from etl import cli
    assert cli.main(["metrics", "ghost-town", "--db", str(week_db), *given]) != 0
    assert f"{named} is not an ISO 8601 date and time" in capsys.readouterr().err


def test_an_rfc_3339_moment_in_lower_case_is_the_same_moment(week_db, capsys):
    # RFC 3339 allows 't' and 'z'; fromisoformat refused the 'z' (a scripter's review)
    from etl import cli
    outputs = []
    for moment in ("2024-01-10T12:00:00Z", "2024-01-10t12:00:00z"):
        assert cli.main(["metrics", "ghost-town", "--by", "brand", "--db", str(week_db), "--as-of", moment]) == 0
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1] and outputs[0].count("\n") > 1


def test_an_empty_cascades_as_of_is_an_error_not_ignored(week_db, capsys):
    from etl import cli
    assert cli.main(["metrics", "cascades", "--db", str(week_db), "--as-of", ""]) != 0
    assert "is not an ISO 8601 date and time" in capsys.readouterr().err


@pytest.mark.parametrize("command", [["metrics", "ghost-town"], ["metrics", "cascades"]])
def test_an_as_of_before_the_data_says_why_the_answer_is_empty(week_db, capsys, command):
    # it printed the header alone and no reason (a CLI review)
    from etl import cli
    assert cli.main([*command, "--db", str(week_db), "--as-of", "2020-01-01T00:00:00Z"]) == 0
    printed = capsys.readouterr()
    assert "--as-of 2020-01-01 00:00:00 UTC is before the first mention (2024-01-" in printed.err
    assert printed.err.count("\n") == 1


def test_an_as_of_within_the_data_says_nothing_of_it(week_db, capsys):
    from etl import cli
    assert cli.main(["metrics", "ghost-town", "--db", str(week_db), "--as-of", "2024-01-10T00:00:00Z"]) == 0
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("tz, said", [
    ("UTC", "2024-01-08 19:00 UTC"),
    ("Etc/UTC", "2024-01-08 19:00 UTC"),  # DuckDB's name for UTC is no zone of its own
    ("Europe/London", "2024-01-08 19:00 Europe/London (19:00 UTC)"),  # the same day: UTC's time alone
    ("Pacific/Auckland", "2024-01-09 08:00 Pacific/Auckland (2024-01-08 19:00 UTC)"),  # the day before
])
def test_the_as_of_note_gives_utcs_date_where_the_clocks_days_differ(tz, said):
    assert care.as_of_note(datetime(2024, 1, 8, 19, 0, tzinfo=timezone.utc), tz).startswith(f"Evaluated as of {said} (")
