"""The weekly snapshot: one row per brand per ISO week (UTC), materialised in
`weekly_snapshots`.

A week is evaluated as of its end, so once the data has moved past that end the week is
*closed* and its row is never recomputed: later loads (even of late-arriving mentions
dated inside the week) cannot change what an executive already read. A brand whose data
arrives after its week was stored (an export that comes monthly) is not left out for good: its
row, as of the week's end, is added the next time that week or a later one is stored, beside the
rows stored before, which stay as they were. A week still running is evaluated as of the newest
mention and recomputed on the next call.
Week-over-week deltas compare with the week before under the same definitions: its stored
row when that is closed and was stored under this week's horizon, requests counted and
metric version (materialise stores it first when missing), else the week computed now. A
row stored under others is never the base: a delta across two definitions of "ignored"
measures the change of assumption, not the week.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pandas as pd

from . import metrics, models, warehouse
from .care_definitions import DEFAULT_HORIZON_HOURS, DEFAULT_SLA_MINUTES, METRIC_VERSION
from .sources.records import EARLIEST
from .usage import UsageError

TABLE_SQL = """
CREATE TABLE IF NOT EXISTS weekly_snapshots (
    week                   VARCHAR NOT NULL,     -- ISO week, 'YYYY-Www', UTC
    brand                  VARCHAR NOT NULL,
    week_start             TIMESTAMPTZ NOT NULL,
    as_of                  TIMESTAMPTZ NOT NULL, -- the moment the week was evaluated at
    closed                 BOOLEAN NOT NULL,     -- the data had passed the week's end
    mentions               BIGINT NOT NULL,      -- customer mentions of the brand (shares too)
    requests               BIGINT NOT NULL,
    answered               BIGINT NOT NULL,
    ignored                BIGINT NOT NULL,
    pending                BIGINT NOT NULL,
    complaint_share        DOUBLE,
    net_sentiment          DOUBLE,
    ghost_town_rate        DOUBLE,
    ghost_town_ci_low      DOUBLE,
    ghost_town_ci_high     DOUBLE,
    sla_rate               DOUBLE,
    km_median_minutes      DOUBLE,
    median_response_minutes DOUBLE,
    deflection_rate        DOUBLE,
    deleted_comments       BIGINT,               -- NULL: not checked (_deletions_checked)
    top_risks              VARCHAR NOT NULL,     -- JSON list, worst first
    mentions_wow           BIGINT,
    requests_wow           BIGINT,
    complaint_share_wow    DOUBLE,
    net_sentiment_wow      DOUBLE,
    ghost_town_rate_wow    DOUBLE,
    sla_rate_wow           DOUBLE,
    km_median_minutes_wow  DOUBLE,
    deflection_rate_wow    DOUBLE,
    deleted_comments_wow   BIGINT,
    requests_counted       VARCHAR NOT NULL,     -- needs-reply, or all when nothing is scored
    horizon_hours          DOUBLE NOT NULL,
    metric_version         VARCHAR NOT NULL,
    computed_at            TIMESTAMPTZ NOT NULL,
    -- the counts behind the rates, whose changes are weighed against chance, and the week
    -- before's the changes were taken against (ADDED_COLUMNS: NULL in a row stored before they
    -- were kept)
    scored                 BIGINT,               -- customer mentions with a text score
    complaints             BIGINT,
    positive               BIGINT,
    negative               BIGINT,
    scored_responses       BIGINT,               -- requests whose first response is scored
    deflections            BIGINT,
    km_median_minutes_before DOUBLE,
    requests_before        BIGINT,
    answered_before        BIGINT,
    ignored_before         BIGINT,
    scored_before          BIGINT,
    positive_before        BIGINT,
    negative_before        BIGINT,
    scored_responses_before BIGINT,
    PRIMARY KEY (week, brand)
)
"""
RATE_COUNTS = ("scored", "complaints", "positive", "negative", "scored_responses", "deflections")
DELTA_COLUMNS = ("mentions", "requests", "complaint_share", "net_sentiment", "ghost_town_rate",
                 "sla_rate", "km_median_minutes", "deflection_rate", "deleted_comments")
CARE_COLUMNS = ("requests", "answered", "ignored", "pending", "ghost_town_rate",
                "ghost_town_ci_low", "ghost_town_ci_high", "sla_rate", "km_median_minutes",
                "median_response_minutes", "deflection_rate", "scored_responses", "deflections")
_COUNT_COLUMNS = ("mentions", "requests", "deleted_comments")
# The week before's KM median and counts, stored with the row they were compared with (that
# week stored under another horizon, it was computed anew for the comparison): a median 'not
# reached' in one of the two weeks has no delta, and the Weekly page says what it changed from;
# a rate's change that chance may explain (at these counts) is not called better or worse.
BEFORE_COLUMNS = ("km_median_minutes_before", "requests_before", "answered_before", "ignored_before",
                  "scored_before", "positive_before", "negative_before", "scored_responses_before")
# Columns added to weekly_snapshots since it was first made, with their types
ADDED_COLUMNS = {column: "DOUBLE" if column == "km_median_minutes_before" else "BIGINT"
                 for column in RATE_COUNTS + BEFORE_COLUMNS}
# the week before's values a row needs: its KPIs and the counts of BEFORE_COLUMNS
_PREVIOUS_COLUMNS = (*DELTA_COLUMNS, "answered", "ignored", "scored", "positive", "negative", "scored_responses")
TOP_RISKS = 3
# the queries of _volume and _top_risks
_VOLUME_SQL = Path(__file__).with_name("snapshot_volume.sql").read_text()
_TOP_RISKS_SQL = Path(__file__).with_name("snapshot_top_risks.sql").read_text()
SLA_MINUTES = DEFAULT_SLA_MINUTES  # the snapshot's SLA: fixed, so stored weeks compare with each other
_TICK = timedelta(microseconds=1)
WEEK_YEARS = range(EARLIEST.year, 9999)  # no mention is older (sources/records.EARLIEST)


def parse_week(text: str) -> datetime:
    """'2024-W02' -> the Monday 00:00 UTC that starts it."""
    try:
        year, week = text.strip().upper().split("-W")
        monday = date.fromisocalendar(int(year), int(week), 1)
    except ValueError:
        raise UsageError(_not_a_week(text)) from None
    if monday.year not in WEEK_YEARS:  # the week before and the week's end must be dates too
        raise UsageError(f"--week {text!r}: the year must be {WEEK_YEARS.start} to {WEEK_YEARS.stop - 1}")
    return datetime(monday.year, monday.month, monday.day, tzinfo=timezone.utc)


def _not_a_week(text: str) -> str:
    """Why --week names no week. A W53 in a year of 52 weeks is a week of other years, not a
    typo: '2021-W53' read "is not an ISO week like 2024-W02" (a review)."""
    year, _, week = text.strip().upper().partition("-W")
    if year.isdecimal() and 1 <= int(year) <= 9999 and week.isdecimal() and int(week) == 53:
        return f"--week {text!r}: {int(year)} has 52 ISO weeks (its last is {int(year)}-W52)"
    return f"--week {text!r} is not an ISO week like 2024-W02"


def week_label(start: datetime) -> str:
    year, week, _ = start.isocalendar()
    return f"{year}-W{week:02d}"


def week_gaps(labels) -> list[tuple[str, int]]:
    """Where ISO weeks ('2015-W09', ...) skip, in order: after each run of consecutive weeks
    that the next week listed does not follow, the first week missing and how many are. A line
    through the weeks must break there (rate_charts), and a caption count them (care)."""
    mondays = sorted({parse_week(label) for label in labels})
    return [(week_label(earlier + timedelta(days=7)), (later - earlier).days // 7 - 1)
            for earlier, later in zip(mondays, mondays[1:]) if later - earlier > timedelta(days=7)]


def week_start_of(moment: datetime) -> datetime:
    day = moment.astimezone(timezone.utc).date()
    monday = day - timedelta(days=day.weekday())
    return datetime(monday.year, monday.month, monday.day, tzinfo=timezone.utc)


def last_complete_week(con) -> str:
    newest = metrics.resolve_as_of(con, None)
    if newest is None:
        raise ValueError("the database has no mentions; load data first")
    return week_label(week_start_of(newest) - timedelta(days=7))


def materialise(db_path, week: str | None = None, horizon_hours: float = DEFAULT_HORIZON_HOURS) -> pd.DataFrame:
    """Make sure the snapshot of `week` (default: the last complete week) is stored, and
    return its rows. Closed weeks already stored are returned unchanged, unless stored under
    older metric definitions: those are stored again under this version's. Final weeks up to
    `week` gain the rows of brands whose data arrived after they were stored (_add_late_brands)."""
    given = parse_week(week) if week else None  # a --week no calendar has: said before the warehouse is copied
    db_path = warehouse.require_database(db_path)
    # derived tables missing or made by an older version are rebuilt first, as `metrics` does,
    # and published on their own: a mistaken week found below then throws no rebuild away
    models.refresh_stale(db_path)
    with warehouse.writer(db_path) as con:
        con.execute("BEGIN TRANSACTION")
        con.execute(TABLE_SQL)
        add_count_columns(con)
        allow_unchecked_deletions(con)
        if week is None and metrics.mention_span(con)[1] is None:
            # a first night whose export held no record (or only refused ones): as before the first week
            # ends, nothing to store yet, as `metrics ghost-town` answers an empty warehouse with exit 0
            raise NoCompleteWeek("the database has no mentions yet (`python -m etl loads` lists what each "
                                 "load read, loaded and quarantined)")
        start = given or parse_week(last_complete_week(con))
        _require_data_in(con, start, given=week is not None)
        # first, so a week computed below takes its changes from the rows added to the week before
        _add_late_brands(con, start)
        _ensure_week(con, start - timedelta(days=7), horizon_hours)
        _ensure_week(con, start, horizon_hours)
        con.execute("COMMIT")
        return stored_week(con, week_label(start))


def lacks_count_columns(con) -> bool:
    """Whether the warehouse's stored weeks are in a table made before ADDED_COLUMNS were kept,
    which the Weekly page's queries of them would fail on (the dashboard adds them at start)."""
    return has_stored_weeks(con) and bool(_missing_count_columns(con))


