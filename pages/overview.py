"""Overview: the KPI cards of the selection with deltas vs the previous period, and alerts."""

import streamlit as st

from app import care, filters, gate, overview, risk, trends, widgets
from app.formatting import all_of, counted, format_change, format_km_median, format_value, km_delta_style
from etl import cascade_definitions, text

CARE_METRICS = ["ghost_town_rate", "sla_rate", "km_median_minutes", "care request",
                "answered / ignored / pending", "as of"]


def _denominators(now: dict, horizon_hours: float, tz: str, no_replies: str | None) -> None:
    """What the rates are of: a rate without its count and interval hides a small sample."""
    counts = now["outcomes"]
    # pending and ignored depend on the moment: say which
    as_of = "" if now.get("as_of") is None else f" {care.as_of_note(now['as_of'], tz)}."
    km = f" {note}" if (note := overview.km_note(now)) else ""
    if (basis := care.rates_basis(counts, now["ghost_town_rate"], now["ghost_town_ci"])) is None:
        _no_rates_yet(counts["pending"], as_of + km)
        return
    st.caption(basis + as_of + km)
    if no_replies:
        st.warning(no_replies, icon=":material/report:")
    if note := care.pending_note(counts, horizon_hours):
        st.warning(note, icon=":material/hourglass_top:")


def _no_rates_yet(pending: int, said_after: str) -> None:
    """Why the rate cards show '–' while every request is pending, or when there is no request
    at all: a '–' alone reads as missing data. said_after: the as-of moment and KM note."""
    if pending:
        st.caption(f"No ghost-town or SLA rate yet: rates need decided requests (answered within H, "
                   f"or ignored: no response within H), and {all_of(pending, 'request')} "
                   f"{'is' if pending == 1 else 'are'} pending "
                   f"(younger than H, unanswered).{said_after}")
    else:
        st.caption("No care requests in this selection (no customer complaint or question needing "
                   "a reply), so no ghost-town rate, SLA rate or response time.")


def _risk_bar(threshold) -> str:
    return "" if threshold is None else f" Bar now: {risk.bar_note(threshold)}."


PERIODS = {"Last 7 days": 7, "Last 28 days": 28, "Last 90 days": 90, "All dates": None}


def _periods() -> None:
    """Buttons that set the sidebar dates to a recent period (ending on the newest day of
    data), so the cards compare it with the period just before."""
    # a row that wraps, each button as wide as its label: six equal columns cut them to
    # "Last …" at 820 px (a review at narrow widths)
    row = st.container(horizontal=True, gap="small")
    for label, days in PERIODS.items():
        row.button(label, key=f"overview_period_{days or 'all'}", on_click=filters.choose_recent_days, args=(days,))


def _card(place, label: str, now: dict, prior: dict, key: str, kind: str, color: str,
          shown: str | None = None, **kwargs) -> None:
    """The KPI `key` of this period (`shown`, else format_value) and its change from the
    period before, coloured by `color`."""
    widgets.kpi_card(place, label, shown or format_value(now[key], kind),
                     format_change(now[key], prior.get(key), kind), color, border=True, **kwargs)


def render() -> None:
    gate.require()
    st.title("Overview")
    chosen, assumed = filters.current(), filters.assumptions()
    now = overview.kpis(chosen, assumed)
    if now["mentions"] == 0:
        st.info(chosen.empty_note(filters.date_bounds(chosen.tz)))
        return
    compared = filters.comparison(chosen)
    before = overview.previous_kpis(compared, assumed)
    prior = before or {}
    _periods()
    st.caption(compared.said(prior.get("mentions", 0)))
    left, right = st.columns([1, 1])
    with left:
        widgets.definitions(CARE_METRICS, label="Care metric definitions")
    with right:
        widgets.definitions_popover(overview.other_definitions(assumed.wom_multiplier), label="Other definitions",
                                    caption=f"Sentiment: text scorer {text.SCORER_VERSION}; risk: "
                                            f"{cascade_definitions.CASCADE_VERSION}.")

    _cards(now, prior, assumed, chosen.tz, overview.no_replies_warning(chosen, assumed, now))
    _alerts(chosen)


