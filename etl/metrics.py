"""Care metrics of SPEC section 4 on a (read-only) connection: ghost-town rates with
intervals and shrinkage, SLA, Kaplan–Meier time to response, deflection, coverage by hour
of week, vendor definitions and deleted comments.

Every function here only runs SELECTs with bound parameters, so the dashboard can call
them on a read-only connection. They read the care models (etl/models) that each load
rebuilds, and evaluate them as of a moment: only data created up to then counts.
"""

from __future__ import annotations

import math
import re
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd

from .care_definitions import DEFAULT_HORIZON_HOURS, DEFAULT_SLA_MINUTES, METRIC_VERSION
from .care_stats import group_counts, kaplan_meier, shrink, wilson_interval
from .usage import UsageError

GHOST_TOWN_COLUMNS = (
    "requests", "answered", "ignored", "pending", "ghost_town_rate", "ghost_town_ci_low",
    "ghost_town_ci_high", "sla_rate", "median_response_minutes", "km_median_minutes",
    "p_answered_1h", "deflection_rate",
)
EXTRA_COLUMNS = (
    "response_rate", "ghost_town_rate_shrunk", "ghost_town_shrunk_low", "ghost_town_rank", "mean_response_minutes",
    "vendor_answered_mean_minutes", "vendor_median_comment_minutes",
    "vendor_fastest90_mean_minutes", "deflections", "scored_responses", "horizon_hours", "sla_minutes",
    "requests_counted", "as_of", "metric_version",
)
# After them, where the request rows carry each one's messages (_REQUESTS_SQL's do; the dashboard's
# collapsed rows do not, and its pages' frames keep their columns): the inbound mentions the counted
# requests are made of, first messages and follow-ups, so that `--requests all` reconciles with a raw
# count of inbound mentions where `requests` counts runs of them (SPEC 4, 5).
MESSAGES_COLUMN = "messages"
# Before it, where asked (ghost_town: the command line's rows, which carry each one's is_complaint):
# the ignored requests that were complaints by the as-of moment, the count the Overview's Customers
# lost multiplies (app.care.ignored_complaint_count, word of mouth): 'ignored' counts questions too,
# so the card's 24,380 = 4,876 x 5 of the demo could not be checked against any command (ux60c).
COMPLAINTS_COLUMN = "ignored_complaints"
VENDOR_COLUMNS = ("median_response_minutes", "mean_response_minutes", "km_median_minutes",
                  "vendor_answered_mean_minutes", "vendor_median_comment_minutes",
                  "vendor_fastest90_mean_minutes")
REQUEST_MODES = ("needs-reply", "all")
_LOCAL = "timezone(coalesce(zone.timezone, 'UTC'), r.requested_at)"
BY_COLUMNS = {
    "brand": "r.brand",
    "page": "r.page",
    "platform": "r.platform",
    "week": "strftime(r.requested_at, '%G-W%V')",
    "hour_of_week": f"(isodow({_LOCAL}) - 1) * 24 + hour({_LOCAL})",
}
_TIME_COLUMNS = {"week", "hour_of_week"}
_ONE_HOUR = 60.0
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")  # hour_of_week // 24, ISO order

# The queries (etl/care_*.sql); _fetch fills in the by-columns and the scope they share.
_IN_SCOPE = Path(__file__).with_name("care_scope.sql").read_text()
_REQUESTS_SQL = Path(__file__).with_name("care_request_rows.sql").read_text()
_COMMENTS_SQL = Path(__file__).with_name("care_reply_times.sql").read_text()
_DELETED_SQL = Path(__file__).with_name("care_deleted.sql").read_text()
_UNANSWERING_SQL = Path(__file__).with_name("care_unanswering.sql").read_text()
_DELETED_IDS_SQL = Path(__file__).with_name("deleted_roots.sql").read_text()
# whether one brand has a post by a brand account: LIMIT 1 stops the scan at the first
_BRAND_POSTED_SQL = "SELECT 1 FROM mentions WHERE brand = $brand AND is_brand LIMIT 1"