def stored_table(con) -> str:
    """What to read stored weeks FROM: weekly_snapshots, or where its table predates some of
    ADDED_COLUMNS (a warehouse the reader cannot update: read-only, or on a read-only disk) the
    table with those columns as NULL, as add_count_columns would leave them; reads of them failed
    ('Referenced column "scored" not found'), and every stored week with them."""
    missing = [f"NULL::{ADDED_COLUMNS[column]} AS {column}" for column in _missing_count_columns(con)]
    if not missing or not has_stored_weeks(con):
        return "weekly_snapshots"
    return f"(SELECT *, {', '.join(missing)} FROM weekly_snapshots) AS weekly_snapshots"


def _missing_count_columns(con) -> list[str]:
    """The ADDED_COLUMNS the weekly_snapshots table lacks (all of them where there is no table)."""
    present = {column for (column,) in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_catalog = current_database() "
        "AND table_name = 'weekly_snapshots'").fetchall()}
    return [column for column in ADDED_COLUMNS if column not in present]


def add_count_columns(con) -> None:
    """Give a table made before ADDED_COLUMNS were kept their columns: its rows keep NULL there
    (the Weekly page reads the week before's of the stored week before, or takes both weeks' from
    the week computed anew where that reproduces the row's figures:
    app.weekly.with_reproduced_counts); the weeks stored from now on have them."""
    for column, kind in ADDED_COLUMNS.items():
        con.execute(f"ALTER TABLE weekly_snapshots ADD COLUMN IF NOT EXISTS {column} {kind}")