def _cards(now: dict, prior: dict, assumed, tz: str, no_replies: str | None) -> None:
    """The KPI cards, each with its delta against the period before (none: `prior` empty),
    widgets.CARDS_A_ROW a row: volumes, care, cost; `no_replies`: overview.no_replies_warning."""
    row = st.columns(widgets.CARDS_A_ROW)
    # volumes are neither good nor bad: their changes are not coloured (as on Weekly)
    _card(row[0], "Customer mentions", now, prior, "mentions", "count", "off",
          help="Customer mentions (not by brand accounts) in the selection.")
    _card(row[1], "Net sentiment", now, prior, "net_sentiment", "score", "normal",
          chance=overview.net_may_be_chance(now, prior),
          help=trends.NET_SENTIMENT + overview.chance_help("net_sentiment"))
    _card(row[2], "Care requests", now, prior, "requests", "count", "off",
          help="Customer messages needing a reply (a complaint or a question), a customer's follow-ups "
               "before the brand answers counted with their first message, made in the selection "
               "('care request' in Care metric definitions).")
    if basis := overview.net_basis(now):
        st.caption(basis)
    row = st.columns(widgets.CARDS_A_ROW)
    _card(row[0], "Ghost-town rate", now, prior, "ghost_town_rate", "share", "inverse",
          chance=overview.rate_may_be_chance(now, prior, "ghost_town_rate"),
          help=f"Ignored / (answered + ignored): no brand response within "
               f"H = {assumed.horizon_hours:g} h. Pending requests are left out."
               + overview.chance_help("ghost_town_rate"))
    _card(row[1], "SLA rate", now, prior, "sla_rate", "share", "normal",
          chance=overview.rate_may_be_chance(now, prior, "sla_rate"),
          help=f"Share of decided requests answered within {assumed.sla_minutes:g} minutes."
               + overview.chance_help("sla_rate"))
    # its change is grey and judged by no word, as on Weekly: no test weighs it (formatting.km_delta_style)
    km_shown = format_change(now["km_median_minutes"], prior.get("km_median_minutes"), "minutes")
    row[2].metric("KM median response", format_km_median(now["km_median_minutes"], now["requests"]), km_shown,
                  border=True, **km_delta_style(km_shown),
                  help="Kaplan–Meier median time to first response, unanswered requests censored "
                       "at their age; 'not reached' when fewer than half are answered." + overview.KM_CHANGE_HELP)
    _denominators(now, assumed.horizon_hours, tz, no_replies)
    _cost_cards(now, prior, assumed)
    widgets.assumption_note(assumed, wom=True)
    if warning := risk.forecast_warning():
        st.warning(f"Open high-risk complaints: {warning}")


HIGH_RISK_LABEL = "Open high-risk complaints now"


def _cost_cards(now: dict, prior: dict, assumed) -> None:
    """What silence may cost: the open complaints at risk, and word of mouth's assumed toll."""
    # two cards share the row unless there is a third: in a third of a 1024 px page each the
    # labels read "Open high-risk co…" and "Customers lost (as…", the "assumed" lost (a review)
    row = st.columns(widgets.CARDS_A_ROW if now["revenue_at_risk"] is not None else 2)
    # No delta: "open" and the risk are as of the newest load, so an earlier period's
    # complaints have mostly been answered or stopped spreading since, whatever they were then.
    # "now" in the label: a June range's card read 0 beside "evaluated as of 30 June" (a review)
    row[0].metric(HIGH_RISK_LABEL, format_value(now["open_high_risk"], "count"),
                  border=True,
                  help=risk.HIGH_RISK_DEFINITION + " Open and at risk as of the newest load: no "
                       "delta, as the earlier period's complaints are judged as of now too."
                       + _risk_bar(now["risk_threshold"]))
    chance = overview.lost_may_be_chance(now, prior)
    _card(row[1], "Customers lost (assumed)", now, prior, "customers_lost", "amount", "inverse", chance=chance,
          help=f"{counted(now['ignored_complaints'], 'ignored complaint')} × word-of-mouth multiplier "
               f"{assumed.wom_multiplier:g}. " + now["assumption"] + overview.LOST_CHANCE_HELP)
    if now["revenue_at_risk"] is not None:
        _card(row[2], "Revenue at risk (assumed)", now, prior, "revenue_at_risk", "amount", "inverse", chance=chance,
              help="Estimated customers lost × customer value, in the customer value's currency "
                   "(both user-set assumptions)." + overview.LOST_CHANCE_HELP)


def _alerts(chosen) -> None:
    st.header("Alerts")
    # in plain words where a marketer reads; the spread's formula (sample SD, its square root) is one
    # click away in the Definitions' 'alert' (spikes.DEFINITION): review55 found it here jargon
    st.caption("A day is an alert when a brand's negative customer mentions are far above usual for "
               f"that weekday: more than {overview.ALERT_K:g} spreads above the same weekday of the "
               f"{overview.ALERT_WEEKS} weeks before (how the spread is computed: 'alert' in Other definitions), "
               f"and at least {overview.ALERT_MIN} of them (the rule of the spike detector, on daily counts in "
               f"{chosen.tz}). "
               "An alert says a day's count is unusual for its weekday, not why (an incident, one post "
               "going viral, a campaign): look at Trends for the posts behind it. Listed as on Trends: "
               "the largest rise above the threshold first. A day without a baseline raises none: "
               f"a brand's first {overview.ALERT_WEEKS} weeks, or a day none of whose baseline days holds a "
               "customer mention of the brand (days the data does not cover).")
    alerts = overview.spike_alerts(chosen)
    if alerts.empty:
        st.success("No spike alerts in this selection.")
    else:
        st.warning(f"{counted(len(alerts), 'spike alert')} in this selection.")
        widgets.spikes_table(alerts, key="overview_alerts")
    if note := overview.unjudged_alerts_note(chosen):
        st.caption(note)


if __name__ == "__main__":  # run as a script (pages/ auto-discovery): through the shell and its gate
    from app.shell import main

    main()
