"""Read side of the Overview: the KPI cards' numbers of a selection and of the period before."""

from __future__ import annotations

import pandas as pd

from etl import spikes, text, word_of_mouth
from etl.care_stats import count_change_may_be_chance, net_change_may_be_chance, rate_change_may_be_chance

from . import care, db, filters, formatting, risk, slots, trends
from .formatting import NOT_WEIGHED, RATE_TRIALS, counted, km_not_reached, km_not_reached_said


def other_definitions(multiplier: float = word_of_mouth.DEFAULT_MULTIPLIER) -> list[tuple[str, str]]:
    """The Overview's other definitions, word of mouth's with the multiplier in use."""
    return [
        ("customer mentions", "Mentions not by a brand account in the selection (shares included)."),
        ("net sentiment", trends.NET_SENTIMENT),
        ("sentiment label", text.DEFINITIONS["sentiment label"]),
        ("open high-risk complaints", risk.HIGH_RISK_DEFINITION),
        ("amplification risk", risk.RISK_DEFINITION),
        *word_of_mouth.definitions(multiplier).items(),
        ("alert", spikes.DEFINITION),
        ("delta", "The change from the period of equal length just before the selected dates, shown "
                  "only when the selection's data starts on or before that period's first day. That "
                  "period is evaluated as of its own end, as the chosen dates are as of theirs: its "
                  "requests younger than H then are pending, though answered or ignored since."),
    ]


def kpis(chosen: filters.Filters, assumed: filters.Assumptions) -> dict:
    """Every KPI of the overview for one selection (numbers only: the tests read them too)."""
    vol = mention_volume(chosen)
    summary = care.summary(chosen, assumed.horizon_hours, assumed.sla_minutes)
    lost = care.customers_lost(chosen, assumed.horizon_hours, assumed.wom_multiplier,
                               assumed.customer_value)
    high = risk.open_high_risk(chosen)
    return {
        "mentions": int(vol["mentions"]),
        "net_sentiment": None if vol["net_sentiment"] is None else float(vol["net_sentiment"]),
        "polar_mentions": int(vol["positive"] + vol["negative"]),  # what net sentiment is of
        "positive": int(vol["positive"]), "negative": int(vol["negative"]),
        "requests": int(summary.get("requests", 0)),
        "ghost_town_rate": summary.get("ghost_town_rate"),
        "ghost_town_ci": (summary.get("ghost_town_ci_low"), summary.get("ghost_town_ci_high")),
        "outcomes": {name: int(summary.get(name, 0)) for name in ("answered", "ignored", "pending")},
        "as_of": summary.get("as_of"),  # the moment the care numbers are evaluated at
        "sla_rate": summary.get("sla_rate"),
        "km_median_minutes": summary.get("km_median_minutes"),
        "open_high_risk": high["open_high_risk"],
        "risk_threshold": high["risk_threshold"],
        "ignored_complaints": lost["unresolved_negative"],  # word_of_mouth's name for them
        "customers_lost": lost["customers_lost"],
        "revenue_at_risk": lost["revenue_at_risk"],
        "assumption": lost["assumption"],
    }


def previous_kpis(compared: filters.Comparison, assumed: filters.Assumptions) -> dict | None:
    """kpis() of the period the chosen dates are compared with (filters.comparison); None when
    there is none or it has no mentions (no deltas to show)."""
    if compared.previous is None:
        return None
    before = kpis(compared.previous, assumed)
    return before if before["mentions"] else None


def net_basis(now: dict) -> str | None:
    """What the net sentiment card is of, in counts: -0.42 read alike of 12 labelled mentions and
    of 25,000, and the neutral ones it leaves out were nowhere said. None with none labelled."""
    if not now["polar_mentions"]:
        return None
    rest = now["mentions"] - now["polar_mentions"]
    return (f"Net sentiment is of {counted(now['polar_mentions'], 'customer mention')} labelled positive "
            f"({now['positive']:,}) or negative ({now['negative']:,}); the other {rest:,} of the "
            f"{now['mentions']:,} (neutral, or not scored) are left out.")


