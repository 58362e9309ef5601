"""The consultant's page audit (SPEC 1 and 5): one brand, one page or handle (or all of its
pages), as of a moment: a graded scorecard, the evidence behind it, coverage gaps,
deflection examples, deleted comments and recommendations that cite their numbers.

Everything here takes a plain DuckDB connection (or cursor) on the warehouse, so the
`python -m etl audit` command and the dashboard page share it; the page reaches it
through `cached_audit`, which adds the per-generation cache. The numbers come from
etl.metrics (the app's definitions), the lists from app/sql/audit_*.sql.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from datetime import datetime, timezone

import pandas as pd

from etl import care_definitions, metrics

from .formatting import KM_NOT_REACHED, km_not_reached
from .queries import sql_text
from .safe import with_links

GRADES = ("A", "B", "C", "D", "F")
GRADE_POINTS = {"A": 4, "B": 3, "C": 2, "D": 1, "F": 0}
DEFLECTION_EXAMPLES = 25
SHOWN_ROWS = 1_000  # the page shows the newest of the evidence and deleted lists; exports have all


class AuditError(ValueError):
    """A problem with what was asked for (unknown brand or page); shown as one line."""


@dataclass(frozen=True)
class Threshold:
    """A scorecard metric and the bounds of grades A, B, C and D (anything worse is F)."""

    metric: str
    label: str
    better: str            # "lower" or "higher"
    bounds: tuple[float, float, float, float]
    weight: float
    unit: str              # "share" or "minutes"

    def grade(self, value: float | None) -> str | None:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return None
        for letter, bound in zip(GRADES, self.bounds):
            if (value <= bound) if self.better == "lower" else (value >= bound):
                return letter
        return "F"

    def describe(self) -> str:
        sign = "≤" if self.better == "lower" else "≥"
        parts = [f"{letter} {sign} {format_scorecard_number(bound, self.unit)}"
                 for letter, bound in zip(GRADES, self.bounds)]
        return "; ".join(parts) + "; otherwise F"


# The grading scheme, as data: stated on the page and in every report.
THRESHOLDS = (
    Threshold("ghost_town_rate", "Ghost-town rate", "lower", (0.10, 0.25, 0.40, 0.60), 2.0, "share"),
    Threshold("sla_rate", "SLA rate", "higher", (0.80, 0.60, 0.40, 0.20), 1.0, "share"),
    Threshold("km_median_minutes", "KM median response", "lower",
              (30.0, 60.0, 240.0, 1440.0), 1.0, "minutes"),
    Threshold("deflection_rate", "Deflection rate", "lower", (0.05, 0.15, 0.30, 0.50), 1.0, "share"),
)
# Fewer decided requests than this grade nothing: one more ignored request among four moves
# the ghost-town rate 25 points, two grades.
MIN_GRADED_DECIDED = 10
# Nor does a scope with this share of its requests or more still pending: the decided ones
# are then mostly those answered fast (one day judged at its end graded B where the same
# requests, settled, were 47% ignored).
MAX_GRADED_PENDING_SHARE = 0.5
GRADE_RULE = ("Overall grade: the weighted mean of the metric grades (A = 4, B = 3, C = 2, D = 1, "
              "F = 0; ghost-town rate weighs 2, the others 1), rounded down. A metric with no data "
              "is left out; an empty Kaplan–Meier median (fewer than half of the requests "
              "answered) grades F when at least half of the decided requests were ignored, and "
              "is left out while it is empty only because requests are still pending. With fewer "
              f"than {MIN_GRADED_DECIDED} decided requests nothing is graded (too few to tell), nor "
              f"with {MAX_GRADED_PENDING_SHARE:.0%} or more of the requests pending (the decided ones "
              "would be mostly those answered fast).")

# Coverage gaps: hours of the week (brand's time zone) with enough decided requests and a
# low response rate.
GAP_MIN_DECIDED = 3
GAP_RESPONSE_RATE = 0.5
# The heatmaps colour an hour from as many decided requests as a gap needs: one request
# painted its hour 0% or 100% at full strength (user review); fewer are grey, counted.
COLOURED_MIN_DECIDED = GAP_MIN_DECIDED
FEW_DECIDED_NOTE = f"grey: fewer than {COLOURED_MIN_DECIDED} decided requests"
GAP_RULE = (f"A coverage gap is an hour of the week (in the brand's time zone) with at least "
            f"{GAP_MIN_DECIDED} decided requests and a response rate below {GAP_RESPONSE_RATE:.0%}; "
            "listed by the upper end of the rate's 95% interval, the surest gaps first.")
# What makes a customer comment deleted (etl/care_deleted.sql's deleted_mentions), worded once
# for every page, snapshot definition and report that counts them: "Customer comments " + it.
DELETED_RULE = ("seen in one export and missing from a later complete export of the same page "
                "that covered their time and held their post again (an export cut short or with "
                "paged comments vouches for none)")


@dataclass(frozen=True)
class Rule:
    """A recommendation: fires when finding `metric` is `op` `threshold`."""

    key: str
    metric: str
    op: str                # ">" or "<"
    threshold: float
    advice: str            # formatted with the findings, graded ones as the scorecard shows them

    def fires(self, findings: dict) -> bool:
        value = findings.get(self.metric)
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return False
        return value > self.threshold if self.op == ">" else value < self.threshold


RULES = (
    Rule("answer-the-ignored", "ghost_town_rate", ">", 0.25,
         "Answer every request: {ignored:,} of {decided:,} decided requests got no response within "
         "{horizon_hours:g} h."),
    Rule("work-the-evidence", "ignored_complaints", ">", 0,
         "Reply to the {ignored_complaints:,} ignored complaints listed as evidence (the list "
         "is newest first; the oldest was {oldest_ignored_age} old at {as_of_when})."),
    Rule("answer-within-the-hour", "sla_rate", "<", 0.5,
         "Nearly half of customers expect an answer within the hour; only {sla_rate} of decided "
         "requests were answered within {sla_minutes:g} min. Triage complaints first."),
    Rule("staff-the-gaps", "coverage_gaps", ">", 0,
         "Cover the {coverage_gaps:,} hours of the week with a response rate below "
         f"{GAP_RESPONSE_RATE:.0%} (worst: {{worst_gap}}); support that works only in office hours "
         "leaves these customers alone."),
    Rule("resolve-in-public", "deflection_rate", ">", 0.15,
         "Answer instead of redirecting: {deflection_rate} of first responses only sent the "
         "customer elsewhere (DM, call, form, link)."),
    Rule("stop-deleting", "deleted_comments", ">", 0,
         "Stop deleting customer comments: {deleted_comments:,} disappeared from later exports "
         "({deleted_negative:,} of them negative); deletion makes a complaint louder."),
    Rule("clear-the-queue", "pending", ">", 0,
         "{pending:,} requests were open at {as_of_when}, the audit's as-of time (younger than "
         "{horizon_hours:g} h, unanswered then): answer any still waiting before they turn into "
         "ignored ones."),
)


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

    @property
    def complete(self) -> bool:
        """Whether `evidence` holds every ignored complaint (not only the newest)."""
        return self.ignored_total is None or self.ignored_total == len(self.evidence)

    page_platform: str | None = None

    @property
    def scope(self) -> str:
        return f"{self.brand} — {page_label(self.page, self.page_platform)}" if self.page else f"{self.brand} — all pages"


def page_label(page: str | None, platform: str | None) -> str | None:
    """A page as a reader knows it: a handle as it is, a page id with its platform
    ('Facebook page 104729384756006', not a bare number); a missing page stays missing."""
    if not isinstance(page, str) or page.startswith("@") or not platform:
        return page
    return f"{platform.capitalize()} page {page}"


def with_page_labels(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with each page as page_label names it, by its row's platform (as the report's
    tables show them): a bare Facebook page id reads as a number, not a page."""
    if "page" not in frame or "platform" not in frame:
        return frame
    return frame.assign(page=[page_label(p, pl) for p, pl in zip(frame["page"], frame["platform"])])