def allow_unchecked_deletions(con) -> None:
    """Let a table made when deleted_comments was NOT NULL store NULL there (a brand whose
    deletions were not checked: _deletions_checked); its rows stored before keep their counts."""
    con.execute("ALTER TABLE weekly_snapshots ALTER COLUMN deleted_comments DROP NOT NULL")


class NoCompleteWeek(ValueError):
    """The default week (the last complete one) is before the data: all of it is in the week
    still running, as in a new client's first nights. Nothing to store yet, which is no failure
    of a nightly job (the command exits 0 and says so)."""


def _require_data_in(con, start: datetime, given: bool = True) -> None:
    """A week wholly before the first mention or after the newest has nothing to store: an
    error rather than an empty snapshot that reads as a week without complaints. given: the
    week came from --week (else it is the default, the last complete week: before the data
    when all of it is in the week still running, as after a first load)."""
    first, newest = metrics.mention_span(con)
    if newest is None:
        raise ValueError("the database has no mentions; load data first")
    span = f"the data runs from {first:%Y-%m-%d} to {newest:%Y-%m-%d %H:%M} UTC"
    label, before_data = week_label(start), start + timedelta(days=7) <= first
    if before_data and not given:
        running = week_label(week_start_of(newest))
        raise NoCompleteWeek(f"no complete week in the data yet ({span}); --week {running} stores "
                             "the week still running")
    if start > newest:
        raise ValueError(f"--week {label} starts after the newest mention ({span}); nothing to store")
    if before_data:
        raise ValueError(f"--week {label} ends before the first mention ({span}); nothing to store")


