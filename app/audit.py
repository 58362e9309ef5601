"""The consultant's page audit (SPEC 1 and 5): one brand, one page or handle (or all of its
pages), as of a moment: a graded scorecard, the evidence behind it, coverage gaps,
deflection examples, deleted comments and recommendations that cite their numbers, built
into one AuditResult from the warehouse.

Everything here takes a plain DuckDB connection (or cursor) on the warehouse, so the
`python -m etl audit` command and the dashboard page share it; the page reaches it
through app.audit_dashboard, which adds the per-generation cache. The numbers come from
etl.metrics (the app's definitions), the lists from app/sql/audit_*.sql, the grades,
gaps and recommendations from app.audit_rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

import pandas as pd

from etl import care_definitions, metrics, word_of_mouth
from etl.care_definitions import DEFAULT_HORIZON_HOURS, DEFAULT_SLA_MINUTES

from .audit_rules import (NOT_CHECKED, coverage_gaps, decided_requests, grade_scorecard, grading_note,
                          no_deleted_note, office_hour_gaps, recommend, zone_unset)
from .demo_links import demo_share, made_up_ids
from .formatting import (counted, format_km_median, in_zone, is_utc, local_time, page_label, version_number,
                         zone_clocks, zoned_minute)
from .queries import group_values, sql_text
from .safe import csv_bytes, shell_command, with_deflection_links, with_links

DEFLECTION_EXAMPLES = 25


class AuditError(ValueError):
    """A problem with what was asked for (unknown brand or page); shown as one line."""


@dataclass
class AuditResult:
    brand: str
    page: str | None
    as_of: datetime
    since: datetime | None
    horizon_hours: float
    sla_minutes: float
    timezone: str
    summary: dict
    scorecard: pd.DataFrame
    grade: str
    grade_score: float | None
    evidence: pd.DataFrame
    coverage: pd.DataFrame
    gaps: pd.DataFrame
    deflections: pd.DataFrame
    deflection_count: int
    deleted: pd.DataFrame
    findings: dict
    recommendations: pd.DataFrame
    definitions: pd.DataFrame = field(default_factory=care_definitions.definitions)
    metric_version: str = care_definitions.METRIC_VERSION
    generated_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    ignored_total: int | None = None   # all ignored complaints; evidence may hold the newest only
    # what an empty deleted list means: none found, or none could be (audit_rules.no_deleted_note)
    no_deleted_note: str = ""
    deleted_checked: bool = True  # whether a page had two complete exports to compare (_deleted)
    # an audit of all of a brand's pages, each page's care metrics, worst first (none: one page)
    by_page: pd.DataFrame = field(default_factory=pd.DataFrame)
    page_platform: str | None = None
    data_basis: str = ""  # the loads the numbers come from (loads_behind)
    scorer_version: str = ""  # the text scorer behind requests, complaints and deflections (scorer_versions)
    # the brand has no post in the data, so nothing can be answered (metrics.no_replies_note)
    no_replies_note: str = ""
    sources: pd.DataFrame = field(default_factory=pd.DataFrame)  # the files the mentions came from
    zone_set: bool = True  # the brand's time zone was set (brands); else timezone is UTC by default
    # word of mouth's assumptions (SPEC 4), the sidebar's or the command line's: applied to the
    # ignored complaints where shown (word_of_mouth_cost), so changing them rebuilds no audit
    wom_multiplier: float = word_of_mouth.DEFAULT_MULTIPLIER
    customer_value: float | None = None
    data_span: tuple = (None, None)  # the brand's first and newest mention (any author's)
    # the ignored complaints posted in the H before the brand's newest mention (data_end_note)
    ignored_near_data_end: int = 0

    @property
    def data_end_note(self) -> str:
        """Where the brand's data ends a horizon H or more before the as-of moment: what that leaves
        unknown, and the audit that judges it as of that end; '' otherwise. A brand silent for a
        whole H is likely one whose export ended there, loaded beside others that run on: its last
        complaints count as ignored with nothing of the brand's after them to show it (a review:
        one posted 54 h before its file ended was evidence '612.9 h' old). The audit keeps the
        as-of moment every page takes, and says so, rather than change numbers unasked."""
        newest = self.data_span[1]
        if newest is None or self.as_of is None or self.as_of - newest < timedelta(hours=self.horizon_hours):
            return ""
        # evidence may hold the newest ignored complaints only: a count of all of them is a floor
        floor = not self.complete and self.ignored_near_data_end == len(self.evidence)
        near = f"{'at least ' if floor else ''}{self.ignored_near_data_end:,}"
        gap = _age((self.as_of - newest).total_seconds() / 3600)
        return (f"{self.brand}'s data ends at {self.local_minute(newest)}, {gap} before the as-of moment. If its "
                f"export ended there, a request of its last {self.horizon_hours:g} h could have been answered after "
                f"it unseen: {near} of the ignored complaints {'was' if near == '1' else 'were'} posted then. An "
                f"audit as of that end counts them as pending: --as-of {self.local_iso(newest)} (on the dashboard, "
                f"dates ending {local_time(newest, self.timezone):%Y-%m-%d}).")

    @property
    def grading_said(self) -> str | None:
        """Why nothing is graded (audit_rules.grading_note), with where the scope's data runs when
        the period holds no request: 'no request ... nothing to answer' alone read as a clean bill
        for a brand whose data lies outside the chosen dates (a review)."""
        note = grading_note(self.summary)
        first, newest = self.data_span
        if note is None or self.summary.get("requests", 0) or first is None:
            return note
        return f"{note} {self.brand}'s mentions run from {self.local_minute(first)} to {self.local_minute(newest)}."

    @property
    def no_recommendation_said(self) -> str:
        """What an empty list of recommendations means: no rule fired, or nothing to judge."""
        if not self.summary.get("requests", 0):
            return "No recommendation: the period holds no care request to judge."
        return "No rule triggered: every finding is within its threshold."

    @property
    def complete(self) -> bool:
        """Whether `evidence` holds every ignored complaint (not only the newest)."""
        return self.ignored_total is None or self.ignored_total == len(self.evidence)

    @property
    def ignored_count(self) -> int:
        """Every ignored complaint of the audit, whether or not `evidence` holds them all."""
        return self.ignored_total if self.ignored_total is not None else len(self.evidence)

    @property
    def word_of_mouth_cost(self) -> dict:
        """etl.word_of_mouth.word_of_mouth of every ignored complaint of the audit: customers lost
        and revenue at risk, assumptions both, as the Overview's cards take them."""
        return word_of_mouth.word_of_mouth(self.ignored_count, self.wom_multiplier, self.customer_value)

    @property
    def deleted_said(self) -> str:
        """How many deleted comments the audit found, as its headings and contents give it: 'not
        checked' where none could be found ('Deleted comments (0)' read as none deleted, above a
        note that no page had the exports to tell)."""
        if self.deleted.empty and not self.deleted_checked:
            return NOT_CHECKED
        return f"{len(self.deleted):,}"

    @property
    def scope(self) -> str:
        where = page_label(self.page, self.page_platform) if self.page else "all pages"
        return f"{self.brand} — {where}"

    def command(self, out: str = "report.html") -> str:
        """The `python -m etl audit` command that makes this report again from the same
        loads (the audit's --db aside): every choice it was made with spelled out, and a brand
        or page with hidden characters written so that a shell reads it back exactly. Its times
        are the brand's clock's, as the report's, with their offset (one instant each)."""
        words = ["python", "-m", "etl", "audit", *self._scope_words(), "--out", out]
        words += (["--wom-multiplier", _exactly(self.wom_multiplier)]
                  if self.wom_multiplier != word_of_mouth.DEFAULT_MULTIPLIER else [])
        words += ["--customer-value", _exactly(self.customer_value)] if self.customer_value is not None else []
        return shell_command(words)

    def recompute_commands(self) -> list[tuple[str, str]]:
        """The commands that recompute the audit's numbers on their own (the audit's --db aside),
        each with what it gives: the report's one command made the report again, but said nowhere
        how to check a number of it (a review)."""
        metrics_words, scope = ["python", "-m", "etl", "metrics"], self._scope_words()
        return [("the scorecard's counts and rates", shell_command([*metrics_words, "ghost-town", *scope])),
                ("each hour of the week, which the coverage gaps are found in",
                 shell_command([*metrics_words, "coverage", *scope])),
                ("every request in its state, to redo each count row by row",
                 shell_command(["python", "-m", "etl", "audit", *scope, "--requests", "--out", "requests.csv"]))]

    def _scope_words(self) -> list[str]:
        """The audit's brand, page, dates and assumptions H and SLA as command-line options."""
        words = ["--brand", self.brand] + (["--page", self.page] if self.page else [])
        words += ["--since", self.local_iso(self.since)] if self.since is not None else []
        return words + ["--as-of", self.local_iso(self.as_of), "--horizon", _exactly(self.horizon_hours),
                        "--sla", _exactly(self.sla_minutes)]

    @property
    def clock_note(self) -> str:
        """The zone every time of the audit is on, and what its abbreviations stand for at the
        audit's times: 'Times are on the brand's clock, America/Los_Angeles (PDT = UTC-07:00, PST =
        UTC-08:00), as the hours of the week are; the CSV files write each with its offset from UTC.'"""
        listed = [frame[column].dt.tz_convert("UTC") for frame in (self.evidence, self.deflections, self.deleted,
                                                                   self.sources)
                  for column in frame.columns if isinstance(frame[column].dtype, pd.DatetimeTZDtype)]
        moments = pd.concat([pd.Series(pd.to_datetime([self.since, self.as_of, self.generated_at], utc=True)),
                             *listed], ignore_index=True).dropna()
        local = moments.dt.tz_convert(self.timezone)
        offsets = local.dt.tz_localize(None) - moments.dt.tz_localize(None)  # a clock's abbreviation goes with it
        kinds = local[~offsets.duplicated()]  # one moment of each offset
        # a brand with no zone of its own read 'on the brand's clock, UTC (UTC)' (a review)
        clock = (f"in {self.zone_named}" if is_utc(self.timezone)
                 else f"on the brand's clock, {self.timezone} ({zone_clocks(self.timezone, kinds)})")
        return (f"Times are {clock}, as the hours of the week are; the CSV files write each with its offset "
                "from UTC.")

    @property
    def zone_named(self) -> str:
        """The zone the audit's hours are in: 'Asia/Kolkata', or 'UTC (no time zone set for Acme)'."""
        return self.timezone if self.zone_set else zone_unset(self.brand)

    def local_iso(self, moment) -> str:
        """A moment in ISO 8601 on the brand's clock with its offset: '2026-03-02T00:00:00-08:00'."""
        return local_time(moment, self.timezone).isoformat()

    def local_minute(self, moment) -> str:
        """A moment as the report prints it: the brand's clock, to the minute, named ('... 00:00 PST')."""
        return zoned_minute(moment, self.timezone)


