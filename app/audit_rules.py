"""The audit's rules, as data and as the pure functions that apply them (SPEC 5): the grading
thresholds and the scorecard graded by them, what makes an hour a coverage gap, and the
recommendation rules with the findings they cite; the rule texts every page and report states.

Pure: plain values and DataFrames in and out, no DuckDB and no Streamlit, so the audit
(app.audit), the report (app.report), the figures and the pages share one statement of each rule.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from etl.care_stats import wilson_interval
from etl.word_of_mouth import as_typed

from .formatting import KM_NOT_REACHED, all_of, counted, format_duration, format_value, km_not_reached

GRADES = ("A", "B", "C", "D", "F")
GRADE_POINTS = {"A": 4, "B": 3, "C": 2, "D": 1, "F": 0}


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
# The heatmaps' colours of a share answered, on the pages and in the printed report alike: red
# (none) to yellow to blue (all), which a reader without red-green vision tells apart: plotly's
# RdYlBu by name, and its eleven stops for the HTML report, which loads no plotly (a command-line
# audit in a second; tests/test_report.py holds the two equal).
SHARE_COLOURS = "RdYlBu"
SHARE_STOPS = ((165, 0, 38), (215, 48, 39), (244, 109, 67), (253, 174, 97), (254, 224, 144), (255, 255, 191),
               (224, 243, 248), (171, 217, 233), (116, 173, 209), (69, 117, 180), (49, 54, 149))


def zone_unset(brand: str) -> str:
    """How a brand whose time zone was never set (no --brand-timezone, nor the upload's box) names
    the zone its hours of the week are read in: 'in Tiffin Telecom's time zone (UTC)' read as the
    brand's own, of a Kolkata brand loaded without one (a review)."""
    return f"UTC (no time zone set for {brand})"


GAP_RULE = (f"A coverage gap is an hour of the week (in the brand's time zone) with at least "
            f"{GAP_MIN_DECIDED} decided requests and a response rate below {GAP_RESPONSE_RATE:.0%}; "
            "listed by the upper end of the rate's 95% interval, the surest gaps first.")
# What 'deleted comments' counts: every customer mention on the page, its customers' own posts
# on it too (the demo's 213 held 34 such posts, where a reader counting comments found 179);
# not shares and quotes, which live on their sharers' own timelines (no page export lists them)
DELETED_WHAT = ("Customer comments (replies, and posts customers wrote on the page, count too; shares and "
                "quotes, on their sharers' own timelines, do not)")
# What makes one deleted (etl/models/marts/deleted_mentions.sql), worded once for every page,
# snapshot definition and report that counts them: DELETED_WHAT + " " + it.
DELETED_RULE = ("seen in one export and missing from a later complete export of the same page "
                "that covered their time and, for a comment or reply, held their post again (an "
                "export cut short or with paged comments vouches for none)")
# ... as figures of a moment count them (the audit, the dashboard's dates): those known by then
DELETED_AS_OF_RULE = (f"{DELETED_RULE}; counted when the as-of time is at or after that export's "
                      "last mention (before it, nothing could know of the deletion)")


# A brand's or an audit's deleted comments where none could be found: not 0, which read as 'none deleted'
NOT_CHECKED = "not checked"


def not_checked_said(who: str, span: str) -> str:
    """Why `who`'s deleted comments were not checked (NOT_CHECKED), the exports counted being those
    `span` (exports_span): the Ghost Town page's note and the Weekly page's say it alike."""
    return (f"{who} {NOT_CHECKED}: no page of theirs has two complete exports {span}, "
            "so no deletion could be found")


def exports_span(dated: bool) -> str:
    """Which complete exports count towards finding a deletion (care_complete_exports): those
    ending within the dates when the window has a start, else all up to the as-of time."""
    return "ending within the dates (up to the as-of time)" if dated else "up to the as-of time"


def no_deleted_note(exports: int, pages_compared: int, pages: int, whose: str = "This audit's pages",
                    dated: bool = False) -> str:
    """What an audit (or a selection: `whose` pages) without deleted comments found: none,
    where a page had two complete exports to compare; else that none could be found (a reader
    took 'none detected' for 'none deleted' where no check was possible, as on a Twitter handle).
    dated: the window has a start, and only the exports ending from it count (care_complete_exports)."""
    span = exports_span(dated)
    if pages_compared:
        unchecked = pages - pages_compared
        return (f"None found on {counted(pages_compared, 'page')} with two or more complete exports {span} "
                f"to compare ({counted(exports, 'export')} in all)"
                + (f"; the other {counted(unchecked, 'page')} had too few to check." if unchecked else "."))
    return ("Not checked: a deleted comment is found when a complete export of a page (a Facebook page "
            "export, or a file loaded with --complete-export) lacks a comment an earlier one held. "
            f"{whose} have {counted(exports, 'such export')} {span}, where "
            "two of the same page are needed.")


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
         "Follow up the {ignored_complaints_counted} listed as evidence "
         "({ignored_answered_late}; the list is newest first; the oldest was {oldest_ignored_age} "
         "old at {as_of_when})."),
    Rule("answer-within-the-hour", "sla_rate", "<", 0.5,
         "Customers expect fast answers (an industry figure, not re-verified here: nearly half "
         "expect one within the hour); {sla_rate} of decided requests were answered within "
         "{sla_minutes:g} min. Triage complaints first."),
    Rule("staff-the-gaps", "coverage_gaps", ">", 0,
         "Cover the {coverage_gaps_counted} of the week with a response rate below "
         f"{GAP_RESPONSE_RATE:.0%} (the surest, first in the gaps table: {{surest_gap}}); "
         "in weekday office hours (Mon-Fri 09:00-17:00 in the brand's zone), when a team is "
         "usually in: {office_gaps:,}; outside them: {after_hours_gaps:,}."),
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