# A week the data covers to within this much of its whole is a full week (data loaded up
# to Sunday evening is not worth a warning); app.weekly_notes.brands_ending_early holds a brand's data to it too.
FULL_WEEK = timedelta(days=7) - timedelta(hours=2)


def part_week_note(week: str, first_at: datetime | None, last_at: datetime | None) -> str | None:
    """Say when the data covers only part of the week, or of the week before, which its
    changes compare with: counts of fewer days than a full week's (None when both are full)."""
    if first_at is None or last_at is None:
        return None
    start = parse_week(week)
    parts = []
    for label, monday in (("this week", start), ("the week before", start - timedelta(days=7))):
        if (covered := part_covered(monday, first_at, last_at)) is not None:
            parts.append(f"{covered_time(covered)} of {label}'s 7 days")
    if not parts:
        return None
    return (f"The data ({first_at:%a %d %b %Y %H:%M} to {last_at:%a %d %b %Y %H:%M} UTC) covers only "
            + " and ".join(parts) + ": counts are of fewer days than a full week, and the "
            "week-over-week changes compare unlike periods.")


def part_covered(monday: datetime, first_at: datetime, last_at: datetime) -> timedelta | None:
    """How much of the week from `monday` the data from first_at to last_at covers, where it
    reaches that week and covers less than FULL_WEEK of it; None otherwise (the Weekly page's
    count changes say it too: app.weekly_cards.counted_days)."""
    reached = first_at < monday + timedelta(days=7) and last_at >= monday
    covered = min(monday + timedelta(days=7), last_at) - max(monday, first_at)
    # data of one moment covers none of the week's time, yet is in it: it was left unsaid
    return covered if reached and covered < FULL_WEEK else None


def covered_time(covered: timedelta) -> str:
    """Days to one decimal, or the minutes or moment of data under a tenth of a day, which
    printed as '0.0 of this week's 7 days' (as if none of it were covered)."""
    if covered >= timedelta(days=0.05):
        return f"{covered / timedelta(days=1):.1f}"
    if covered >= timedelta(minutes=1):
        return f"{covered // timedelta(minutes=1)} min"
    return "a single moment"


def stored_week(con, week: str) -> pd.DataFrame:
    return con.execute("SELECT * FROM weekly_snapshots WHERE week = ? ORDER BY brand",
                       [week]).df()


def _ensure_week(con, start: datetime, horizon_hours: float) -> None:
    label = week_label(start)
    # a closed week is final under the definitions it was stored with: one stored under older
    # ones is recomputed (as of its end, so on the same data), as the Weekly page advises
    final, closed, kept = con.execute(
        "SELECT bool_and(closed AND metric_version = ?), bool_and(closed), "
        "CASE WHEN min(horizon_hours) = max(horizon_hours) THEN min(horizon_hours) END "
        "FROM weekly_snapshots WHERE week = ?", [METRIC_VERSION, label]).fetchall()[0]
    if final:
        return
    if closed and kept is not None:
        # restated under this version's definitions, a closed week keeps the horizon it was stored
        # with, as --horizon promises: storing the week after it at another horizon, or asking
        # for it at one, moved an older version's week from 72 h to 24 h and changed its figures
        horizon_hours = kept
    frame = compute_week(con, start, horizon_hours)
    con.execute("DELETE FROM weekly_snapshots WHERE week = ?", [label])
    _insert(con, frame)