def _exactly(number: float) -> str:
    """A number as a command line gives it back unchanged ('72', not '72.0'; every digit kept)."""
    return str(int(number)) if number == int(number) else repr(float(number))


def brand_pages(con) -> pd.DataFrame:
    """Every brand with each page/handle addressed and its mention count."""
    return con.execute(sql_text("audit_brand_pages")).df()


def known_brands(con) -> list[str]:
    """Every brand in the database, those whose mentions name no page included."""
    return [brand for (brand,) in con.execute(sql_text("known_brands")).fetchall()]


def first_names(names: list[str], most: int = 12) -> str:
    """The first few names for an error message ('none' for none), each quoted as Python writes
    it: a name holding ', ' stays one name, and its bidi, zero-width and control characters
    show as escapes (\u202e) instead of reordering or breaking the terminal's line."""
    return (", ".join(map(repr, names[:most])) + (" …" if len(names) > most else "")) or "none"


def check_scope(con, brand: str, page: str | None) -> str | None:
    """Raise AuditError unless the brand (and page) are in the database; the page's platform."""
    if brand not in (brands := known_brands(con)):
        raise AuditError(f"unknown brand {brand!r}; brands in this database: {first_names(brands)}")
    if page is None:
        return None
    pages = brand_pages(con)
    own = pages[pages["brand"] == brand]
    found = own[own["page"] == page]
    if found.empty:  # as for an unknown brand, say what can be asked for
        raise AuditError(f"brand {brand!r} has no page or handle {page!r}; its pages: "
                         f"{first_names(own['page'].tolist())}")
    return found["platform"].iloc[0]