RULE_METRICS = {rule.key: rule.metric for rule in RULES}
# The finding (a rule's or a scorecard row's metric) whose number counts the rows a section of
# the page and the report lists, by the section's anchor: the number links to its rows (a
# report of 700 complaints left the reader to find the list a count stood for).
LISTED_IN = {"ignored_complaints": "evidence", "coverage_gaps": "coverage", "deflection_rate": "deflections",
             "deleted_comments": "deleted"}


# What an evidence row's text is, on the page and in the reports alike.
EVIDENCE_TEXT = ("the text is the complaint as written: the first message of the request that "
                 "was scored a complaint, which may come after a question or another message not "
                 "scored one (the request's first message is then shown with it)")


# What the evidence's spread columns count, on the page and in the reports alike.
SPREAD_RULE = ("Passed on: other accounts' shares, quotes and replies in the cascade the complaint "
               "starts (one that follows up the customer's own earlier message: the cascade of that "
               "request's first post), posted by the as-of time (not the complainer's own follow-ups, "
               "not brand accounts'); blank where it starts no cascade (it replies to, quotes or shares "
               "another customer's post). Their followers count each account once, where its count is known.")


def spread_note(evidence: pd.DataFrame) -> str:
    """How far the listed complaints had spread by the as-of time (the evidence's passed_on and
    passed_on_reach, audit_complaint_spread.sql): the product's point, an unanswered complaint
    travelling, which the evidence gave only as each complaint's own text."""
    if evidence.empty:
        return ""
    passed = evidence["passed_on"].fillna(0)
    spread = int((passed > 0).sum())
    # a blank one was not measured: 'none of the 1 complaint had been passed on' said of a complaint
    # that quotes another's post (11 of a demo brand's 233) claimed what no one counted
    blank = int(evidence["passed_on"].isna().sum())
    starts = "starts no cascade of its own" if blank == 1 else "start no cascade of their own"
    unmeasured = f" Not counted: {counted(blank, 'complaint')} that {starts} (blank)." if blank else ""
    if blank == len(evidence):
        return (f"None of the {counted(len(evidence), 'complaint')} listed starts a cascade of its own: how far "
                "each had been passed on is not counted (blank).")
    if spread == 0:
        return (f"None of the {counted(len(evidence), 'complaint')} listed had been passed on by other accounts "
                f"by the as-of time.{unmeasured}")
    reach = evidence.loc[passed > 0, "passed_on_reach"].dropna()
    # summed complaint by complaint: an account counted once per complaint is counted again under
    # the next (a demo brand's 81,029 were 69,801 over its distinct accounts), so the note says so
    followers = (f", by accounts with {int(reach.sum()):,} followers where their counts are known (added up "
                 "complaint by complaint: an account that passed on several counts in each)" if len(reach)
                 else ", by accounts whose follower counts are not known")
    return (f"{spread:,} of the {counted(len(evidence), 'complaint')} listed had been passed on by other "
            f"accounts by the as-of time: {counted(int(passed.sum()), 'post')} (shares, quotes, replies){followers}."
            + unmeasured)