def no_replies_warning(chosen: filters.Filters, assumed: filters.Assumptions, now: dict) -> str | None:
    """care.no_replies_note of the brands with no reply in the data and a request in the chosen
    dates, with their share of the ignored complaints: Customers lost (and revenue at risk) count
    those, so 5,668 of 7,596 came from four airlines whose replies the file lacks while the
    warning named the rates only (a review). None when no such brand has a request in them."""
    silent, theirs = care.silent_in_selection(chosen, assumed.horizon_hours)
    if (note := care.no_replies_note(silent)) is None or not theirs:
        return note
    cards = ("Customers lost (assumed) and Revenue at risk (assumed) are" if now["revenue_at_risk"] is not None
             else "Customers lost (assumed) is")
    return (f"{note} {theirs:,} of the {now['ignored_complaints']:,} ignored complaints are theirs, so "
            f"{cards} inflated by them too.")


def km_note(now: dict) -> str | None:
    """Why the KM median card reads 'not reached', in full: at 1024 px its card shows only
    'not rea…' (a review), and the cards' caption is where the counts behind them are said."""
    if not km_not_reached(now["km_median_minutes"], now["requests"]):
        return None
    return km_not_reached_said(f"the {counted(now['requests'], 'request')}", "the end of the chosen dates",
                               now["requests"])


def rate_may_be_chance(now: dict, prior: dict, key: str) -> bool:
    """Whether chance may explain the change of a rate of decided requests (ghost_town_rate,
    sla_rate) from the period before; False with nothing to compare."""
    return bool(prior) and rate_change_may_be_chance(now.get(key), _decided(now), prior.get(key), _decided(prior))


def net_may_be_chance(now: dict, prior: dict) -> bool:
    """Whether chance may explain net sentiment's change from the period before, at the two
    periods' counts of positive and negative mentions; False with nothing to compare."""
    return bool(prior) and net_change_may_be_chance(now["net_sentiment"], now["polar_mentions"],
                                                    prior["net_sentiment"], prior["polar_mentions"])


def lost_may_be_chance(now: dict, prior: dict) -> bool:
    """Whether chance may explain the change of the customers lost (and revenue at risk), both the
    period's ignored complaints times assumptions: at those counts, of two periods of equal length."""
    return bool(prior) and count_change_may_be_chance(now["ignored_complaints"], prior["ignored_complaints"])


LOST_CHANCE_HELP = (f" A change shown grey as '{formatting.MAY_BE_CHANCE}' is one an exact test at 95% cannot tell "
                    "from chance at the two periods' counts of ignored complaints.")


KM_CHANGE_HELP = (f" Its change is grey, '{NOT_WEIGHED}': unlike a rate's, it is not tested, as a median's "
                  "noise needs the response times themselves, not counts.")


def chance_help(key: str) -> str:
    """The help of the card of rate `key` on its grey 'may be chance' change, at the counts the
    rate is a share of as Weekly's card of it names them (formatting.RATE_TRIALS)."""
    return formatting.chance_help(RATE_TRIALS[key][1])


def _decided(kpis: dict) -> int:
    return kpis["outcomes"]["answered"] + kpis["outcomes"]["ignored"]


@db.cached
def mention_volume(cur, chosen: filters.Filters) -> dict:
    """Customer mentions, positive, negative and net sentiment of the selection."""
    query = "overview_volume_slots" if slots.fit(cur, chosen) else "overview_volume"
    frame = cur.execute(db.sql_text(query), chosen.params()).df()
    return frame.iloc[0].to_dict()


# The Overview's alerts are the Trends page's daily spikes at k = 3: one rule, one query.
ALERT_K, ALERT_WEEKS, ALERT_MIN = spikes.DEFAULT_K, trends.BASELINE_WEEKS, spikes.MIN_COUNT


def spike_alerts(chosen: filters.Filters) -> pd.DataFrame:
    """Days of the window whose negative customer mentions of a brand exceed its baseline:
    app.trends.spike_alerts (etl.spikes' rule) on daily counts at k = ALERT_K, the same
    weekday of the ALERT_WEEKS weeks before as baseline, days in the sidebar's time zone.
    Columns brand, day, negative, threshold, baseline_mean, baseline_sd, spread,
    baseline_days_with_data, and length and negative_per_24_h where a day's clock change made it
    23 or 25 hours (trends.spike_table)."""
    # the Trends page's spike grid, one table
    return trends.spike_table(trends.spike_alerts(chosen, "D", ALERT_K).alerts, "D")


def unjudged_alerts_note(chosen: filters.Filters) -> str | None:
    """The days spike_alerts could not judge, for want of a baseline (trends.unjudged_note): 'No
    spike alerts' beside a brand's first weeks of complaints read as an all-clear."""
    unjudged = trends.spike_alerts(chosen, "D", ALERT_K).unjudged
    return trends.unjudged_note(unjudged, "D", chart="the Trends page's Spikes chart")