def _age(hours: float) -> str:
    """An age as a reader counts it: hours up to two days, then days."""
    return f"{hours:,.0f} h" if hours < 48 else f"{hours / 24:,.0f} days"


def build_audit(con, brand: str, page: str | None = None, as_of=None, since=None,
                horizon_hours: float = DEFAULT_HORIZON_HOURS, sla_minutes: float = DEFAULT_SLA_MINUTES,
                evidence_limit: int | None = None) -> AuditResult:
    """The whole audit of one brand (and page) as of a moment, from a warehouse connection.

    evidence_limit keeps only the newest that many ignored complaints in `evidence` (what a
    page shows); every count and finding is still over all of them (`ignored_total`), and
    full() gives the complete result for exports."""
    page = page or None
    platform = check_scope(con, brand, page)
    moment = metrics.resolve_as_of(con, as_of)
    start = metrics.resolve_as_of(con, since) if since is not None else None
    table, hourly, by_page = _care_metrics(con, brand, page, moment, start, horizon_hours, sla_minutes)
    # every time the audit lists is on the brand's clock, as its hours of the week are: a Los
    # Angeles week read '07:00 UTC to 06:59 UTC' and each complaint's time in UTC
    zone = metrics.brand_timezone(con, brand)
    silent = metrics.brands_without_replies(con, [brand])
    summary = {**_summary(table), "no_brand_posts": bool(silent)}  # nothing graded: see grading_note
    scorecard, grade, score = grade_scorecard(summary)
    params = {"brand": brand, "page": page, "as_of": moment, "since": start}
    evidence, ignored_total, oldest_hours, answered_late = _ignored_evidence(con, params, horizon_hours,
                                                                             evidence_limit)
    coverage = metrics.hours_of_week(hourly, zone)
    gaps = coverage_gaps(coverage)
    deflections, deflection_count = _deflections(con, params, DEFLECTION_EXAMPLES)
    deleted, no_deleted, deleted_checked = _deleted(con, params)
    findings = _findings(summary, horizon_hours=horizon_hours, sla_minutes=sla_minutes, moment=moment, zone=zone,
                         ignored_total=ignored_total, oldest_hours=oldest_hours, answered_late=answered_late,
                         gaps=gaps, deleted=deleted, deflection_count=deflection_count)
    return AuditResult(
        brand=brand, page=page, as_of=moment, since=start, horizon_hours=float(horizon_hours),
        sla_minutes=float(sla_minutes), timezone=zone, zone_set=metrics.brand_timezone_set(con, brand),
        summary=summary, scorecard=scorecard, grade=grade, grade_score=score, evidence=in_zone(evidence, zone),
        coverage=coverage, gaps=gaps, deflections=in_zone(deflections, zone), deflection_count=deflection_count,
        deleted=in_zone(deleted, zone), findings=findings,
        recommendations=_with_data_first(recommend(findings), silent),
        ignored_total=ignored_total, page_platform=platform, data_basis=loads_behind(con, zone),
        scorer_version=scorer_versions(con),
        no_replies_note=metrics.no_replies_note(silent) or "",
        no_deleted_note=no_deleted, deleted_checked=deleted_checked, by_page=by_page,
        sources=in_zone(con.execute(sql_text("audit_sources"), params).df(), zone),
        data_span=(span := data_span(con, brand)),
        ignored_near_data_end=_ignored_after(evidence, span[1], horizon_hours))