def questions_note(ignored_requests: int, ignored_complaints: int) -> str:
    """How the evidence's count stands to the scorecard's ignored requests."""
    # counted(): an audit of one complaint read 'Of the scorecard's 1 ignored requests, 1 are these'
    return (f"The scorecard's {counted(ignored_requests, 'ignored request')}: "
            f"{counted(ignored_complaints, 'complaint')} listed here and "
            f"{counted(ignored_requests - ignored_complaints, 'question')}.")


WORD_OF_MOUTH_TITLE = "Word of mouth: what the ignored complaints may cost (assumptions)"


def word_of_mouth_lines(cost: dict) -> list[str]:
    """What the audit's ignored complaints may cost (etl.word_of_mouth.word_of_mouth's dict), in
    sentences a client reads without the app: the arithmetic, then the assumption and its source.
    Customers lost keep their decimals (1 x 2.5 = 2.5): rounded, as on the Overview's card, the
    sums read '1 x 2.5 = 2' and '2 x customer value 40 = 100'."""
    lost = _with_decimals(cost["customers_lost"])
    said = (f"{counted(cost['unresolved_negative'], 'ignored complaint')} × word-of-mouth multiplier "
            f"{cost['multiplier']:g} = {lost} customers lost (assumed).")
    if cost["revenue_at_risk"] is None:
        revenue = "Revenue at risk: no customer value was set, so no figure."
    else:
        revenue = (f"Revenue at risk: {lost} × customer value {as_typed(cost['customer_value'])} = "
                   f"{format_value(cost['revenue_at_risk'], 'amount')} (assumed), in the customer value's currency.")
    return [said, revenue, cost["assumption"]]


def _with_decimals(number: float) -> str:
    """'20', '2.5', '9.87': up to two decimals, none that is a trailing zero."""
    return f"{number:,.2f}".rstrip("0").rstrip(".")