def _add_late_brands(con, through: datetime) -> None:
    """Give each final stored week up to `through` (closed, stored under this version's definitions
    and requests counted) the rows of the brands it lacks that have customer mentions in it now:
    their export arrived after the week was stored (monthly Facebook pulls), and the week, final,
    was never stored again, so they were left out of it for good. Oldest week first: a brand late
    in two weeks has the earlier one's row to take its changes from. The rows stored stay as they
    were; an added one is computed as of the week's end under the horizon the week was stored
    with, its computed_at later than theirs."""
    weeks = con.execute("""
        WITH final_weeks AS (
            SELECT week, min(week_start) AS week_start, list(brand) AS brands,
                   CASE WHEN min(horizon_hours) = max(horizon_hours) THEN min(horizon_hours) END AS horizon_hours
            FROM weekly_snapshots
            GROUP BY week
            HAVING bool_and(closed AND metric_version = $version AND requests_counted = $mode)
               AND min(week_start) <= $through
        )
        SELECT DISTINCT w.week_start, w.horizon_hours
        FROM final_weeks AS w
        JOIN dash_mention_slots AS s
          ON s.slot_at >= w.week_start AND s.slot_at < w.week_start + INTERVAL 7 DAY
        WHERE s.brand IS NOT NULL AND NOT list_contains(w.brands, s.brand)
        ORDER BY w.week_start""",
        {"version": METRIC_VERSION, "mode": requests_counted(con), "through": through}).fetchall()
    for start, horizon_hours in weeks:
        start = start.astimezone(timezone.utc)
        if horizon_hours is None:  # rows of several horizons (never stored so): no horizon to add one at
            continue
        frame = compute_week(con, start, horizon_hours)
        have = {brand for (brand,) in con.execute("SELECT brand FROM weekly_snapshots WHERE week = ?",
                                                  [week_label(start)]).fetchall()}
        _insert(con, frame[~frame["brand"].isin(have)])


def recomputed(con, week: str) -> pd.DataFrame:
    """The final stored rows of `week` (closed, under this version's definitions and requests
    counted) beside the week computed now from the data, as of its end under each row's horizon:
    per brand, its computed_at, each of DELTA_COLUMNS as stored, and as computed now (`<column>_now`;
    a brand with no customer mention now counts none). A final row is never computed again, yet a
    newer export of the same history changes what it was computed from (a reply linked to its
    request, an author become a brand account, a comment noticed deleted), as a late load does:
    the row stays as reported, and this says by how much the data now differs (app.weekly_notes.changed_since)."""
    columns = ["brand", "horizon_hours", "computed_at", *DELTA_COLUMNS]
    if not has_stored_weeks(con):
        return pd.DataFrame(columns=columns + [f"{column}_now" for column in DELTA_COLUMNS])
    mode = requests_counted(con)
    stored = con.execute(
        f"SELECT {', '.join(columns)} FROM {stored_table(con)} WHERE week = ? AND closed "
        "AND metric_version = ? AND requests_counted = ? ORDER BY brand", [week, METRIC_VERSION, mode]).df()
    newest = metrics.resolve_as_of(con, None)
    if stored.empty or newest is None:
        return stored.assign(**{f"{column}_now": pd.NA for column in DELTA_COLUMNS})
    start = parse_week(week)
    as_of, _ = _evaluated_at(start, newest)
    parts = []
    for horizon in stored["horizon_hours"].unique():
        now = _week_values(con, start, as_of, float(horizon), mode)[["brand", *DELTA_COLUMNS]]
        part = stored[stored["horizon_hours"] == horizon].merge(now, on="brand", how="left", suffixes=("", "_now"))
        # a brand with no customer mention now counts none; its deletions 'not checked' stay so
        absent = ~part["brand"].isin(now["brand"])
        parts.append(part.assign(**{f"{column}_now": part[f"{column}_now"].mask(absent, 0)
                                    for column in _COUNT_COLUMNS}))
    return pd.concat(parts, ignore_index=True).sort_values("brand", ignore_index=True)


