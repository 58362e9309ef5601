"""The care metrics' definitions as data: versioned, shown in the app and every report,
and the industry reference lines they are read against (with where each comes from)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pandas is imported where a frame is made: the CLI reads the defaults first
    import pandas as pd

# The assumptions' defaults (SPEC 4): a request is ignored after H = 72 h without a response,
# and the SLA is an answer within 60 minutes; both can be set on every page and command.
DEFAULT_HORIZON_HOURS = 72.0
DEFAULT_SLA_MINUTES = 60.0

METRIC_VERSION = "care-metrics/7"
# What each version changed, in a reader's words: a snapshot stored under an older version
# keeps the older rules, and the Weekly page says which.
VERSION_CHANGES = {
    "care-metrics/2": "a brand known only from its reply counts a request from that reply",
    "care-metrics/3": "a brand known only from its reply counts a request from that reply in every "
                      "request mode too, and for the replies and comments that inherit that brand",
    "care-metrics/4": "the deflection rate counts every first response, a late one (after the "
                      "horizon) too, not only those within it",
    "care-metrics/5": "a weekly count's change is unknown, not the whole count, for a brand whose "
                      "data starts after the week before began",
    "care-metrics/6": "the shrunk rate's prior is worth at least 4 requests, so one or two requests "
                      "no longer top a ranking of two or three rows",
    "care-metrics/7": "deleted comments leave out shares and quotes, which live on their sharers' own "
                      "timelines: a later page export, listing none, made each one look deleted",
}

DEFINITIONS = {
    "inbound mention": "Not by a brand account, about a brand, not a share. About a brand: its "
                       "brand column, which the loader sets from the brand's page it was posted on, "
                       "the brand handle it mentions, a brand account's reply to it (then only from "
                       "that reply's time: as of an earlier moment it is no request), or the "
                       "mention it replies to, comments on or quotes (from the time that one's "
                       "brand is known; a canonical CSV may give the brand directly).",
    "care request": "An inbound message that continues nothing, with the chain of messages that "
                    "continue it; a message continues its parent when the parent is an earlier inbound "
                    "message by the same customer on the same platform about the same brand, and "
                    "that brand had not replied to it before this message. Timed from "
                    "its first message. Counted are the requests with a message scored as needing a "
                    "reply (the command line's --requests all counts every inbound run; the messages column "
                    "of metrics ghost-town counts the mentions the counted requests are made of, "
                    "first messages and follow-ups posted by the as-of time: under --requests all, with no "
                    "filters, they add up to the raw count of inbound mentions other than shares).",
    "brand response": "The earliest mention by an account of the request's brand, created no "
                      "earlier than the request, whose parent is any message of the request.",
    "answered / ignored / pending": "Answered: responded within the horizon H (default 72 h). "
                                    "Ignored: no response within H. Pending: younger than H at the "
                                    "as-of time and unanswered; left out of rates. Decided: answered or "
                                    "ignored, the requests the rates are of.",
    "ghost_town_rate": "ignored / (answered + ignored), with a 95% Wilson interval.",
    "ghost_town_rate_shrunk": "Empirical-Bayes (beta-binomial) estimate across the rows shown; "
                              "a brand with no reply in the data (no post by a brand account) is "
                              "shrunk but left out of the prior, as its rate is the data's silence; "
                              "used for ranking so a brand with few requests cannot top a table. "
                              "The beta prior is fitted by the method of moments over the rows with "
                              "decided requests: mean m = all ignored / all decided, between-row "
                              "variance t = (sum of decided x (rate - m)^2 - (rows - 1) x m(1 - m)) "
                              "/ (all decided - sum of decided^2 / all decided), prior strength "
                              "s = m(1 - m) / t - 1, at least 4 requests' worth, as the spread of "
                              "two or three rows is barely measured (no pooling limit when t <= 0). "
                              "Each row: (ignored + m s) / (decided + s). With fewer than two such rows, the "
                              "raw rate.",
    "ghost_town_shrunk_low": "Conservative bound of the shrunk rate (posterior mean minus 1.645 "
                             "posterior sd, within 0..1; with fewer than two rows, the 90% Wilson "
                             "lower bound); ghost_town_rank (1 = worst; none for a group with no decided "
                             "request) sorts on it.",
    "sla_rate": "Share of decided requests answered within the SLA, the service-level target "
                "time (default 60 minutes).",
    "median_response_minutes": "Median response time of answered requests only (flatters brands "
                               "that ignore hard cases; see km_median_minutes).",
    "mean_response_minutes": "Mean response time of answered requests only (a response within the "
                             "horizon H; vendor_answered_mean_minutes counts later ones too).",
    "km_median_minutes": "Kaplan–Meier median time to response, unanswered requests censored at "
                         "their age at the as-of time: the first time the share still unanswered is at "
                         "most one half; 'not reached' when fewer than half are answered "
                         "(an empty cell in CSV and JSON output).",
    "p_answered_1h": "Kaplan–Meier probability of a response within 60 minutes; unknown (an empty "
                     "cell) where no request has yet been followed for 60 minutes (answered that late "
                     "or waiting that long), unless every one was answered.",
    "deflection_rate": "Requests whose first response only redirects (DM us, call, form, "
                       "link; one that reports something done, such as a refund processed, "
                       "never does) / requests with a scored response, a late one (after the "
                       "horizon) included: a response is a response whenever it came.",
    "deflections": "Requests whose first response (by the as-of time, however late) only "
                   "redirects: the deflection rate's numerator.",
    "scored_responses": "Requests with a first response (by the as-of time, however late) "
                        "scored by the text analytics: the deflection rate's denominator.",
    "vendor_answered_mean_minutes": "Vendor style: mean time to first response over every "
                                    "responded request, no horizon, unanswered ignored.",
    "vendor_median_comment_minutes": "Vendor style: median over the messages of the requests counted "
                                     "(every message of each, needing a reply or not) of the time to the "
                                     "brand's first direct reply to that message (one whose parent it is, "
                                     "no earlier than it, by the as-of time); a message with no such "
                                     "reply is left out, as unanswered ones are in the vendors' tools.",
    "vendor_fastest90_mean_minutes": "Vendor style: mean response time of the fastest 90% of "
                                     "responded requests (slowest 10% dropped as outliers).",
    "week": "ISO week (YYYY-Www) of the request: in UTC on the command line and the Weekly Snapshot, "
            "in the sidebar's time zone on the Ghost Town page.",
    "hour_of_week": "0..167 from Monday 00:00 in the brand's time zone (brands.timezone, "
                    "default UTC), daylight saving included.",
    "as of": "Only data created up to the as-of moment is used; default: the newest mention. "
             "The dashboard evaluates a date range as of its end (its last microsecond), or the "
             "newest mention if that is earlier, on every page: requests younger than H then are "
             "pending even if the data after the range shows them ignored. Read as the warehouse "
             "knows them now: which brand an account and its handles belong to (a tweet to a handle "
             "before the account's first row in the data is that brand's; --brand-account declares "
             "it), whether an author a file leaves open is a brand account, and, in mention volume "
             "and sentiment, a brand that only a later reply made known (the care metrics count it "
             "from that reply). The weekly snapshot's deleted comments include those only a later "
             "export found missing.",
}

_REFERENCES = [
    {"metric": "response_rate", "value": 0.14, "unit": "share of inbound tweets answered",
     "statement": "Top brands answered 14% of the tweets sent to them over four weeks.",
     "source": "Customer-service literature this product was built on (the original study "
               "is not named or re-verified here): an industry figure, not a measure of this data."},
    {"metric": "p_answered_1h", "value": 0.5, "unit": "share of customers",
     "statement": "Nearly half of customers expect an answer within the hour.",
     "source": "Customer-service literature this product was built on (the original survey "
               "is not named or re-verified here): an industry figure, not a measure of this data."},
]


def reference_lines() -> pd.DataFrame:
    """Industry reference lines to draw against the care metrics, each with its source."""
    import pandas as pd
    return pd.DataFrame(_REFERENCES, columns=["metric", "value", "unit", "statement", "source"])


def definitions() -> pd.DataFrame:
    import pandas as pd
    return pd.DataFrame({"version": METRIC_VERSION, "metric": list(DEFINITIONS),
                         "definition": list(DEFINITIONS.values())})