def format_scorecard_number(value, unit: str) -> str:
    """A graded value or a grade's bound as the scorecard states it: a share as a whole
    percent when it is one ('10%', '12.5%'), 'n/a' when missing; not the cards' format_value."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    if unit == "share":
        return f"{value:.0%}" if abs(value * 100 - round(value * 100)) < 1e-9 else f"{value:.1%}"
    if unit == "minutes":  # as every page shows it: '13.6 h', not '818 min'
        return format_duration(value)
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
# the grade and its thresholds before the long 'of': after it, they were off the page's grid
# at 1024 px (a review at narrow widths)
SCORECARD_COLUMNS = (("label", "metric"), ("shown", "value"), ("grade", "grade"), ("thresholds", "thresholds"),
                     ("weight", "weight"), ("basis", "of"))
# The page's grid of it, fitting 1400 px: the interval its own column, the counts without their
# asides (on hover), the weights in the grade's help ('95% CI 23.0...' ran off the edge: a review).
SCORECARD_PAGE_COLUMNS = (("label", "metric"), ("shown", "value"), ("grade", "grade"), ("thresholds", "thresholds"),
                          ("interval", "95% CI"), ("counts", "of"))
# An audit of all of a brand's pages: each page's figures (audit._by_page), as `python -m etl
# metrics ghost-town --by page --brand B` gives them
PAGE_COLUMNS = (("page", "page"), ("requests", "requests"), ("answered", "answered within H"),
                ("ignored", "ignored"), ("pending", "pending"), ("ghost_town_rate", "ghost-town rate"),
                ("ghost_town_ci_low", "95% CI from"), ("ghost_town_ci_high", "95% CI to"),
                ("sla_rate", "SLA rate"), ("km_median", "KM median response"))
PAGE_SHARES = ("ghost_town_rate", "ghost_town_ci_low", "ghost_town_ci_high", "sla_rate")
# said without the app's pages: a client reading the report never saw 'Ghost Town'
PAGES_NOTE = ("Each page's figures, worst ghost-town rate first, ranked by the rate shrunk towards the "
              "pages' mean where a page has few requests (ghost_town_rate_shrunk in the definitions).")
# The grade bounds are the product's judgement: a report read without the app took them for an
# industry standard, as the reference lines are
THRESHOLDS_NOTE = ("The grade bounds are this product's choice (an assumption), not an industry standard; "
                   "the report's reference lines give the industry's figures.")
THRESHOLD_COLUMNS = (("label", "metric"), ("better", "better"), ("weight", "weight"),
                     ("thresholds", "thresholds"))
# the hour's rate, interval and time before the counts they are of: last, at 1024 px the median
# response was off the grid's edge (a review at narrow widths)
GAP_COLUMNS = (("day", "day"), ("hour", "hour"), ("response_rate", "response rate"),
               ("response_rate_ci_low", "95% CI from"), ("response_rate_ci_high", "95% CI to"),
               ("median_response_minutes", "median response (min)"), ("decided", "decided"),
               ("answered", "answered"), ("ignored", "ignored"))
GAP_SHARES = ("response_rate", "response_rate_ci_low", "response_rate_ci_high")  # shown as percentages


def thresholds_table() -> pd.DataFrame:
    """The grading scheme as a table (metric, better, weight, thresholds)."""
    return pd.DataFrame([{"metric": t.metric, "label": t.label, "better": t.better,
                          "weight": t.weight, "thresholds": t.describe()} for t in THRESHOLDS])


def grade_scorecard(summary: dict) -> tuple[pd.DataFrame, str, float | None]:
    """Each graded metric with its value, grade and thresholds; the overall grade and score."""
    decided = decided_requests(summary)
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
                     "basis": scorecard_basis(t.metric, summary),
                     "counts": scorecard_basis(t.metric, summary, short=True),
                     "interval": scorecard_interval(t.metric, summary),
                     "grade": letter or "n/a", "weight": t.weight, "thresholds": t.describe()})
    if not weights:
        return pd.DataFrame(rows), "n/a", None
    score = total / weights
    return pd.DataFrame(rows), overall_letter(score), score


def scorecard_basis(metric: str, summary: dict, short: bool = False) -> str:
    """What a graded value is of, in counts, so a reader can weigh it (16.7% of 6 responses
    read as alarming as of 600) and redo it: a deflection rate's responses include late ones,
    which the answered-within-H count does not (a review divided by the wrong one); a rate's
    Wilson interval (SPEC 4), which only the ghost-town rate had, though an SLA rate of 12
    requests is as uncertain (a consultant's review). short: the counts alone, as the page's
    scorecard grid gives them beside the interval (scorecard_interval), the asides on hover
    (SCORECARD_OF_HELP): '... 95% CI 23.0...' ran off its edge at 1400 px (a review)."""
    if counts := _rate_counts(metric, summary):
        part, whole, noun, aside = counts
        said = f"{part:,} of {counted(whole, noun)}"
        if short:
            return said
        interval = _interval(part, whole)
        return said + aside + (f"; 95% CI {interval}" if interval else "")
    if metric == "km_median_minutes":
        requests = summary.get("requests", 0)
        if short:
            return counted(requests, "request")
        basis = counted(requests, "request") + WAITING_COUNTED
        answered_median = summary.get("median_response_minutes")
        if km_not_reached(summary.get(metric), requests) and not pd.isna(answered_median):
            basis += f"; the answered ones' median: {format_duration(answered_median)}"
        return basis
    return ""


WAITING_COUNTED = ", unanswered ones counted as waiting up to the as-of time"  # the KM median's basis
LATE_TOO = " (late ones too)"  # the deflection rate's responses
# the page grid's short counts (scorecard_basis short) say on hover what they leave out
SCORECARD_OF_HELP = ("The counts each value is of. The KM median's requests: the unanswered ones counted as "
                     "waiting up to the as-of time (where it is not reached, its card's help gives the answered "
                     "ones' median); the deflection rate's scored first responses: late ones too.")
SCORECARD_PAGE_HELP = {"counts": SCORECARD_OF_HELP, "grade": GRADE_RULE,
                       "interval": "The rate's 95% Wilson interval: where its true value lies, given "
                                   "how few requests it is of."}


def scorecard_interval(metric: str, summary: dict) -> str | None:
    """A graded rate's 95% Wilson interval ('23.0% – 26.5%'); None for the KM median or no count."""
    counts = _rate_counts(metric, summary)
    return _interval(*counts[:2]) if counts else None


def _rate_counts(metric: str, summary: dict) -> tuple[int, int, str, str] | None:
    """(part, whole, noun, aside) a graded rate is a share of; None for a metric no share."""
    decided = decided_requests(summary)
    if metric == "ghost_town_rate":
        return summary.get("ignored", 0), decided, "decided request", ""
    if metric == "sla_rate":
        within = 0 if pd.isna(summary.get("sla_rate")) else round(summary["sla_rate"] * decided)
        return within, decided, "decided request", ""
    if metric == "deflection_rate":
        deflections, responses = (int(summary.get(k) or 0) for k in ("deflections", "scored_responses"))
        return deflections, responses, "scored first response", LATE_TOO
    return None


def _interval(part: int, whole: int) -> str | None:
    """'5.1% – 7.6%': the Wilson interval of part of whole; None of none."""
    if not whole:
        return None
    low, high = (float(end) for end in wilson_interval(part, whole))
    return f"{low:.1%} – {high:.1%}"


def ghost_town_interval(summary: dict) -> str | None:
    """The ghost-town rate's 95% interval as the report's headline gives it ('72.2% – 93.3%'); None
    with no decided request, for which no_interval_said says why."""
    low, high = summary.get("ghost_town_ci_low"), summary.get("ghost_town_ci_high")
    if low is None or high is None or pd.isna(low) or pd.isna(high):
        return None
    return f"{low:.1%} – {high:.1%}"


def no_interval_said(summary: dict, horizon_hours: float) -> str:
    """Why the ghost-town rate has no interval, as a client reads it: 'n/a – n/a' read as the
    report's fault, where the period had no request decided (answered within H, or ignored) yet."""
    pending = int(summary.get("pending", 0))
    if not pending:
        return "none, as no request in this period needed a reply"
    return (f"none yet, as {all_of(pending, 'request')} of this period {'is' if pending == 1 else 'are'} still "
            f"pending (unanswered but younger than H = {horizon_hours:g} h "
            "at the as-of time): none has been answered within H or ignored, so there is no rate to bound")


def decided_requests(summary: dict) -> int:
    """Requests answered within H or ignored: those the rates are over."""
    return summary.get("answered", 0) + summary.get("ignored", 0)


def grading_note(summary: dict) -> str | None:
    """Why nothing is graded, when a sample is too small or too unsettled to grade; None
    otherwise."""
    decided, pending = decided_requests(summary), summary.get("pending", 0)
    if not decided + pending:  # before the brand's posts: with nothing to answer, none were missed
        return ("Not graded: no care request (a customer complaint or question needing a reply) is in "
                "the data for this page and period, so there is nothing to answer or ignore.")
    if summary.get("no_brand_posts"):
        return ("Not graded: no post by the brand's accounts is in the data, so no request could count "
                "as answered and every grade would be an F of the data's making. The values are shown; "
                "load the brand's own posts for a grade.")
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
    return pending > 0 and pending >= MAX_GRADED_PENDING_SHARE * (decided_requests(summary) + pending)


def _metric_grade(t: Threshold, value: float | None, summary: dict, decided: int) -> str | None:
    """The metric's grade, None when it is not graded (too few decided or too many pending, no
    post by the brand in the data, or no data)."""
    if decided < MIN_GRADED_DECIDED or _too_unsettled(summary) or summary.get("no_brand_posts"):
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


def overall_letter(score: float) -> str:
    points = math.floor(score + 1e-9)
    return next(letter for letter, p in GRADE_POINTS.items() if p == points)


OFFICE_DAYS, OFFICE_HOURS = ("Mon", "Tue", "Wed", "Thu", "Fri"), range(9, 17)


def office_hour_gaps(gaps: pd.DataFrame) -> int:
    """How many of coverage_gaps' hours fall in weekday office hours (09:00-17:00): gaps
    there are a team not answering, outside them a team not there."""
    return int((gaps["day"].isin(OFFICE_DAYS) & gaps["hour"].isin(OFFICE_HOURS)).sum()) if len(gaps) else 0


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