def format_scorecard_number(value, unit: str) -> str:
    """A graded value or a grade's bound as the scorecard states it: a share as a whole
    percent when it is one ('10%', '12.5%'), 'n/a' when missing; not the cards' format_value."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    if unit == "share":
        return f"{value:.0%}" if abs(value * 100 - round(value * 100)) < 1e-9 else f"{value:.1%}"
    if unit == "minutes":  # as every page shows it (a card has no room for hours beside)
        return f"{value:,.0f} min"
    if unit == "count":
        return f"{value:,.0f}"
    return f"{value:,}"


# The findings the rules test beyond the graded metrics (THRESHOLDS names those), as a
# reader of a recommendation's trigger knows them: counts, never the code's snake_case.
FINDING_LABELS = {"ignored_complaints": "Ignored complaints", "coverage_gaps": "Coverage gaps",
                  "deleted_comments": "Deleted comments", "pending": "Pending requests"}


def finding_label(metric: str) -> tuple[str, str]:
    """(label, unit) of a finding: a graded metric's from THRESHOLDS, so a trigger reads as
    the scorecard does; any other is a count."""
    graded = {t.metric: t for t in THRESHOLDS}
    if metric in graded:
        return graded[metric].label, graded[metric].unit
    return FINDING_LABELS[metric], "count"  # a new rule's finding needs its label here


# (column, header) of the tables a reader sees, on the page and in the reports alike: the
# frames keep their code names, the headers are words.
SCORECARD_COLUMNS = (("label", "metric"), ("shown", "value"), ("grade", "grade"), ("weight", "weight"),
                     ("thresholds", "thresholds"))
THRESHOLD_COLUMNS = (("label", "metric"), ("better", "better"), ("weight", "weight"),
                     ("thresholds", "thresholds"))
GAP_COLUMNS = (("day", "day"), ("hour", "hour"), ("decided", "decided"), ("answered", "answered"),
               ("ignored", "ignored"), ("response_rate", "response rate"),
               ("response_rate_ci_low", "95% low"), ("response_rate_ci_high", "95% high"),
               ("median_response_minutes", "median response (min)"))


def thresholds_table() -> pd.DataFrame:
    """The grading scheme as a table (metric, better, weight, thresholds)."""
    return pd.DataFrame([{"metric": t.metric, "label": t.label, "better": t.better,
                          "weight": t.weight, "thresholds": t.describe()} for t in THRESHOLDS])


def brand_pages(con) -> pd.DataFrame:
    """Every brand with each page/handle addressed and its mention count."""
    return con.execute(sql_text("audit_brand_pages")).df()


def known_brands(con) -> list[str]:
    """Every brand in the database, those whose mentions name no page included."""
    return [brand for (brand,) in con.execute(sql_text("known_brands")).fetchall()]


def listed(names: list[str], most: int = 12) -> str:
    """The first few names for an error message ('none' for none)."""
    return (", ".join(names[:most]) + (" …" if len(names) > most else "")) or "none"


def check_scope(con, brand: str, page: str | None) -> str | None:
    """Raise AuditError unless the brand (and page) are in the database; the page's platform."""
    if brand not in (brands := known_brands(con)):
        raise AuditError(f"unknown brand {brand!r}; brands in this database: {listed(brands)}")
    if page is None:
        return None
    pages = brand_pages(con)
    found = pages[(pages["brand"] == brand) & (pages["page"] == page)]
    if found.empty:
        raise AuditError(f"brand {brand!r} has no page or handle {page!r}")
    return found["platform"].iloc[0]


