"""The cascade and amplification metrics' definitions as data: versioned, shown on the
Amplification page (and in the Overview's cards) and printed by `metrics definitions`, as the
care metrics' are (etl/care_definitions.py)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from .cascade_tree import DEFAULT_IMPRESSIONS, INFER_RECENT_CANDIDATES
from .spread import COMPLETION_AGE, DEFAULT_N_STAR, FOLLOWER_SHRINK, MIN_CALIBRATION

if TYPE_CHECKING:
    import pandas as pd

# 1: the definitions of session 27 (time to half size, followers known, the high-risk bar over
# the complaint cascades still able to spread); 2: the predicted final reach with its interval,
# what the forecast is without complete cascades to calibrate on, and the spike and word-of-mouth
# definitions printed with them; 3: an unknown reach (no follower count known) is blank on the
# command line too, with its impressions, and the risk says its reach is then wholly assumed; 4:
# only a brand reply to the complaint or its author's follow-ups answers a cascade (a brand's share
# or quote did, and a reply to another customer in it), inferred_edges counted, and
# the cost of silence's size leaves out the complainer's own follow-ups (own_follow_ups); 5: nor
# does a brand reply timed before the complaint (the care metrics' response comes no earlier); 6: the
# influencer complaints are care requests, a customer's follow-ups counted on their first message's row
# (a review: one influencer's "STILL WAITING" follow-ups of one complaint took three rows), and the
# cost of silence's unanswered side is "still unanswered", as the page labels it, not "ignored"; 7:
# amplification risk says it is given for every cascade (a spec audit: a script sorting `metrics
# cascades` by it met answered complaints first), the care queue taking the unanswered complaints
CASCADE_VERSION = "cascades/7"

# Figures made from a cascade's own follower counts. With none known (followers_known 0: Facebook
# exports carry none) potential_reach sums nothing, and its 0 is an unknown, not an audience of
# none; so is every figure made from it. The warehouse stores them as computed (an added load reads
# the stored 0 back, etl/cascade_increment.py) and blank_unknown_reach blanks them for readers. Kept here,
# not in cascade_metrics.py, whose every byte is in the stored cascades' code stamp: an edit there
# recomputes every warehouse's cascades on its next load.
UNKNOWN_REACH_COLUMNS = ["potential_reach", "impressions_low", "impressions_high", "predicted_final_reach",
                         "predicted_final_reach_low", "predicted_final_reach_high"]


def reach_known(cascades: pd.DataFrame) -> pd.Series:
    """Whether some author of each cascade has a follower count: else its reach, and so its
    risk, rest on the history's typical count: the rule of blank_unknown_reach and the care
    queue's reach basis (cascade_metrics.cost_of_silence writes it out again: a change to the
    cascade code's files makes every warehouse recompute its cascades)."""
    return cascades["followers_known"] > 0


def blank_unknown_reach(cascades: pd.DataFrame) -> pd.DataFrame:
    """The cascades with their UNKNOWN_REACH_COLUMNS (those the frame has) null where the reach is
    unknown: the one rule of `metrics cascades` (an empty CSV cell, JSON null) and of the
    Amplification page (blank), so the two cannot disagree on which cascades have a reach."""
    unknown = ~reach_known(cascades)
    return cascades.assign(**{name: cascades[name].mask(unknown)
                              for name in UNKNOWN_REACH_COLUMNS if name in cascades})


def forecast_basis_warning(complete: int, still_open: int, at: str = "the newest mention") -> str | None:
    """What a reader must know of the forecasts when the model could not be calibrated, and
    there is a forecast to read (every cascade complete: each one's size is its final size).
    The Amplification and Overview pages say it of the warehouse, `metrics cascades` of --as-of."""
    if complete >= MIN_CALIBRATION or not still_open:
        return None
    return (f"The forecasts are not calibrated: this warehouse holds {complete:,} complete "
            f"cascades (root older than {COMPLETION_AGE / 86400:g} days at {at}), "
            f"fewer than the {MIN_CALIBRATION} the model learns from. Predicted sizes, reach and risk "
            "use its default constants, and their interval (the forecast to twice it) is a default, "
            "not a measured 80%. A longer history calibrates them.")


def forecast_basis(cascades: pd.DataFrame, moment) -> tuple[int, int]:
    """(complete, open) among a cascade frame evaluated at `moment`: app/sql/risk_forecast_basis.sql's
    count, for a frame at any --as-of rather than the stored table."""
    complete = int((cascades["root_created_at"] <= moment - timedelta(seconds=COMPLETION_AGE)).sum())
    return complete, len(cascades) - complete