def data_span(con, brand: str, page: str | None = None) -> tuple:
    """The first and newest mention (any author's) of the brand, or of its page; (None, None)
    where it has none."""
    return con.execute(sql_text("audit_data_span"), {"brand": brand, "page": page}).fetchall()[0]


def _ignored_after(evidence: pd.DataFrame, newest, horizon_hours: float) -> int:
    """The ignored complaints (of those in evidence) posted in the H before the brand's newest mention."""
    if newest is None or evidence.empty:
        return 0
    return int((evidence["requested_at"] > pd.Timestamp(newest) - timedelta(hours=horizon_hours)).sum())


def _findings(summary: dict, *, horizon_hours: float, sla_minutes: float, moment, zone: str, ignored_total: int,
              oldest_hours: float, answered_late: int, gaps: pd.DataFrame, deleted: pd.DataFrame,
              deflection_count: int) -> dict:
    """The audit's findings: the summary's counts and the figures the recommendation rules test
    and their advice quotes (audit_rules.recommend): ignored complaints, coverage gaps, deleted
    comments, deflections."""
    return {
        **summary,
        "decided": decided_requests(summary),
        "horizon_hours": float(horizon_hours), "sla_minutes": float(sla_minutes),
        "ignored_complaints": ignored_total,
        "ignored_complaints_counted": counted(ignored_total, "ignored complaint"),
        "oldest_ignored_hours": oldest_hours,
        "oldest_ignored_age": _age(oldest_hours),
        "ignored_answered_late": (f"{answered_late:,} answered only after {horizon_hours:g} h, "
                                  f"{ignored_total - answered_late:,} not at all by then" if answered_late
                                  else "none answered by then"),
        # the moment the counts are of: an audit of past dates is not about now
        "as_of_when": zoned_minute(moment, zone) if moment is not None else "the as-of time",
        "coverage_gaps": len(gaps), "coverage_gaps_counted": counted(len(gaps), "hour"),
        "office_gaps": (office := office_hour_gaps(gaps)), "after_hours_gaps": len(gaps) - office,
        # the first gap: the surest (lowest upper bound of its rate), not the lowest rate
        "surest_gap": (f"{gaps['day'].iloc[0]} {int(gaps['hour'].iloc[0]):02d}:00 {zone}, "
                         f"{int(gaps['answered'].iloc[0])} of {int(gaps['decided'].iloc[0])} answered")
                        if len(gaps) else "",
        "deleted_comments": len(deleted),
        "deleted_negative": int(deleted["is_negative"].fillna(False).astype(bool).sum()) if len(deleted) else 0,
        "deflections": deflection_count,
    }