def grade_scorecard(summary: dict) -> tuple[pd.DataFrame, str, float | None]:
    """Each graded metric with its value, grade and thresholds; the overall grade and score."""
    decided = _decided(summary)
    rows, total, weights = [], 0.0, 0.0
    for t in THRESHOLDS:
        value = summary.get(t.metric)
        value = None if value is None or pd.isna(value) else float(value)
        letter = _metric_grade(t, value, summary, decided)
        if letter is not None:
            total += GRADE_POINTS[letter] * t.weight
            weights += t.weight
        rows.append({"metric": t.metric, "label": t.label, "value": value,
                     "shown": _scorecard_shown(t, value, summary.get("requests")),
                     "grade": letter or "n/a", "weight": t.weight, "thresholds": t.describe()})
    if not weights:
        return pd.DataFrame(rows), "n/a", None
    score = total / weights
    return pd.DataFrame(rows), overall_letter(score), score


def _decided(summary: dict) -> int:
    """Requests answered within H or ignored: those the rates are over."""
    return summary.get("answered", 0) + summary.get("ignored", 0)


def platforms_beyond(scopes: pd.DataFrame, brand: str, platforms: tuple[str, ...]) -> list[str]:
    """The platforms of the brand's pages (cached_brand_pages) outside a platform filter;
    none when the filter is empty (every platform chosen)."""
    if not platforms:
        return []
    theirs = scopes.loc[scopes["brand"] == brand, "platform"].dropna()
    return sorted(set(theirs) - set(platforms))