# of positive amplification_risk over complaint cascades: app/risk.py passes it to
# risk_open_high.sql as $quantile
HIGH_RISK_QUANTILE = 0.9
HIGH_RISK_SHARE = f"top {1 - HIGH_RISK_QUANTILE:.0%}"  # 'top 10%': the bar's wording
HIGH_RISK_DEFINITION = (
    "Complaint cascades (root scored as a complaint) that no account "
    f"of the brand has answered, whose amplification risk is in the {HIGH_RISK_SHARE} "
    f"(at least the {HIGH_RISK_QUANTILE * 100:g}th percentile) of the warehouse's complaint "
    "cascades still able to spread (positive risk: a cascade older than "
    f"{COMPLETION_AGE / 86400:g} days counts as complete and has none, nor has one "
    "whose expected growth is none). The bar is fixed across filters; cascades are counted in the period "
    "their root was posted.")


REACH_DEFINITION = (
    "Expected additional reach if nothing changes, in accounts' followers: expected additional "
    "reshares x the cascade's followers per reshare, the mean of its reshares' counts (each capped at "
    "the history's 99th percentile, an unknown one taken as the history's median) shrunk towards the "
    f"history's mean per reshare by {FOLLOWER_SHRINK:g} reshares' worth, so one celebrity does not set "
    "it. For a cascade with no account's follower count known (Facebook comments) that reach is wholly "
    "assumed: it comes from the history's counts (other platforms' where a page's own carry none), or "
    "is 1 per reshare where no count is known at all, so the risk then counts reshares. The queue can "
    "still rank it, while its potential and predicted final reach are left blank. "
    "The expectation (mean) forecast: it can be positive where the median "
    "forecast of the final size shows no growth, for a small chance of a large spread.")
NEGATIVITY_DEFINITION = "Of the root post: 0.5 x complaint + 0.5 x max(0, -sentiment), from 0 to 1."
_SEEN_LOW, _SEEN_HIGH = DEFAULT_IMPRESSIONS  # the share of followers who see a post (an assumption)
RISK_SUMMARY = (
    "expected_additional_reach x negativity, in followers: 100 means the accounts expected to "
    "pass a fully negative complaint on from now have about 100 followers between them (if "
    f"{_SEEN_LOW:.0%}-{_SEEN_HIGH:.0%} of followers see a post, the impressions assumption: "
    f"{100 * _SEEN_LOW:g}-{100 * _SEEN_HIGH:g} people). A model's estimate, not a measurement; of a "
    "cascade with no account's follower count known, its reach is an assumed one (see "
    "expected_additional_reach). Given for every cascade, answered or not, complaint or not: what it "
    "would reach if nobody answered from now; the care queue ranks the unanswered complaints (answered "
    "false, is_complaint true) by it.")
RISK_DEFINITION = (f"{RISK_SUMMARY} Expected additional reach: {REACH_DEFINITION} "
                   f"Negativity: {NEGATIVITY_DEFINITION}")
FORECAST_DEFINITION = (
    "The median forecast of the cascade's final size (root included) from "
    "its growth so far, by a self-exciting point-process model calibrated on this history's "
    "complete cascades, with an 80% interval (low, high): `python -m etl metrics backtest` reports "
    "how often it held on this history (interval_coverage). With fewer than "
    f"{MIN_CALIBRATION} complete cascades (older than {COMPLETION_AGE / 86400:g} days) to learn "
    "from, the model is not calibrated: it keeps its default constants (SEISMIC's n* = "
    f"{DEFAULT_N_STAR:g}) and the interval is a default, the forecast to twice it, not a measured 80%.")
FINAL_REACH_DEFINITION = (
    "The reach the cascade is forecast to end with: its potential reach plus the followers of the "
    "reshares still to come (predicted additional mentions x the cascade's followers per reshare, an "
    "unknown count taken as the history's typical one). Its interval (from, to) is the final size's "
    "carried through the same followers per reshare: it leaves out the uncertainty of who will "
    "reshare. Blank on the pages, empty in the command line's CSV and null in its JSON where "
    "potential_reach is (no account's follower count known): there is no measured reach to add to, "
    "though expected_additional_reach assumes one for the risk.")