def changed_since_stored(con, week: str) -> str | None:
    """recomputed's differences as plain text, for the command line: 'Acme: mentions 4 -> 3,
    ghost_town_rate 0.5 -> 0'; None when the data gives every final row's figures as stored."""
    parts = []
    for row in recomputed(con, week).itertuples(index=False):
        row = row._asdict()
        moved = [f"{column} {_plain(row[column])} -> {_plain(row[column + '_now'])}" for column in DELTA_COLUMNS
                 if _differs(row[column], row[column + "_now"])]
        if moved:
            parts.append(f"{row['brand']}: {', '.join(moved)}")
    return "; ".join(parts) or None


def _differs(stored, now) -> bool:
    if pd.isna(stored) or pd.isna(now):
        return bool(pd.isna(stored) != pd.isna(now))
    return abs(float(stored) - float(now)) > 1e-9 * max(1.0, abs(float(stored)))


def _plain(value) -> str:
    return "none" if pd.isna(value) else f"{float(value):.4g}"


def added_late(rows: pd.DataFrame) -> pd.DataFrame:
    """The stored rows of a week added after it was first stored, when their brand's data
    arrived (_add_late_brands): computed after its first row (week_stored_at where `rows` are
    some brands' of the week, app/sql/weekly_stored.sql), so a reader of it before did not see
    them. A week stored or computed whole has one computed_at: none."""
    if rows.empty:
        return rows
    first = rows["week_stored_at"] if "week_stored_at" in rows else rows["computed_at"].min()
    return rows[rows["computed_at"] > first]


def _insert(con, frame: pd.DataFrame) -> None:
    if frame.empty:
        return
    con.register("_snapshot", frame)
    columns = ", ".join(frame.columns)
    con.execute(f"INSERT INTO weekly_snapshots ({columns}) SELECT {columns} FROM _snapshot")
    con.unregister("_snapshot")


def compute_week(con, start: datetime, horizon_hours: float = DEFAULT_HORIZON_HOURS) -> pd.DataFrame:
    """The snapshot rows of the week starting at `start` (read-only)."""
    newest = metrics.resolve_as_of(con, None)
    if newest is None:
        return pd.DataFrame()
    as_of, closed = _evaluated_at(start, newest)
    mode = requests_counted(con)
    frame = _week_values(con, start, as_of, horizon_hours, mode)
    # a list, not map + fillna: a week without top risks maps to floats, which pandas will
    # refuse to fill with text
    risks = _top_risks(con, start, as_of, horizon_hours, mode)
    frame["top_risks"] = [risks.get(brand, "[]") for brand in frame["brand"]]
    before = start - timedelta(days=7)
    frame = _with_deltas(frame, _previous_values(con, before, horizon_hours, mode, newest),
                         _started_after(con, before + timedelta(days=1)))
    frame.insert(0, "week", week_label(start))
    frame["week_start"] = pd.Timestamp(start)
    frame["as_of"] = pd.Timestamp(as_of)
    frame["closed"] = closed
    frame["requests_counted"] = mode
    frame["horizon_hours"] = float(horizon_hours)
    frame["metric_version"] = METRIC_VERSION
    frame["computed_at"] = pd.Timestamp(datetime.now(timezone.utc))
    return frame.sort_values("brand").reset_index(drop=True)


def _evaluated_at(start: datetime, newest: datetime) -> tuple[datetime, bool]:
    """(as_of, closed): a week is evaluated as of its end once the data has passed it, else
    as of the newest mention."""
    end = start + timedelta(days=7)
    return (end - _TICK, True) if newest >= end else (newest, False)


def requests_counted(con) -> str:
    """The requests a week computed now counts (a stored row's requests_counted): needs-reply
    once any text is scored, else all (app.weekly compares an older row's with it too)."""
    scored = con.execute("SELECT count(*) > 0 FROM mention_scores").fetchall()[0][0]
    return "needs-reply" if scored else "all"