def grading_note(summary: dict) -> str | None:
    """Why nothing is graded, when a sample is too small or too unsettled to grade; None
    otherwise."""
    decided, pending = _decided(summary), summary.get("pending", 0)
    if decided < MIN_GRADED_DECIDED:
        return (f"Not graded: {decided:,} decided request{'' if decided == 1 else 's'}, fewer than "
                f"the {MIN_GRADED_DECIDED} a grade needs. The values are shown; widen the dates for "
                "a grade.")
    if _too_unsettled(summary):
        return (f"Not graded: {pending:,} of {decided + pending:,} requests are still pending, and "
                "the decided ones are mostly those answered fast (a request counts as ignored only "
                "once H has passed). The values are shown; longer dates, or all dates, give a grade.")
    return None


def _too_unsettled(summary: dict) -> bool:
    pending = summary.get("pending", 0)
    return pending > 0 and pending >= MAX_GRADED_PENDING_SHARE * (_decided(summary) + pending)


def _metric_grade(t: Threshold, value: float | None, summary: dict, decided: int) -> str | None:
    """The metric's grade, None when it is not graded (too few decided or too many pending,
    or no data)."""
    if decided < MIN_GRADED_DECIDED or _too_unsettled(summary):
        return None
    if value is None and t.metric == "km_median_minutes":
        # the median lies beyond every observation: a grade only when that is for want of
        # answers (half or more of the decided ignored), not for want of time (pending)
        return "F" if 2 * summary.get("ignored", 0) >= decided else None
    return t.grade(value)


def _scorecard_shown(t: Threshold, value: float | None, requests) -> str:
    """A graded value as the scorecard shows it; a KM median of requests fewer than half of
    which were answered is 'not reached', as on the Overview, even while none is decided
    yet (all pending: no grade, but no missing data either)."""
    if value is not None:
        return format_scorecard_number(value, t.unit)
    if t.metric == "km_median_minutes" and km_not_reached(value, requests):
        return KM_NOT_REACHED
    return "n/a"


def _age(hours: float) -> str:
    """An age as a reader counts it: hours up to two days, then days."""
    return f"{hours:,.0f} h" if hours < 48 else f"{hours / 24:,.0f} days"


def overall_letter(score: float) -> str:
    points = math.floor(score + 1e-9)
    return next(letter for letter, p in GRADE_POINTS.items() if p == points)


def coverage_gaps(coverage: pd.DataFrame) -> pd.DataFrame:
    """The hours of the week that are coverage gaps (GAP_RULE), the surest worst first: by
    the upper bound of the response rate's 95% interval, so that 4 of 20 answered (at most
    42%) leads 0 of 3 (as high as 56%), which the raw rate would rank first."""
    if coverage.empty:
        return coverage
    decided = coverage["answered"] + coverage["ignored"]
    gaps = coverage[(decided >= GAP_MIN_DECIDED) & (coverage["response_rate"] < GAP_RESPONSE_RATE)]
    gaps = gaps.assign(decided=decided[gaps.index])
    gaps = gaps.sort_values(["response_rate_ci_high", "response_rate", "decided"], ascending=[True, True, False],
                            kind="stable")
    keep = ["day", "hour", "hour_of_week", "decided", "answered", "ignored", "response_rate",
            "response_rate_ci_low", "response_rate_ci_high", "median_response_minutes"]
    return gaps[keep].reset_index(drop=True)