DEFINITIONS = dict([
    ("cascade", "A root mention and every share, quote, reply or comment by non-brand accounts below "
                "it. Brand replies are responses, not spread: what replies to, shares or quotes a "
                "brand's mention starts a cascade of its own (a customer's answer back to the brand is "
                "not spread of their complaint)."),
    ("care queue", "Open complaints: complaint cascades (root scored as a complaint) no account of the "
                   "brand has answered, highest amplification risk first. Answered here is any brand "
                   "reply to the complaint, or to its author's follow-ups in the cascade, however late "
                   "(not one to another customer in it, nor one timed before the complaint), where the "
                   "ghost-town rate counts an answer after the horizon H as ignored."),
    ("amplification_risk", RISK_SUMMARY),
    ("expected_additional_reach", REACH_DEFINITION),
    ("negativity", NEGATIVITY_DEFINITION),
    ("predicted_final_size", FORECAST_DEFINITION),
    ("predicted_final_reach", FINAL_REACH_DEFINITION),
    ("open high-risk complaints", HIGH_RISK_DEFINITION),
    ("potential_reach", "Sum of the followers of every account in the cascade, each account once. "
                        "An unknown follower count counts 0, so this is a lower bound; Facebook "
                        "comments carry no counts, so a cascade with no account's count known has no "
                        "known reach: blank here, and in the command line's metrics cascades an empty "
                        "CSV cell or JSON null (followers_known 0 there: it counts the mentions whose "
                        "author's count is known), as are its impressions and predicted final reach."),
    ("impressions_low, impressions_high", "Estimated impressions, a range: "
                                          f"potential_reach x {_SEEN_LOW:.0%} and x {_SEEN_HIGH:.0%}, the "
                                          "share of followers assumed to see a post (an assumption). "
                                          "Blank here, and empty (null) on the command line, where "
                                          "potential_reach is unknown."),
    ("minutes_to_half_size", "Minutes from the root post until half the cascade's mentions (root "
                             "included, as of the newest load) had appeared: how fast it spread. "
                             "Half is rounded up, so a post no one passed on and a cascade of 2 "
                             "both show 0. The command line's time_to_half_size, in seconds."),
    ("structural_virality", "Mean distance between two mentions of the cascade tree: 1-2 for a "
                            "broadcast, larger for person-to-person spread."),
    ("inferred_edges", "How many of the cascade's edges are inferred (below): its depth, max breadth and "
                       "structural virality are measured on the tree with them, as its declared links "
                       "alone would make every flattened share a child of the root."),
    ("inferred edge", "A flattened share: it pointed at the cascade's root, as platforms record a share "
                      "of a share, and was attached to the earlier sharer it most plausibly came through "
                      "instead (dashed in the network). Only in a cascade whose shares (two or more) all "
                      "point at the root. The candidates are the root, the latest "
                      f"{INFER_RECENT_CANDIDATES} earlier sharers and the most-followed earlier one; the "
                      "most plausible has the most followers x the forecast's memory kernel at the time "
                      "between the two (an unknown count taken as the history's typical one); the root "
                      "is kept unless a sharer scores higher."),
    ("cost of silence", "Complaint cascades per brand and ISO week (from Monday, in the chosen time zone) of "
                        "their root: mean size (not counting the complainer's own follow-ups, which reach no "
                        "one new, and of which an unanswered customer writes more) and mean potential reach of "
                        "still unanswered ones (no brand reply to the complaint or its author's follow-ups by "
                        "the newest load; not the Ghost Town's ignored, no answer within H) beside answered "
                        "ones, the reach of those where any account's follower count is known. Answered is a "
                        "brand reply however late (as in the care queue). The first and last weeks hold only "
                        "the chosen dates' days."),
    ("influencer complaints", "Complaints by the authors with the most followers, one row per care request: "
                              "its first message's text and time, with the customer's follow-ups posted "
                              "before a brand answered counted on it (customer's follow-ups), not rows of "
                              "their own. Answered: a brand replied to the request."),
])


def definitions() -> pd.DataFrame:
    """DEFINITIONS, then the spike rule and word of mouth's (issue 6's too, shown on the
    Trends and Overview pages), as `metrics definitions` prints them, with their version."""
    import pandas as pd

    from . import spikes, word_of_mouth
    printed = {**DEFINITIONS, "spike": spikes.DEFINITION, **word_of_mouth.DEFINITIONS}
    return pd.DataFrame({"version": CASCADE_VERSION, "metric": list(printed),
                         "definition": list(printed.values())})