def _week_values(con, start: datetime, as_of: datetime, horizon_hours: float,
                 mode: str) -> pd.DataFrame:
    """Per brand, the week's volume and care numbers (the values deltas are taken of)."""
    volume = _volume(con, start, as_of)
    care = metrics.ghost_town(con, ["brand"], as_of, horizon_hours, mode, SLA_MINUTES, since=start,
                              ranked=False)  # CARE_COLUMNS keep no shrunk rate or rank
    frame = volume.merge(care[["brand", *CARE_COLUMNS]] if not care.empty
                         else pd.DataFrame(columns=["brand", *CARE_COLUMNS]),
                         on="brand", how="outer")
    for column in ("mentions", "requests", "answered", "ignored", "pending", *RATE_COUNTS):
        frame[column] = frame[column].fillna(0).astype("int64")
    deleted = frame["deleted_comments"].fillna(0).astype("Int64")
    # a brand whose deletions could not be found: NULL, 'not checked' (a 0 read as 'none deleted')
    unchecked = ~frame["brand"].isin(_deletions_checked(con, start))
    frame["deleted_comments"] = deleted.mask((deleted == 0) & unchecked)
    return frame


# No upper bound on the exports that vouch for a week: its deleted comments are those found by
# any export loaded so far (DEFINITIONS in app.weekly), not only by the week's end.
_ANY_EXPORT_SO_FAR = datetime(9999, 12, 31, tzinfo=timezone.utc)
# The complete exports that can find a week's deleted comments, as the pages and the CLI say it
DELETED_SPAN = "ending from the week's start"


def _deletions_checked(con, start: datetime) -> set[str]:
    """The brands a deleted comment of the week starting at `start` could be found for: one of
    their pages has two complete exports ending from its start (the Ghost Town page's and the
    audit's test, app/sql/care_brands_compared.sql). For the others a Twitter-only brand's 0 read
    as 'none deleted' (a review): the snapshot stores NULL, 'not checked'."""
    from app.queries import sql_text  # the dashboard's query, one test for every page and the snapshot
    return {brand for brand, _ in con.execute(sql_text("care_brands_compared"), {
        "brands": [], "platforms": [], "pages": [], "start_at": start, "as_of": _ANY_EXPORT_SO_FAR}).fetchall()}


def _previous_values(con, start: datetime, horizon_hours: float, mode: str,
                     newest: datetime) -> pd.DataFrame:
    """The week before's values to take deltas against: its stored rows when closed and
    stored under this week's definitions (horizon, requests counted, metric version), else
    computed now under them, as are those of a brand with mentions in the week but no stored row
    (its data arrived after the week was stored). Stored rows from before the counts were kept take those of the
    week computed now: else the first week stored after an upgrade had its complaint share,
    net sentiment and deflection changes unweighed for chance, as if stored before."""
    stored = None
    if has_stored_weeks(con):
        stored = con.execute(
            f"SELECT brand, {', '.join(_PREVIOUS_COLUMNS)} FROM {stored_table(con)} WHERE week = ? AND closed "
            "AND horizon_hours = ? AND requests_counted = ? AND metric_version = ?",
            [week_label(start), horizon_hours, mode, METRIC_VERSION]).df()
        complete = len(stored) and stored["scored"].notna().all()
        if complete and not _lacks_brands(con, start, list(stored["brand"])):
            return stored
    as_of, _ = _evaluated_at(start, newest)
    if as_of < start:
        return pd.DataFrame(columns=["brand", *_PREVIOUS_COLUMNS])  # a week before the data
    values = _week_values(con, start, as_of, horizon_hours, mode)[["brand", *_PREVIOUS_COLUMNS]]
    if stored is None or stored.empty:
        return values
    if complete:  # a brand whose data came after the week was stored: its values as of the week's end
        return pd.concat([stored, values[~values["brand"].isin(stored["brand"])]], ignore_index=True)
    counts = [column for column in _PREVIOUS_COLUMNS if column in ADDED_COLUMNS]
    return stored.drop(columns=counts).merge(values[["brand", *counts]], on="brand", how="left")