def recommend(findings: dict) -> pd.DataFrame:
    """The recommendations whose rules fire, each with the number that triggered it, named
    and formatted as the scorecard shows it ('SLA rate = 34.6% < 50%')."""
    # the advice quotes a graded metric as its scorecard card does, not rounded otherwise
    quoted = {**findings, **{t.metric: format_scorecard_number(findings[t.metric], t.unit)
                             for t in THRESHOLDS if t.metric in findings}}
    rows = []
    for rule in RULES:
        if not rule.fires(findings):
            continue
        label, unit = finding_label(rule.metric)
        shown, limit = (format_scorecard_number(v, unit) for v in (findings[rule.metric], rule.threshold))
        rows.append({"rule": rule.key, "recommendation": rule.advice.format(**quoted),
                     "trigger": f"{label} = {shown} {rule.op} {limit}"})
    return pd.DataFrame(rows, columns=["rule", "recommendation", "trigger"])


def build_audit(con, brand: str, page: str | None = None, as_of=None, since=None,
                horizon_hours: float = 72.0, sla_minutes: float = 60.0,
                evidence_limit: int | None = None) -> AuditResult:
    """The whole audit of one brand (and page) as of a moment, from a warehouse connection.

    evidence_limit keeps only the newest that many ignored complaints in `evidence` (what a
    page shows); every count and finding is still over all of them (`ignored_total`), and
    full() gives the complete result for exports."""
    page = page or None
    platform = check_scope(con, brand, page)
    moment = metrics.resolve_as_of(con, as_of)
    start = metrics.resolve_as_of(con, since) if since is not None else None
    table, hourly = _care_metrics(con, brand, page, moment, start, horizon_hours, sla_minutes)
    summary = _summary(table)
    scorecard, grade, score = grade_scorecard(summary)
    params = {"brand": brand, "page": page, "as_of": moment, "since": start}
    evidence = con.execute(sql_text("audit_ignored_complaints"),
                           {**params, "horizon_minutes": float(horizon_hours) * 60.0,
                            "limit": None if evidence_limit is None else int(evidence_limit)}).df()
    ignored_total = int(evidence["total_ignored"].iloc[0]) if len(evidence) else 0
    oldest_hours = float(evidence["oldest_age_hours"].iloc[0]) if len(evidence) else 0.0
    evidence = evidence.drop(columns=["total_ignored", "oldest_age_hours"])
    evidence = with_links(evidence, "request_id", beside_id=True)
    zone = metrics.brand_timezone(con, brand)
    coverage = metrics.hours_of_week(hourly, zone)
    gaps = coverage_gaps(coverage)
    deflections = con.execute(sql_text("audit_deflections"),
                              {**params, "horizon_minutes": float(horizon_hours) * 60.0,
                               "limit": DEFLECTION_EXAMPLES}).df()
    deflection_count = int(deflections["total_deflections"].iloc[0]) if len(deflections) else 0
    deflections = deflections.drop(columns="total_deflections")
    for column, source in (("request_link", "request_id"), ("response_link", "response_id")):
        deflections = with_links(deflections, source, name=column, beside_id=True)
    deleted = con.execute(sql_text("audit_deleted"), params).df()
    deleted = with_links(deleted, "mention_id", beside_id=True)
    findings = {
        **summary,
        "decided": _decided(summary),
        "horizon_hours": float(horizon_hours), "sla_minutes": float(sla_minutes),
        "ignored_complaints": ignored_total,
        "oldest_ignored_hours": oldest_hours,
        "oldest_ignored_age": _age(oldest_hours),
        # the moment the counts are of: an audit of past dates is not about now
        "as_of_when": (f"{pd.Timestamp(moment).tz_convert('UTC'):%Y-%m-%d %H:%M} UTC"
                       if moment is not None else "the as-of time"),
        "coverage_gaps": len(gaps),
        "worst_gap": (f"{gaps['day'].iloc[0]} {int(gaps['hour'].iloc[0]):02d}:00, "
                      f"{int(gaps['answered'].iloc[0])} of {int(gaps['decided'].iloc[0])} answered")
                     if len(gaps) else "",
        "deleted_comments": len(deleted),
        "deleted_negative": int(deleted["is_negative"].fillna(False).astype(bool).sum()) if len(deleted) else 0,
        "deflections": deflection_count,
    }
    return AuditResult(
        brand=brand, page=page, as_of=moment, since=start, horizon_hours=float(horizon_hours),
        sla_minutes=float(sla_minutes), timezone=zone,
        summary=summary, scorecard=scorecard, grade=grade, grade_score=score, evidence=evidence,
        coverage=coverage, gaps=gaps, deflections=deflections, deflection_count=deflection_count,
        deleted=deleted, findings=findings, recommendations=recommend(findings),
        ignored_total=ignored_total, page_platform=platform)