# What to do first about a brand with no post in the data: every other recommendation then
# rests on requests that could only count as ignored (a real-data review: "Answer every request"
# for a file of customers' tweets alone).
LOAD_THE_BRANDS_POSTS = ("Load the brand's own posts (and name its accounts with --brand-account where the file "
                         "does not mark them) before acting on the rest: with none in the data, no request can "
                         "count as answered.")


def _with_data_first(recommendations: pd.DataFrame, silent: list[str]) -> pd.DataFrame:
    """The recommendations, led by LOAD_THE_BRANDS_POSTS when the brand has no post in the data."""
    if not silent:
        return recommendations
    first = pd.DataFrame([{"rule": "no_brand_posts", "recommendation": LOAD_THE_BRANDS_POSTS,
                           "trigger": "posts by the brand's accounts in the data = 0"}])
    return pd.concat([first, recommendations], ignore_index=True)


def _selection(brand: str, page: str | None, since, as_of) -> dict:
    """The audit's scope as the dashboard's selection queries take it: one brand, its page
    or all, every platform, from `since` to `as_of`."""
    return {"brands": [brand], "platforms": [], "pages": [page] if page else [], "start_at": since, "as_of": as_of}


def _deleted(con, params: dict) -> tuple[pd.DataFrame, str, bool]:
    """The scope's deleted comments known by its as-of moment, each with a link, what an empty
    list means (audit_rules.no_deleted_note: none found, or none could be) and whether any page
    had the two complete exports a check needs."""
    deleted = con.execute(sql_text("audit_deleted"), params).df()
    deleted = with_links(deleted, "mention_id", beside_id=True, made_up=made_up_ids(con, deleted["mention_id"]))
    scope = _selection(params["brand"], params["page"], params["since"], params["as_of"])
    [export_counts] = con.execute(sql_text("care_complete_exports"), scope).fetchall()
    return deleted, no_deleted_note(*export_counts, dated=params["since"] is not None), bool(export_counts[1])