def ghost_town(con, by=(), as_of: datetime | str | None = None, horizon_hours: float = DEFAULT_HORIZON_HOURS,
               requests: str = "needs-reply", sla_minutes: float = DEFAULT_SLA_MINUTES, *,
               brand: str | None = None, page: str | None = None,
               since: datetime | str | None = None, ranked: bool = True) -> pd.DataFrame:
    """Care metrics per group: the by-columns, GHOST_TOWN_COLUMNS, EXTRA_COLUMNS, then
    ignored_complaints and messages.

    Requests made from `since` (inclusive) up to `as_of` count; brand and page filter.
    ranked=False: for a caller that drops the shrunk rate and rank (the weekly snapshot), whose
    prior then keeps every brand rather than scan the mentions for the silent ones.

    by is any of brand, page, platform, week, hour_of_week (empty: one overall row).
    Rows are ranked by the shrunk ghost-town rate (worst first) unless grouped by time,
    in which case they are in time order.
    """
    by = check_by(by)
    check_requests_mode(requests)
    if horizon_hours <= 0 or sla_minutes <= 0:
        raise ValueError("horizon and SLA must be positive")
    require_models(con)
    moment = resolve_as_of(con, as_of)
    start = resolve_as_of(con, since, "--since") if since is not None else None
    params = {"as_of": moment, "mode": requests, "brand": brand, "page": page, "since": start}
    if moment is None:
        return _empty(by, messages=True, complaints=True)
    rows = _fetch(con, _REQUESTS_SQL, by, {**params, "horizon_minutes": float(horizon_hours) * 60.0})
    if rows.empty:
        return _empty(by, messages=True, complaints=True)
    comments = _fetch(con, _COMMENTS_SQL, by, params)
    return summarise(rows, comments, by, horizon_hours, requests, sla_minutes, moment,
                     prior_leaves_out=_silent_brands_of(con, rows) if ranked else (), complaints=True)


def _silent_brands_of(con, rows: pd.DataFrame) -> list[str]:
    """brands_without_replies among the brands of request rows grouped by brand (none asked
    otherwise: the rows carry no brand to leave out of the shrunk rate's prior). Asked only of
    the brands none of whose requests here has a response (a brand account's reply): the list
    scans every mention (0.3 s of a 10M warehouse), once per week a snapshot computes, and a
    brand answered here has a post in the data."""
    if "brand" not in rows:
        return []
    responded = rows["response_minutes"].notna().groupby(rows["brand"]).any()
    unanswered = sorted(responded.index[~responded])
    return brands_without_replies(con, unanswered) if unanswered else []


def summarise(rows: pd.DataFrame, comments: pd.DataFrame, by: list[str], horizon_hours: float,
              requests: str, sla_minutes: float, as_of, *, prior_leaves_out=(),
              complaints: bool = False) -> pd.DataFrame:
    """The care metrics of request rows (as _REQUESTS_SQL selects them) grouped by `by`,
    labelled with the settings they were computed under and ranked as ghost_town ranks.
    The dashboard calls this on its own selection so its numbers are ghost_town's.

    A `request_count` column, where given, says how many requests a row stands for: rows of
    unanswered requests, all older than the horizon and than every response time of the
    rows, may come collapsed per group (app/sql/care_requests_scope.sql). Their exact ages
    change nothing: each is ignored, and censored after every Kaplan–Meier step.

    A `messages` column, where given, says how many inbound mentions each row's requests are
    made of: summed per group, it follows the other columns (MESSAGES_COLUMN).

    prior_leaves_out: brands (brands_without_replies) whose groups, grouped by brand (the command
    line's rows carry a brand only then), are left out of the shrunk rate's prior:
    their requests are ignored by the data's silence, and pulled the brands with replies towards
    it (a brand with 1 of 1 answered shrunk to 0.70 beside airlines whose replies the file lacks).
    Their own shrunk rates are still computed against the others' prior.

    complaints: add COMPLAINTS_COLUMN, the ignored rows with is_complaint (the pages' frames
    keep their columns)."""
    if rows.empty:
        return _empty(by, messages=MESSAGES_COLUMN in rows, complaints=complaints)
    frame = _aggregate(rows, comments, by, horizon_hours * 60.0, float(sla_minutes),
                       prior_leaves_out if "brand" in by else (), complaints)
    settings = pd.DataFrame({"horizon_hours": float(horizon_hours), "sla_minutes": float(sla_minutes),
                             "requests_counted": requests, "as_of": pd.Timestamp(as_of),
                             "metric_version": METRIC_VERSION}, index=frame.index)
    return _order(pd.concat([frame, settings], axis=1), by)