def _care_metrics(con, brand: str, page: str | None, as_of, since, horizon_hours: float,
                  sla_minutes: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(overall, by hour of week): etl.metrics.ghost_town(con, (), ...) and
    ghost_town(con, ["hour_of_week"], ...) for the brand and page, from one scan of the
    requests and one of the replies (etl.metrics.summarise of the same rows)."""
    if horizon_hours <= 0 or sla_minutes <= 0:
        raise ValueError("horizon and SLA must be positive")
    metrics.require_models(con)
    if as_of is None:
        return metrics.summarise(pd.DataFrame(), None, [], horizon_hours, "needs-reply",
                                 sla_minutes, as_of), \
            metrics.summarise(pd.DataFrame(), None, ["hour_of_week"], horizon_hours,
                              "needs-reply", sla_minutes, as_of)
    # The dashboard's own selection query, narrowed to this brand (and page).
    scope = {"brands": [brand], "platforms": [], "pages": [page] if page else [],
             "start_at": since, "as_of": as_of, "mode": "needs-reply",
             "horizon_minutes": float(horizon_hours) * 60.0}
    rows = con.execute(sql_text("care_requests_scope"), scope).df()
    comments = (con.execute(sql_text("audit_comments"),
                            {"brand": brand, "page": page, "as_of": as_of, "since": since}).df()
                if len(rows) else pd.DataFrame())
    return tuple(metrics.summarise(rows, comments, by, horizon_hours, "needs-reply",
                                   sla_minutes, as_of) for by in ([], ["hour_of_week"]))


def evidence_frame(result: AuditResult) -> pd.DataFrame:
    """The evidence export: every ignored complaint (then the caller applies safe.csv_bytes)."""
    frame = result.evidence.copy()
    frame.insert(0, "brand", result.brand)
    frame["as_of"] = result.as_of
    frame["metric_version"] = result.metric_version
    return frame


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


# Built on first use, not at import (here and in _cached_pages): app.db imports Streamlit,
# which `python -m etl audit` runs without.
@functools.cache
def _cached_build():
    from . import db  # the Streamlit cache layer, only for the dashboard
    return db.cached(build_audit)


def cached_audit(brand: str, page: str | None, as_of=None, since=None,
                 horizon_hours: float = 72.0, sla_minutes: float = 60.0,
                 evidence_limit: int | None = None) -> AuditResult:
    """build_audit on the published database, cached per generation (dashboard use)."""
    return _cached_build()(brand, page, as_of, since, horizon_hours, sla_minutes, evidence_limit)


def full(result: AuditResult) -> AuditResult:
    """The result with every ignored complaint in its evidence (for exports): itself when it
    has them all, else the same audit (same moment and period) without the limit."""
    if result.complete:
        return result
    return cached_audit(result.brand, result.page, result.as_of, result.since,
                        result.horizon_hours, result.sla_minutes)


@functools.cache
def _cached_pages():
    from . import db
    return db.cached(brand_pages)


def cached_brand_pages() -> pd.DataFrame:
    return _cached_pages()()


def sidebar_scope(chosen, brands: list[str], scopes: pd.DataFrame) -> tuple[str | None, str | None]:
    """The (brand, page) the sidebar's filters point an audit to: its one page, if it has
    exactly one, with the brand that page belongs to (the first of the sidebar's brands that
    has it, or of all brands if none is chosen); else its first brand and no page."""
    if len(chosen.pages) == 1:
        [page] = chosen.pages
        owners = [b for b in scopes.loc[scopes["page"] == page, "brand"] if b in brands]
        owners = [b for b in owners if b in chosen.brands] if chosen.brands else owners
        if owners:
            return owners[0], page
    return (chosen.brands[0] if chosen.brands and chosen.brands[0] in brands else None), None


def window(chosen, newest) -> tuple[datetime | None, datetime | None]:
    """(since, as_of) for the page from the sidebar's date range: the audit counts requests
    made in the range, evaluated at the range's as-of moment (Filters.as_of), as every page."""
    return chosen.window()[0], chosen.as_of(newest)


def report_html(result: AuditResult) -> str:
    from .report import build_html
    return build_html(result)


def report_pdf(result: AuditResult) -> bytes:
    from .report import build_html, html_to_pdf
    return html_to_pdf(build_html(result))


def evidence_csv(result: AuditResult) -> bytes:
    from .safe import csv_bytes
    return csv_bytes(evidence_frame(result))


def coverage_matrix(coverage: pd.DataFrame) -> pd.DataFrame:
    """Response rate as a 7 x 24 grid (rows Mon..Sun, columns hours 0..23); NaN = fewer
    than COLOURED_MIN_DECIDED decided."""
    days = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
    grid = pd.DataFrame(float("nan"), index=list(days), columns=list(range(24)))
    if coverage.empty:
        return grid
    decided = coverage["answered"] + coverage["ignored"]
    for row, n in zip(coverage.itertuples(), decided):
        if n >= COLOURED_MIN_DECIDED:
            grid.iat[int(row.hour_of_week) // 24, int(row.hour_of_week) % 24] = row.response_rate
    return grid


def coverage_figure(result: AuditResult):
    """Heatmap of the response rate by day and hour of the week in the brand's time zone."""
    import plotly.graph_objects as go

    from .figures import NO_DATA_COLOUR
    grid = coverage_matrix(result.coverage)
    decided = {int(r.hour_of_week): int(r.answered + r.ignored) for r in result.coverage.itertuples()}
    counts = [[decided.get(d * 24 + h, 0) for h in range(24)] for d in range(7)]
    figure = go.Figure(go.Heatmap(
        z=grid.to_numpy(), x=[f"{h:02d}" for h in range(24)], y=list(grid.index),
        customdata=counts, zmin=0, zmax=1, colorscale="RdYlGn",
        colorbar={"title": "response rate", "tickformat": ".0%"},
        hovertemplate="%{y} %{x}:00<br>response rate %{z:.0%}<br>%{customdata} decided<extra></extra>"))
    figure.update_layout(height=300, margin={"l": 40, "r": 10, "t": 10, "b": 30},
                         yaxis={"autorange": "reversed", "showgrid": False},
                         xaxis={"title": f"hour ({result.timezone})", "showgrid": False},
                         plot_bgcolor=NO_DATA_COLOUR)  # an hour with too few decided: grey
    return figure


def file_stem(result: AuditResult) -> str:
    """A file name stem for the exports: audit-<brand>[-<page>]-<as-of date>, letters kept."""
    import re
    scope = "-".join(p for p in (result.brand, result.page) if p)
    slug = re.sub(r"[^A-Za-z0-9]+", "-", scope).strip("-").lower()[:60] or "brand"
    return f"audit-{slug}-{result.as_of:%Y%m%d}"