def scorer_versions(con) -> str:
    """The text scorer version(s) of the stored scores ('text-10'; 'text-9, text-10' where an
    older version's scores remain), which decide what is a request, a complaint and a
    deflection; 'none' with nothing scored."""
    # the lowest and highest first: DuckDB answers them from the column's statistics, where the
    # list of distinct versions reads every score, for every brand audited (1M: 0.02 -> 0.001 s)
    [(lowest, highest)] = con.execute("SELECT min(scorer_version), max(scorer_version) FROM mention_scores").fetchall()
    if lowest == highest:  # one version, or none (both NULL)
        return lowest or "none"
    [(versions,)] = con.execute("SELECT list(DISTINCT scorer_version) FROM mention_scores").fetchall()
    return ", ".join(sorted(versions or [], key=version_number)) or "none"


def loads_behind(con, tz: str = "UTC") -> str:
    """The warehouse's loads in a sentence, for the report's provenance ('Data: 7 loads, ids 1 to
    7, the newest finished 2026-11-01 03:00 UTC; python -m etl loads lists them.', on zone tz's
    clock); failed loads, which changed nothing, are counted apart."""
    loads, first, last, finished, failed = con.execute(sql_text("audit_loads")).fetchall()[0]
    failed_loads = f"{counted(failed, 'failed load')}, which changed nothing"
    left_out = f"; {failed_loads}, left out" if failed else ""
    if not loads:
        return f"Data: no successful load{left_out}." if failed else "Data: no load recorded."
    ids = f"load {last}" if loads == 1 else f"{loads:,} loads, ids {first} to {last}"
    return (f"Data: {ids}, the newest finished {zoned_minute(finished, tz)}{left_out}; python -m etl loads lists them."
            + _demo_note(con))


def _demo_note(con) -> str:
    """A report handed over says what of its data is the demo's, as the sidebar does (a review
    found a demo audit, with its hundreds of links to made-up post ids, saying nothing of it)."""
    share = demo_share(con)
    if share is None:
        return ""
    return (f" {share.capitalize()} of it is demo data (python -m etl demo): its brands, people "
            "and posts are fictional, and its posts have no link: one built from a made-up id would "
            "open no post, or a stranger's.")


def _ignored_evidence(con, params: dict, horizon_hours: float,
                      limit: int | None) -> tuple[pd.DataFrame, int, float, int]:
    """The newest `limit` ignored complaints (all with None), with, over all of them, the
    count, the oldest one's age and how many were answered after the horizon."""
    evidence = con.execute(sql_text("audit_ignored_complaints"),
                           {**params, "horizon_minutes": float(horizon_hours) * 60.0,
                            "limit": None if limit is None else int(limit)}).df()
    ignored_total = int(evidence["total_ignored"].iloc[0]) if len(evidence) else 0
    oldest_hours = float(evidence["oldest_age_hours"].iloc[0]) if len(evidence) else 0.0
    answered_late = int(evidence["total_answered_late"].iloc[0]) if len(evidence) else 0
    evidence = _with_spread(con, evidence.drop(columns=["total_ignored", "oldest_age_hours", "total_answered_late"]),
                            params["as_of"])
    evidence = with_links(evidence, "complaint_id", beside_id=True, made_up=made_up_ids(con, evidence["complaint_id"]))
    return evidence, ignored_total, oldest_hours, answered_late