def vendor_definitions(con, by=("brand",), as_of=None, horizon_hours: float = DEFAULT_HORIZON_HOURS,
                       requests: str = "needs-reply", *, brand: str | None = None, page: str | None = None,
                       since=None) -> pd.DataFrame:
    """Our time-to-response figures beside the common tools' definitions, per group (of
    the requests of `brand`, `page` and made from `since` where given)."""
    frame = ghost_town(con, by, as_of, horizon_hours, requests, brand=brand, page=page, since=since)
    return frame[list(check_by(by)) + ["requests", "answered", "ignored", "pending",
                                       *VENDOR_COLUMNS]]


def coverage(con, brand: str, as_of=None, horizon_hours: float = DEFAULT_HORIZON_HOURS,
             requests: str = "needs-reply", sla_minutes: float = DEFAULT_SLA_MINUTES,
             page: str | None = None, since=None) -> pd.DataFrame:
    """Response rate and times for each of the 168 hours of the week, in the brand's zone
    (of the requests made from `since` where given)."""
    frame = ghost_town(con, ["hour_of_week"], as_of, horizon_hours, requests, sla_minutes,
                       brand=brand, page=page, since=since)
    return hours_of_week(frame, brand_timezone(con, brand))


def hours_of_week(hourly: pd.DataFrame, timezone: str) -> pd.DataFrame:
    """Coverage's 168 rows from ghost_town(by hour_of_week): hours without requests as zeros,
    the response rate's interval (the ghost-town interval mirrored), day and hour labels."""
    keep = ["hour_of_week", "requests", "answered", "ignored", "pending", "response_rate",
            "ghost_town_ci_low", "ghost_town_ci_high", "sla_rate", "median_response_minutes",
            "km_median_minutes", "p_answered_1h"]
    hours = pd.DataFrame({"hour_of_week": np.arange(168)})
    frame = hours.merge(hourly[keep] if not hourly.empty else pd.DataFrame(columns=keep),
                        on="hour_of_week", how="left")
    for column in ("requests", "answered", "ignored", "pending"):
        frame[column] = frame[column].fillna(0).astype("int64")
    frame["response_rate_ci_low"] = 1 - frame.pop("ghost_town_ci_high")
    frame["response_rate_ci_high"] = 1 - frame.pop("ghost_town_ci_low")
    frame.insert(1, "day", [DAYS[h // 24] for h in range(168)])
    frame.insert(2, "hour", np.arange(168) % 24)
    frame["timezone"] = timezone
    return frame


def deleted_comments(con, as_of=None, brand: str | None = None) -> pd.DataFrame:
    """Per brand: customer mentions that disappeared from a later complete export, and
    how many of them were negative. Counts mentions created up to as_of."""
    require_models(con)
    moment = resolve_as_of(con, as_of)
    return con.execute(_DELETED_SQL, {"as_of": moment, "brand": brand}).df()


def deleted_ids(con, known_by=None) -> list[str]:
    """The ids of the mentions their authors deleted, as found by known_by (None: every one
    found so far, as the care queue leaves them out; etl/deleted_roots.sql)."""
    return [mention_id for (mention_id,) in con.execute(_DELETED_IDS_SQL, {"as_of": known_by}).fetchall()]


def brands_without_replies(con, brands=()) -> list[str]:
    """The brands (of `brands`, or all) not one of whose mentions anywhere in the data is by a
    brand account: their requests are ignored by definition, whatever the brand did."""
    brands = list(brands)
    # the audit asks of one brand: its first post by a brand account found settles it (10M mentions:
    # 0.15 -> 0.003 s), where the list aggregated every one of its 1.25M mentions to say so
    if len(brands) == 1 and con.execute(_BRAND_POSTED_SQL, {"brand": brands[0]}).fetchall():
        return []
    return [brand for (brand,) in con.execute(_UNANSWERING_SQL, {"brands": brands}).fetchall()]


def no_replies_note(brands) -> str | None:
    """What the care numbers of brands_without_replies mean, or None when there are none:
    a file with customers' posts only read as '100% ignored' (the airline sentiment tweets)."""
    if not brands:
        return None
    shown = ", ".join(brands[:8]) + (f" and {len(brands) - 8:,} more" if len(brands) > 8 else "")
    return (f"No post by any account of {shown} is in the data, so none of their replies is in it "
            "either: every request of theirs counts as ignored once the horizon H has passed (ghost-town "
            "rate 100%, SLA rate 0%, no response time) whether or not they answered. These numbers say the "
            "data holds no answers, not that none were given; load the brand's own posts (naming its "
            "accounts, where the file does not mark them, in the Data page's Brand accounts field or with "
            "--brand-account) to "
            "measure how it answers.")


def check_by(by) -> list[str]:
    if isinstance(by, str):
        by = [part.strip() for part in by.split(",") if part.strip()]
    by = list(by)
    unknown = [name for name in by if name not in BY_COLUMNS]
    if unknown:
        raise UsageError(f"cannot group by {', '.join(unknown)}; choose from {', '.join(BY_COLUMNS)}")
    if len(set(by)) != len(by):
        raise UsageError(f"--by names a column twice: {','.join(by)}")
    return by


def check_requests_mode(requests: str) -> None:
    if requests not in REQUEST_MODES:
        raise UsageError(f"--requests must be one of {', '.join(REQUEST_MODES)}, not {requests!r}")


def mention_span(con) -> tuple[datetime | None, datetime | None]:
    """The first and the newest mention's times (None, None for no mention)."""
    return con.execute("SELECT min(created_at), max(created_at) FROM mentions").fetchall()[0]


def resolve_as_of(con, as_of, option: str = "--as-of") -> datetime | None:
    """The moment to evaluate at: as given (naive means UTC), else the newest mention. A
    string that is no moment is an error naming the option it came from."""
    if as_of is None:
        return con.execute("SELECT max(created_at) FROM mentions").fetchall()[0][0]
    if isinstance(as_of, str):
        try:
            # RFC 3339 allows a lower-case 'z' for UTC, which fromisoformat refuses ('t' it takes)
            as_of = datetime.fromisoformat(re.sub("z$", "Z", as_of.strip()))
        except ValueError:
            raise UsageError(f"{option} {as_of!r} is not an ISO 8601 date and time") from None
    if isinstance(as_of, pd.Timestamp):
        as_of = as_of.to_pydatetime()
    if as_of.tzinfo is None:
        as_of = as_of.replace(tzinfo=timezone.utc)
    return as_of.astimezone(timezone.utc)


def require_models(con) -> None:
    found = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name IN "
                        "('care_requests', 'care_messages', 'stg_brands')").fetchall()[0][0]
    if found < 3:
        raise ValueError("this database has no care models yet; load data with this version "
                         "(every load rebuilds them)")


def brand_timezone(con, brand: str) -> str:
    rows = con.execute("SELECT timezone FROM stg_brands WHERE brand = ?", [brand]).fetchall()
    return rows[0][0] if rows else "UTC"


def brand_timezone_set(con, brand: str) -> bool:
    """Whether the brand's time zone was set (load --brand-timezone, the upload's zone box): else
    brand_timezone's UTC is a default, not the brand's clock. A brand stored with its industry
    alone has an empty zone (load._save_brand_settings); app/sql/brand_timezones.sql, the same rule."""
    return bool(con.execute("SELECT 1 FROM brands WHERE brand = ? AND trim(timezone) <> ''", [brand]).fetchall())


def _fetch(con, sql: str, by: list[str], params: dict) -> pd.DataFrame:
    by_select = "".join(f"{BY_COLUMNS[name]} AS {name},\n    " for name in by)
    by_names = "".join(f"{name}, " for name in by)
    return con.execute(sql.format(by_select=by_select, by_names=by_names, in_scope=_IN_SCOPE), params).df()


def outcomes(rows: pd.DataFrame, horizon: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(responded, answered, ignored) of each request row (as _REQUESTS_SQL selects them)
    under a horizon in minutes (SPEC 4): answered within it; ignored when not answered and
    at least that old; neither is pending."""
    response = rows["response_minutes"].to_numpy(dtype=float)
    responded = ~np.isnan(response)
    answered = responded & (response <= horizon)
    return responded, answered, ~answered & (rows["age_minutes"].to_numpy(dtype=float) >= horizon)


def ignored_complaint_rows(rows: pd.DataFrame, horizon: float) -> np.ndarray:
    """Which request rows are ignored complaints (outcomes' ignored, under a horizon in minutes,
    and a complaint by the as-of moment: is_complaint): the unresolved negative experiences word
    of mouth multiplies (SPEC 4), as app.care.ignored_complaint_count counts them for the
    Overview's Customers lost; weigh each by request_counts."""
    return outcomes(rows, horizon)[2] & rows["is_complaint"].to_numpy(dtype=bool)


def request_counts(rows: pd.DataFrame) -> np.ndarray | None:
    """How many requests each row stands for (the dashboard's rows may collapse several
    unanswered ones, see summarise); None where each row is one."""
    return rows["request_count"].to_numpy(dtype=np.int64) if "request_count" in rows else None


def _aggregate(rows: pd.DataFrame, comments: pd.DataFrame, by: list[str],
               horizon: float, sla: float, prior_leaves_out=(), complaints: bool = False) -> pd.DataFrame:
    codes, keys = _group_codes(rows, by)
    n = len(keys)
    response = rows["response_minutes"].to_numpy(dtype=float)
    age = rows["age_minutes"].to_numpy(dtype=float)
    responded, answered, ignored = outcomes(rows, horizon)
    counts = request_counts(rows)

    def count(mask):
        return group_counts(codes[mask], None if counts is None else counts[mask], n)

    # the columns as arrays, made a frame once: set one by one, each cost a copy of the
    # frame's index and blocks (half of an audit's two summaries of 11,301 requests, 1M mentions)
    out = {"requests": group_counts(codes, counts, n), "answered": count(answered), "ignored": count(ignored)}
    out["pending"] = out["requests"] - out["answered"] - out["ignored"]  # neither, by definition
    decided = out["answered"] + out["ignored"]
    with np.errstate(divide="ignore", invalid="ignore"):
        out["ghost_town_rate"] = np.where(decided > 0, out["ignored"] / decided, np.nan)
        out["ghost_town_ci_low"], out["ghost_town_ci_high"] = wilson_interval(out["ignored"], decided)
        out["sla_rate"] = np.where(decided > 0, count(answered & (response <= sla)) / decided, np.nan)
    out["median_response_minutes"] = _by_code(response[answered], codes[answered], n, "median")
    times = np.where(responded, response, age)
    out["km_median_minutes"], out["p_answered_1h"] = kaplan_meier(codes, times, responded, _ONE_HOUR, counts)
    out["deflections"], out["scored_responses"] = _deflections(rows, responded, codes, n)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["deflection_rate"] = np.where(out["scored_responses"] > 0,
                                          out["deflections"] / out["scored_responses"], np.nan)
    out["response_rate"] = 1 - out["ghost_town_rate"]
    silent = count(_of_brands(rows, prior_leaves_out)) == out["requests"]  # every request of the group
    out["ghost_town_rate_shrunk"], out["ghost_town_shrunk_low"] = shrink(out["ignored"], decided, in_prior=~silent)
    out["ghost_town_rank"] = _rank_worst_first(out["ghost_town_shrunk_low"], out["ghost_town_rate_shrunk"], decided)
    out["mean_response_minutes"] = _by_code(response[answered], codes[answered], n, "mean")
    out["vendor_answered_mean_minutes"] = _by_code(response[responded], codes[responded], n, "mean")
    out["vendor_median_comment_minutes"] = comment_median(comments, keys, by)
    out["vendor_fastest90_mean_minutes"] = _fastest_share_mean(response[responded],
                                                               codes[responded], n, 0.9)
    if complaints:
        out[COMPLAINTS_COLUMN] = count(ignored_complaint_rows(rows, horizon))
    if MESSAGES_COLUMN in rows:
        out[MESSAGES_COLUMN] = group_counts(codes, rows[MESSAGES_COLUMN].to_numpy(dtype=np.int64), n)
    return pd.concat([keys, pd.DataFrame(out, index=keys.index)], axis=1)


def _rank_worst_first(shrunk_low: np.ndarray, shrunk: np.ndarray,
                      decided: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """1 = worst: by the conservative shrunk bound, then the shrunk rate. A group with no
    decided request has no rate and no rank (ranked last, a brand whose requests were all
    pending read as the best of the list, on the dashboard and in this command's output)."""
    low = np.asarray(shrunk_low, dtype=float)
    mean = np.asarray(shrunk, dtype=float)
    order = np.lexsort((-np.nan_to_num(mean, nan=-1), -np.nan_to_num(low, nan=-1)))
    rank = np.empty(len(low), dtype="int64")
    rank[order] = np.arange(1, len(low) + 1)
    ranked = pd.array(rank, dtype="Int64")
    ranked[decided == 0] = pd.NA
    return ranked


def _group_codes(rows: pd.DataFrame, by: list[str]) -> tuple[np.ndarray, pd.DataFrame]:
    """Each row's group number and the groups' keys, in the order of
    rows.groupby(by, dropna=False, sort=True) (missing values last), without its sort of
    every row: each column is factorised (hashing), the codes combined into one integer and
    factorised again, so only distinct values are sorted."""
    if not by:
        return np.zeros(len(rows), dtype=np.int64), pd.DataFrame(index=[0])
    factorised = [pd.factorize(rows[column], sort=True) for column in by]
    if math.prod(len(values) + 1 for _, values in factorised) >= 2**62:
        return _group_codes_by_sorting(rows, by)  # the combined number would overflow
    combined = None
    for codes, values in factorised:
        codes = np.where(codes < 0, len(values), codes)  # missing: after every value
        combined = codes if combined is None else combined * (len(values) + 1) + codes
    if len(by) == 1:  # factorize numbered the values present in order; missing ones last
        group_codes, present = combined, np.arange(combined.max(initial=-1) + 1)
    else:
        group_codes, present = pd.factorize(combined, sort=True)
    keys = pd.DataFrame(index=range(len(present)))
    for column, (_, values) in reversed(list(zip(by, factorised))):
        present, index = np.divmod(present, len(values) + 1)
        index = np.where(index == len(values), -1, index)  # -1: missing
        keys[column] = values.take(index, allow_fill=True, fill_value=np.nan)
    return group_codes.astype(np.int64, copy=False), keys[by].astype(rows[by].dtypes.to_dict())


def _group_codes_by_sorting(rows: pd.DataFrame, by: list[str]) -> tuple[np.ndarray, pd.DataFrame]:
    grouped = rows.groupby(by, dropna=False, sort=True)
    codes = grouped.ngroup().to_numpy(dtype=np.int64)
    first = grouped.head(1).index.to_numpy()
    keys = rows[by].iloc[first].assign(_code=codes[first]).sort_values("_code")
    return codes, keys.drop(columns="_code").reset_index(drop=True)


def _by_code(values: np.ndarray, codes: np.ndarray, n: int, how: str) -> np.ndarray:
    result = pd.Series(values).groupby(codes).agg(how)
    return result.reindex(range(n)).to_numpy(dtype=float)


def _deflections(rows: pd.DataFrame, responded: np.ndarray, codes: np.ndarray, n: int):
    """(deflections, scored responses) per group, the deflection rate's numerator and
    denominator (SPEC 4): every first response by the as-of time, a late one too, since a
    brand response has no horizon."""
    flags = rows["is_deflection"].to_numpy(dtype=float, na_value=np.nan)
    scored = responded & ~np.isnan(flags)
    deflected = scored & (flags == 1)
    return (np.bincount(codes[deflected], minlength=n).astype(np.int64),
            np.bincount(codes[scored], minlength=n).astype(np.int64))


def _fastest_share_mean(values: np.ndarray, codes: np.ndarray, n: int, share: float):
    if not values.size:
        return np.full(n, np.nan)
    order = np.lexsort((values, codes))
    v, c = values[order], codes[order]
    size = np.bincount(c, minlength=n)
    start = np.concatenate(([0], np.cumsum(size)[:-1]))
    rank = np.arange(v.size) - start[c]
    keep = rank < np.ceil(share * size[c])
    return _by_code(v[keep], c[keep], n, "mean")


def comment_median(comments: pd.DataFrame, keys: pd.DataFrame, by: list[str]) -> np.ndarray:
    """The median reply_minutes of `comments` per group of `by`, lined up with keys' rows (NaN
    for a group with none); also what app.care lines its per-group medians up with."""
    if comments.empty:
        return np.full(len(keys), np.nan)
    if not by:
        return np.array([comments["reply_minutes"].median()])
    medians = comments.groupby(by, dropna=False)["reply_minutes"].median().reset_index()
    # a key column the comments hold only nulls of comes back as float: give it the keys' type
    medians = medians.astype({column: keys[column].dtype for column in by})
    return keys.merge(medians, on=by, how="left")["reply_minutes"].to_numpy(dtype=float)


def _of_brands(rows: pd.DataFrame, brands) -> np.ndarray:
    """Whether each request row is of one of `brands` (all False where the rows carry no brand)."""
    if "brand" not in rows or not len(brands):
        return np.zeros(len(rows), dtype=bool)
    return rows["brand"].isin(list(brands)).to_numpy(dtype=bool)


def _order(frame: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    if set(by) & _TIME_COLUMNS:
        frame = frame.sort_values(by, kind="stable")
    elif by:
        frame = frame.sort_values(["ghost_town_rank", "requests"] + by,
                                  ascending=[True, False] + [True] * len(by), kind="stable")
    return frame[_columns(by, MESSAGES_COLUMN in frame, COMPLAINTS_COLUMN in frame)].reset_index(drop=True)


def _columns(by: list[str], messages: bool, complaints: bool = False) -> list[str]:
    return (by + list(GHOST_TOWN_COLUMNS) + list(EXTRA_COLUMNS) + ([COMPLAINTS_COLUMN] if complaints else [])
            + ([MESSAGES_COLUMN] if messages else []))


def _empty(by: list[str], messages: bool = False, complaints: bool = False) -> pd.DataFrame:
    return pd.DataFrame(columns=_columns(by, messages, complaints))