def _lacks_brands(con, start: datetime, brands: list[str]) -> bool:
    """Whether a brand other than `brands` has customer mentions in the week starting at `start`."""
    return con.execute("SELECT count(*) > 0 FROM dash_mention_slots WHERE brand IS NOT NULL AND slot_at >= ? "
                       "AND slot_at < ? AND NOT list_contains(?, brand)",
                       [start, start + timedelta(days=7), brands]).fetchall()[0][0]


def has_stored_weeks(con) -> bool:
    """Whether the warehouse has the weekly_snapshots table (`python -m etl snapshot` makes it)."""
    return con.execute("SELECT count(*) > 0 FROM information_schema.tables "
                       "WHERE table_catalog = current_database() AND table_name = 'weekly_snapshots'"
                       ).fetchall()[0][0]


def _volume(con, start: datetime, as_of: datetime) -> pd.DataFrame:
    """Mentions, complaint share and net sentiment of the customer mentions from `start` to
    `as_of`, per brand, added up from the quarter-hour counts of dash_mention_slots: a week
    starts on a quarter hour (Monday 00:00 UTC), and as_of either ends the week or is the
    newest mention, so its quarter hours hold exactly the week's mentions up to as_of (a
    join of the week's mentions with every score took 0.4 s at 10M mentions)."""
    return con.execute(_VOLUME_SQL, {"start": start, "as_of": as_of}).df()


def _top_risks(con, start: datetime, as_of: datetime, horizon_hours: float,
               mode: str) -> dict[str, str]:
    """Per brand, the open or ignored requests ranked by their customers' reach: complaints first,
    then by the customer's followers (unknown last), then the earliest; a complaint with the
    id of its message that complains (care_requests.complaint_id), which the Weekly page quotes."""
    rows = con.execute(_TOP_RISKS_SQL, {"start": start, "as_of": as_of, "horizon": horizon_hours, "mode": mode,
                                        "top": TOP_RISKS}).fetchall()
    risks: dict[str, list] = {}
    for brand, request_id, handle, followers, complaint, status, requested_at, complaint_id in rows:
        risks.setdefault(brand, []).append({
            "request_id": request_id, "author_handle": handle, "followers": followers,
            "is_complaint": bool(complaint), "status": status,
            "requested_at": requested_at.isoformat(), "complaint_id": complaint_id})
    return {brand: json.dumps(items) for brand, items in risks.items()}


def _started_after(con, moment: datetime) -> set[str]:
    """The brands whose data starts at or after `moment` (their first mention, brand accounts'
    posts included, from the dash_filter_options mart). Given the previous week's Tuesday: a
    brand whose data starts on its Monday, as the Overview counts a first day, has it whole."""
    rows = con.execute("SELECT brand FROM dash_filter_options WHERE brand IS NOT NULL GROUP BY brand "
                       "HAVING min(first_at) >= ?", [moment]).fetchall()
    return {brand for (brand,) in rows}


def _with_deltas(frame: pd.DataFrame, previous: pd.DataFrame, partial: set[str] = frozenset()) -> pd.DataFrame:
    """The week's values with each one's change from the previous week's. partial: brands
    whose data starts after the previous week began, whose counts that week are of part of it."""
    merged = frame.merge(previous, on="brand", how="left", suffixes=("", "_previous"),
                         indicator=True)
    for column in DELTA_COLUMNS:
        delta = merged[column] - merged[f"{column}_previous"]
        if column in _COUNT_COLUMNS:
            # A brand absent from the previous week had none of these; with no brand in
            # the previous week at all (before the data) the change is unknown, as it is for
            # a brand whose data starts within or after it (+1,234 mentions would be its
            # first week, not growth).
            if previous.empty:
                delta = pd.Series(pd.NA, index=merged.index)
            else:
                delta = delta.where(merged["_merge"] == "both", merged[column])
                delta = delta.where(~merged["brand"].isin(partial))
            delta = delta.astype("Int64")
        merged[f"{column}_wow"] = delta
    for column in BEFORE_COLUMNS:
        merged[column] = merged[column.replace("_before", "_previous")]
    return merged.drop(columns=[f"{c}_previous" for c in _PREVIOUS_COLUMNS] + ["_merge"])