def _with_spread(con, evidence: pd.DataFrame, as_of) -> pd.DataFrame:
    """The evidence with how far each complaint had spread by as_of (audit_complaint_spread.sql):
    passed_on, other accounts' posts in its cascade; passed_on_reach, their followers. A
    consultant's client read that each complaint went unanswered, not that others passed it on.
    A complaint that follows up its own request ('STILL WAITING') starts no cascade: the
    request's first post does, and is what others pass on (6 of a demo brand's 233 were blank)."""
    ids = list({*evidence["complaint_id"], *evidence["request_id"]})
    first = evidence["requested_at"].min().to_pydatetime() if len(evidence) else None  # bounds the cascades read
    spread = (con.execute(sql_text("audit_complaint_spread"), {"ids": ids, "as_of": as_of, "first_requested_at": first})
              .df()
              .astype({"passed_on": "Int64", "passed_on_reach": "Int64"}).set_index("complaint_id"))
    # the complaint's own cascade, else its request's (a complaint that starts its request is both)
    source = evidence["complaint_id"].where(evidence["complaint_id"].isin(spread.index), evidence["request_id"])
    measured = spread.reindex(source).set_axis(evidence.index)
    return evidence.assign(passed_on=measured["passed_on"], passed_on_reach=measured["passed_on_reach"])


def _care_metrics(con, brand: str, page: str | None, as_of, since, horizon_hours: float,
                  sla_minutes: float) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(overall, by hour of week, by page): etl.metrics.ghost_town(con, (), ...) and
    ghost_town(con, ["hour_of_week"], ...) for the brand and page, from one scan of the
    requests and one of the replies (etl.metrics.summarise of the same rows); and, for all of
    a brand's pages, ghost_town(con, ["page"], ...) of the same rows (_by_page)."""
    if horizon_hours <= 0 or sla_minutes <= 0:
        raise ValueError("horizon and SLA must be positive")
    metrics.require_models(con)
    if as_of is None:
        return (*(metrics.summarise(pd.DataFrame(), None, by, horizon_hours, "needs-reply", sla_minutes, as_of)
                  for by in ([], ["hour_of_week"])), pd.DataFrame())
    # The dashboard's own selection query, narrowed to this brand (and page); its weeks' zone
    # is UTC's, though the audit does not group by week.
    scope = _selection(brand, page, since, as_of) | {
        "mode": "needs-reply", "horizon_minutes": float(horizon_hours) * 60.0, "tz": "UTC"}
    rows = con.execute(sql_text("care_requests_scope"), scope).df()
    comments = (con.execute(sql_text("audit_comments"),
                            {"brand": brand, "page": page, "as_of": as_of, "since": since}).df()
                if len(rows) else pd.DataFrame())
    overall, hourly = (metrics.summarise(rows, comments, by, horizon_hours, "needs-reply", sla_minutes, as_of)
                       for by in ([], ["hour_of_week"]))
    by_page = _by_page(con, brand, rows, horizon_hours, sla_minutes, as_of) if page is None else pd.DataFrame()
    return overall, hourly, by_page


def _by_page(con, brand: str, rows: pd.DataFrame, horizon_hours: float, sla_minutes: float,
             as_of) -> pd.DataFrame:
    """The care metrics of each page of the audit's request rows, worst first (empty where
    they are of one page): their page codes read back to names (care_groups), with each
    page's platform(s) as the audit of that page names them (brand_pages) and its KM median
    as shown. The vendor comment medians are left out (the replies read for them carry no page)."""
    if rows.empty or rows["page_code"].nunique() < 2:
        return pd.DataFrame()
    values = group_values(con)  # code -1 is none: mapped, it stays missing
    rows = rows.assign(page=rows["page_code"].map(dict(enumerate(values.get("page", [])))))
    frame = metrics.summarise(rows, pd.DataFrame(), ["page"], horizon_hours, "needs-reply", sla_minutes, as_of)
    pages = brand_pages(con)
    # a page's first row's platform named a page on two platforms after one (a review)
    platforms = pages[pages["brand"] == brand].set_index("page")["platform"]
    return frame.assign(platform=frame["page"].map(platforms),
                        km_median=[format_km_median(m, n) for m, n in zip(frame["km_median_minutes"],
                                                                         frame["requests"])])


def _deflections(con, params: dict, limit: int | None) -> tuple[pd.DataFrame, int]:
    """(the newest `limit` deflections, None: all, with their links; how many there are).
    A deflection is one whatever the horizon (SPEC 4), so `params` needs none."""
    found = con.execute(sql_text("audit_deflections"), {**params, "limit": limit}).df()
    count = int(found["total_deflections"].iloc[0]) if len(found) else 0
    made_up = made_up_ids(con, found["answered_id"], found["response_id"])
    return with_deflection_links(found.drop(columns="total_deflections"), made_up), count


def all_deflections(con, brand: str, page: str | None, as_of, since) -> pd.DataFrame:
    """Every deflection of an audit (the page and reports show the newest DEFLECTION_EXAMPLES),
    for the deflections export, stamped as the evidence is (_stamped)."""
    params = {"brand": brand, "page": page or None, "as_of": as_of, "since": since}
    frame, _ = _deflections(con, params, None)
    return _stamped(frame, brand, since, as_of, care_definitions.METRIC_VERSION, metrics.brand_timezone(con, brand))


def all_requests(con, brand: str, page: str | None, as_of, since, horizon_hours: float,
                 sla_minutes: float) -> pd.DataFrame:
    """Every request the audit's scorecard counts, each with its state (answered, ignored,
    pending), whether it was answered within the SLA and whether its response deflected, with
    links, stamped as the evidence is: the scorecard's counts and rates redone row by row (the
    evidence lists only the ignored complaints; a review could not trace the ignored questions
    or the pending requests to any row)."""
    params = {"brand": brand, "page": page or None, "as_of": as_of, "since": since,
              "horizon_minutes": float(horizon_hours) * 60.0, "sla_minutes": float(sla_minutes)}
    found = con.execute(sql_text("audit_requests"), params).df()  # none with no as-of (no data)
    made_up = made_up_ids(con, found["request_id"], found["response_id"])
    frame = with_links(with_links(found, "request_id", beside_id=True, made_up=made_up), "response_id",
                       "response_link", beside_id=True, made_up=made_up)
    return _stamped(frame.assign(horizon_hours=float(horizon_hours), sla_minutes=float(sla_minutes)),
                    brand, since, as_of, care_definitions.METRIC_VERSION, metrics.brand_timezone(con, brand))


def requests_csv(con, result: AuditResult) -> bytes:
    """all_requests of the audit's scope, moment and assumptions as CSV bytes (the command
    line's --requests; the page reads them at each click, audit_dashboard.requests_csv)."""
    return csv_bytes(all_requests(con, result.brand, result.page, result.as_of, result.since, result.horizon_hours,
                                  result.sla_minutes))


def evidence_frame(result: AuditResult) -> pd.DataFrame:
    """The evidence export: every ignored complaint (evidence_csv makes it a file)."""
    return _stamped(result.evidence.copy(), result.brand, result.since, result.as_of, result.metric_version,
                    result.timezone)


def _stamped(frame: pd.DataFrame, brand: str, since, as_of, metric_version: str, tz: str) -> pd.DataFrame:
    """An export's rows with what a reader needs to reproduce them: the brand first, the
    period (since: its first instant, empty for all data up to the as-of moment; a dated
    audit's file read like one of every date without it), the as-of moment and the metric
    version last (the definitions in the app at that version). Every time is on the brand's
    clock (zone tz), as the report prints it, written with its offset: one instant each."""
    frame = in_zone(frame, tz)
    frame.insert(0, "brand", brand)
    frame["since"] = None if since is None else local_time(since, tz)
    frame["as_of"] = None if as_of is None else local_time(as_of, tz)
    frame["metric_version"] = metric_version
    return frame


def evidence_csv(result: AuditResult) -> bytes:
    """The evidence export as CSV bytes, formula cells neutralised (safe.csv_bytes)."""
    return csv_bytes(evidence_frame(result))


def _summary(table: pd.DataFrame) -> dict:
    if table.empty:
        return {"requests": 0, "answered": 0, "ignored": 0, "pending": 0}
    row = table.iloc[0].to_dict()
    out = {}
    for key, value in row.items():
        if key in ("requests", "answered", "ignored", "pending"):
            out[key] = int(value)
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            out[key] = float(value)
        else:
            out[key] = value
    return out
