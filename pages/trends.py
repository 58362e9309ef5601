"""Trends page: volume, net sentiment and complaint reasons over time, spikes of negative
volume with the posts behind them, share of voice against competitors, and drill-down from
any chart point to its mentions. Layout only: numbers come from app.trends."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import streamlit as st

from app import filters as shared_filters
from app import busiest, db, formatting, gate, overview, safe, trend_figures, trends, widgets
from app.formatting import counted, format_change, format_value
from etl import spikes

SPIKES = "Spikes"
ALL = "All"


def render() -> None:
    gate.require()
    st.title("Trends")
    chosen = shared_filters.current()
    top = st.columns([3, 2, 2])  # a sixth of 1280 px cut "Definitions" to "Definiti…"
    label, default = _grain_chosen(chosen)
    grain = trends.GRAINS[label]
    with top[2]:
        _definitions()
    if not trends.totals(trends.volume(chosen, grain))["mentions"]:
        # empty charts and zero cards would say nothing; the filters to change would (the
        # view picker, not drawn, keeps its choice: widgets.section)
        _grain_picker(top[0], chosen, default)
        st.info(chosen.empty_note(shared_filters.date_bounds(chosen.tz)))
        return
    _headline(chosen, grain)
    view = widgets.section(tuple(VIEWS), "trends_view", label="View", url_key="view", label_visibility="collapsed")
    if view != SPIKES:  # the spikes have a resolution of their own: the buckets, drawn there, did nothing
        _grain_picker(top[0], chosen, default)
    # the view's heading, as each section of Ghost Town and Amplification has: without it a screen
    # reader's outline went from the page's title to the drill-down, past every chart
    st.header(view)
    VIEWS[view](chosen, grain)
    if view != SPIKES:  # a link made on another view opens no spike
        for url_key in SPIKE_URL_KEYS:
            st.query_params.pop(url_key, None)


_GRAIN_PICKED = "trends_grain_picked"  # the buckets the user (or a link) chose: kept across pages


def _grain_chosen(chosen) -> tuple[str, str]:
    """The buckets' label, days or weeks: the user's (or a link's) choice, kept when they leave
    the page and come back (and through the Spikes view, which draws no buckets: the link keeps
    its grain=); until they make one, what suits the dates (trends.default_grain), following them
    as they change (weeks picked for all dates stayed on a fortnight, Chromium check). Also the
    default, which the link leaves out."""
    default = trends.default_grain(chosen)
    asked = st.query_params.get("grain")  # a link's choice is the user's
    if asked in trends.GRAINS:
        st.session_state.setdefault(_GRAIN_PICKED, asked)
    label = st.session_state.get(_GRAIN_PICKED, default)
    shared_filters.to_link("grain", label, default)
    return label, default


def _grain_picker(place, chosen, default: str) -> None:
    """The Buckets radio in `place`, on the choice _grain_chosen read; a change reruns the page."""
    st.session_state["trends_grain"] = st.session_state.get(_GRAIN_PICKED, default)
    place.radio("Buckets", list(trends.GRAINS), horizontal=True, key="trends_grain",
                on_change=lambda: st.session_state.update({_GRAIN_PICKED: st.session_state["trends_grain"]}),
                help=f"Days or ISO weeks in the chosen time zone ({chosen.tz}). Ranges longer than "
                     f"{trends.LONG_RANGE_DAYS} days open in weeks, shorter ones in days, until you choose. "
                     "The Spikes view has its own resolution.")


def _definitions() -> None:
    widgets.definitions_popover(trends.DEFINITIONS, caption="How the numbers on this page are defined")


# Shares of a complaint are scored complaints too: the card's name says so where it is read
# ('Complaints 16,736', of which 3,741 shares, read as 16,736 customers complaining: a review).
COMPLAINTS_CARD = "Complaint mentions (shares included)"
COMPLAINTS_CHANGE = (" Its change is a count's, not coloured as better or worse: it moves with all mentions "
                     "(Weekly's complaint share is of the mentions scored).")


def _headline(chosen, grain: str) -> None:
    now = trends.totals(trends.volume(chosen, grain))
    compared = shared_filters.comparison(chosen)
    before = trends.totals(trends.volume(compared.previous, grain)) if compared.previous else {}
    prior = before if before.get("mentions") else {}  # no changes from a period without mentions
    cards = st.columns(3)
    # a volume is neither good nor bad: its change is not coloured (as on Overview and Weekly). The
    # complaints too: '63, -40, better' while all mentions fell by 56 was no verdict (a review)
    for place, label, key, kind, color, meaning, chance in (
            (cards[0], "Customer mentions", "mentions", "count", "off",
             "Mentions not by brand accounts, shares included.", False),
            # weighed as on Overview: '+0.04, better' here and '+0.04, may be chance' there (a review)
            (cards[1], "Net sentiment", "net_sentiment", "score", "normal",
             trends.NET_SENTIMENT + overview.chance_help("net_sentiment"), overview.net_may_be_chance(now, prior)),
            (cards[2], COMPLAINTS_CARD, "complaints", "count", "off", trends.COMPLAINT_MENTIONS + COMPLAINTS_CHANGE,
             False)):
        widgets.kpi_card(place, label, format_value(now[key], kind),
                         format_change(now[key], prior.get(key), kind), color, chance=chance, help=meaning)
    st.caption(compared.said(before.get("mentions", 0)))
    if not chosen.brands and (unbranded := trends.no_brand_note(
            int(overview.mention_volume(chosen)["mentions"]), now["mentions"])):
        st.caption(unbranded)


# ---- drill-down ---------------------------------------------------------------------------

def _clicked(event, series: str) -> tuple[str, str] | None:
    """(bucket key, series name) of the point a click picked, if any."""
    try:
        points = event["selection"][trend_figures.PICK]
    except (KeyError, TypeError, AttributeError):
        return None
    for point in points or []:
        if isinstance(point, dict) and point.get("bucket_key") and point.get(series) is not None:
            return str(point["bucket_key"]), str(point[series])
    return None


def _take_click(view: str, chart: str, event, names: list[str], series: str = "brand") -> None:
    """A new click on a chart point moves the drill-down widgets to that point."""
    hit = _clicked(event, series)
    seen = f"trends_click_{view}_{chart}"
    if hit is None or hit == st.session_state.get(seen):
        return
    st.session_state[seen] = hit
    st.session_state[f"trends_drill_bucket_{view}"] = hit[0]
    if hit[1] in names:
        st.session_state[f"trends_drill_series_{view}"] = hit[1]


def _drill(view: str, chosen, grain: str, buckets: list[str], names: list[str], series: str,
           **kwargs) -> None:
    st.header("Mentions behind a point")
    st.caption("Click a point in a chart above, or choose the bucket here.")
    if not buckets:
        st.info("No mentions in the filters.")
        return
    bucket_key, series_key = f"trends_drill_bucket_{view}", f"trends_drill_series_{view}"
    widgets.restore(bucket_key)
    widgets.restore(series_key)
    # nothing until a point or bucket is chosen
    widgets.keep_valid(bucket_key, buckets, None, trends.bucket_label(grain))
    # the counts are of the drill's brands (the sidebar's, or the chart's on Share of voice):
    # "All" and the caption name them. "All (...)" is the option itself, not a label of "All":
    # a label changed with the brands left the box naming the old ones.
    # A brand named "All" gets the plain "All" to itself.
    scope = trends.brand_scope(chosen.brands)
    every = f"{ALL} ({scope})" if (chosen.brands and series == "Brand") or ALL in names else ALL
    widgets.keep_valid(series_key, [every, *names], every)
    left, right = st.columns(2)
    bucket = left.selectbox("Bucket", buckets, key=bucket_key, format_func=trends.bucket_label(grain),
                            placeholder="Choose a bucket, or click a point")
    picked = right.selectbox(series, [every, *names], key=series_key, format_func=safe.visible)
    widgets.remember(bucket_key, series_key)
    if bucket is None:
        return
    value = None if picked == every else picked
    narrowed = {"reason": value} if series == "Reason" else {"brand": value}
    frame = trends.bucket_mentions(chosen, pd.Timestamp(bucket), grain, limit=trends.DRILL_LIMIT,
                                   **narrowed, **kwargs)
    matching = frame.attrs.get("matching", len(frame))
    capped = matching > len(frame)
    st.caption(trends.drill_caption(chosen, grain, series, value, bucket, len(frame), matching))
    widgets.grid(frame, key=f"trends_drill_table_{view}", name="Mentions behind the point",
                 column_order=widgets.reader_order(frame), zone=chosen.tz)
    # the CSV has every mention of the point, the list only the newest: read when clicked
    widgets.csv_download((lambda: db.read_now(trends.bucket_mentions, chosen, pd.Timestamp(bucket), grain,
                                              limit=None, **narrowed, **kwargs)) if capped else frame,
                         f"Download all {matching:,} mentions (CSV)" if capped else "Download these mentions (CSV)",
                         trends.drill_file(view, chosen, grain, bucket, value), key=f"trends_drill_csv_{view}")


def _numbers_download(chosen, frame: pd.DataFrame, shown: list[str], view: str, grain: str) -> None:
    """The chart's numbers as a CSV, the columns its table shows (the grids' own export is
    off: app/widgets.py), each bucket by its first instant in the chosen zone; made when the
    button is clicked, not on every run of the view. grain: day or week, or a spike frequency."""
    columns = [column for column in shown if column != "bucket"]
    words = trends.GRAIN_WORDS | trends.SPIKE_WORDS
    widgets.csv_download(lambda: trends.numbers_file(frame, chosen.tz, columns), "Download these numbers (CSV)",
                         f"trends-{view}-{words[grain]}.csv", key=f"trends_{view}_numbers_csv")


def _part_buckets(chosen, grain: str, brands=()) -> None:
    # a week cut by the dates draws as a dip at the line's end: say so, not leave it to be read;
    # and a brand's (brands: those drawn one by one) where its data starts or ends before the others'
    span = shared_filters.data_span(chosen)
    if note := trends.part_bucket_note(chosen, grain, span):
        st.caption(note)
    if note := trends.brand_part_buckets_note(chosen, grain, brands, shared_filters.options(), span):
        st.caption(note)


def _coverage(chosen, frame: pd.DataFrame, grain: str, every: pd.DataFrame | None = None) -> None:
    """Say which chosen brands have no line (every: the frame to look for them in, when the
    chart shows part of it) and where a line breaks over buckets without mentions."""
    for note in (trends.absent_brands_note(chosen, frame if every is None else every, shared_filters.options()),
                 trends.gaps_note(frame, grain)):
        if note:
            st.caption(note)


def _buckets(frame: pd.DataFrame) -> list[str]:
    return [trend_figures.bucket_key(b) for b in sorted(frame["bucket"].unique())] if len(frame) else []


# ---- views ---------------------------------------------------------------------------------

def _volume_view(chosen, grain: str) -> None:
    frame = trends.volume(chosen, grain)
    names = trend_figures.series_names(frame, "brand")
    scope = trends.chart_scope(chosen, shared_filters.labelled_pages(chosen.pages))
    drawn, left_out = busiest.busiest(frame, "brand", "mentions")
    event = widgets.chart(trend_figures.volume_figure(drawn, shared_filters.brand_names(), grain, scope),
                          f"Customer mentions per {grain} and brand ({chosen.tz}); click a point "
                          "for its mentions.", key="trends_volume_chart", on_select="rerun")
    _take_click("volume", "volume", event, names)
    event = widgets.chart(trend_figures.sentiment_figure(drawn, shared_filters.brand_names(), grain, scope),
                          f"Net sentiment = {trends.NET_SENTIMENT_FORMULA} per {grain} "
                          "and brand: a bucket of few mentions swings widely (hover for its counts); "
                          "click a point for its mentions.", key="trends_sentiment_chart",
                          on_select="rerun")
    _take_click("volume", "sentiment", event, names)
    shown = ["bucket", "brand", "mentions", "net_sentiment", "positive", "negative", "complaints"]
    numbers = widgets.chart_numbers(key="trends_volume_numbers_shown")
    if numbers.open:  # drawn on request (widgets.on_request): the first view has no other grid
        with numbers:
            table, shown = trends.with_iso_week(frame, shown, grain)
            widgets.grid(table, key="trends_volume_numbers", column_order=shown,
                         name=f"Customer mentions per {grain} and brand",
                         zone=chosen.tz, net_sentiment=st.column_config.NumberColumn(format="%+.2f"))
            _numbers_download(chosen, table, shown, "volume", grain)
    if note := busiest.left_out_note(left_out, drawn["brand"].nunique(), "customer mentions",
                                     chosen=bool(chosen.brands)):
        st.caption(note)
    _part_buckets(chosen, grain, trend_figures.series_names(drawn, "brand"))
    _coverage(chosen, drawn, grain, every=frame)
    _drill("volume", chosen, grain, _buckets(frame), names, "Brand")


def _reasons_view(chosen, grain: str) -> None:
    frame = trends.reasons(chosen, grain)
    if frame.empty:
        # an empty chart, then the drill-down's "No mentions in the filters" under a card of
        # mentions: the selection has mentions, but none scored a complaint
        st.info("No complaints in the filters: none of the selection's customer mentions is scored as a "
                "complaint, so there are no reasons to chart. Volume and sentiment shows the mentions.")
        return
    names = trend_figures.series_names(frame, "reason")
    scope = trends.chart_scope(chosen, shared_filters.labelled_pages(chosen.pages),
                               trends.brands_in_brief(chosen.brands))
    event = widgets.chart(trend_figures.reasons_figure(frame, grain, scope),
                          f"Complaint mentions per {grain} ({chosen.tz}) by reason, filtered brands "
                          "together; shares of a complaint count too, as on the Complaint mentions card. "
                          "Click a bar for its complaints.", key="trends_reasons_chart",
                          on_select="rerun")
    _take_click("reasons", "reasons", event, names, series="reason")
    numbers = widgets.chart_numbers(key="trends_reasons_numbers_shown")
    if numbers.open:  # drawn on request, as on the first view
        with numbers:
            table, shown = trends.with_iso_week(frame, ["bucket", "reason", "complaints"], grain)
            widgets.grid(table, key="trends_reasons_numbers", zone=chosen.tz, column_order=shown,
                         name=f"Complaint mentions per {grain} and reason")
            _numbers_download(chosen, table, shown, "reasons", grain)
    _part_buckets(chosen, grain)
    _drill("reasons", chosen, grain, _buckets(frame), names, "Reason", complaints_only=True)


# The sensitivity slider's steps, as the link writes them (?k=2.5)
K_STEPS = [f"{step / 2:g}" for step in range(2, 13)]
SPIKE_URL_KEYS = ("res", "k", "spike")


def _spikes_view(chosen) -> None:
    k, freq = _spike_controls(*st.columns(2))
    alerts, counts, unjudged = trends.spike_alerts(chosen, freq, float(k))
    scope = trends.chart_scope(chosen, shared_filters.labelled_pages(chosen.pages), f"k = {k:g}")
    drawn, left_out = busiest.spike_chart_brands(alerts, counts, _picked_brand(alerts, freq))
    counts_drawn, alerts_drawn = trends.spikes_drawn(counts, alerts, drawn)
    event = widgets.chart(trend_figures.spikes_figure(counts_drawn, alerts_drawn,
                                                      shared_filters.brand_names(), trends.UNITS[freq], scope,
                                                      chosen.tz),
                          f"Negative customer mentions per {trends.UNITS[freq]} and "
                          f"brand ({chosen.tz}); black diamonds are spikes above the {trends.baseline_slot(freq)}'s "
                          f"{trends.BASELINE_WEEKS}-week baseline + {k:g} x spread.", key="trends_spikes_chart",
                          on_select="rerun")
    st.caption(trends.spike_rule_caption(len(alerts), k, freq))
    for note in (trends.unjudged_note(unjudged, freq), trends.shared_spikes_note(alerts, freq)):
        if note:
            st.caption(note)
    # each bucket's count, which the lines give only as a picture and on hover; every brand, the
    # chart's left-out ones too, as the note below says ('Their numbers are in the table')
    numbers = widgets.chart_numbers(key="trends_spikes_numbers_shown")
    if numbers.open:  # drawn on request, as on the first view
        with numbers:
            table = trends.spike_numbers(trend_figures.negative_counts(counts), alerts, freq)
            # the alerts grid's rounding (a clock change's count per hour too), through its widget
            widgets.spikes_table(table, key="trends_spikes_numbers", zone=chosen.tz,
                                 name=f"Negative customer mentions per {trends.UNITS[freq]} and brand",
                                 negative=st.column_config.NumberColumn("negative mentions", format="localized"))
            _numbers_download(chosen, table, list(table.columns), "spikes", freq)
    if note := busiest.left_out_note(left_out, len(drawn), "spikes (the picked spike's brand first), then "
                                     "negative mentions,",
                                     chosen=bool(chosen.brands)):
        st.caption(note)
    with st.expander("What the spike back-test measured"):  # what a client asks first: how well does it work
        st.caption(trends.BACKTEST_NOTE)
    if alerts.empty:
        st.info("No spikes in the filters at this sensitivity.")
        return
    row = _pick_spike(event, alerts, freq)
    _spike_evidence(chosen, row, freq)


def _spike_controls(left, right) -> tuple[float, str]:
    """The sensitivity slider (left) and the resolution radio (right), kept in the link; returns
    k and the resolution's frequency (trends.SPIKE_FREQS: "D" or "h")."""
    # a link's resolution, sensitivity and spike (?res=Hourly&k=2.5&spike=...) open a first
    # visit on the spike it was made on: the link kept only the view, so a spike shared by a
    # consultant opened on the default list, maybe without it
    shared_filters.take_link("k", "trends_k", K_STEPS, read=float)
    shared_filters.from_link("res", "trends_spike_freq", list(trends.SPIKE_FREQS),
                             widgets.kept("trends_spike_freq", next(iter(trends.SPIKE_FREQS))))
    widgets.restore("trends_k", spikes.DEFAULT_K)
    k = left.slider("Sensitivity k (spread above baseline)", 1.0, 6.0, step=0.5, key="trends_k",
                    help="Alert when negative mentions > baseline mean + k x spread.")
    freq_label = right.radio("Spike resolution", list(trends.SPIKE_FREQS), horizontal=True,
                             key="trends_spike_freq")
    widgets.remember("trends_k", "trends_spike_freq")
    shared_filters.to_link("k", f"{k:g}", f"{spikes.DEFAULT_K:g}")
    shared_filters.to_link("res", freq_label, next(iter(trends.SPIKE_FREQS)))
    return k, trends.SPIKE_FREQS[freq_label]


def _picked_brand(alerts, freq: str) -> str | None:
    """Before the chart: the brand of the spike the list under it will show (the link's, the one
    kept from before, else the first); None with no spike."""
    if alerts.empty:
        return None
    labels = trends.spike_labels(alerts, freq)
    shared_filters.take_link("spike", "trends_spike_pick", labels)
    widgets.restore("trends_spike_pick")
    kept = st.session_state.get("trends_spike_pick")
    return str(alerts["brand"].iloc[labels.index(kept) if kept in labels else 0])


def _pick_spike(event, alerts, freq: str):
    """The spike picked in the list (or last clicked on the chart), as its row of alerts."""
    labels = trends.spike_labels(alerts, freq)
    hit = _clicked(event, "brand")
    if hit and hit != st.session_state.get("trends_click_spike"):
        st.session_state["trends_click_spike"] = hit
        for label, row in zip(labels, alerts.itertuples()):
            if (trend_figures.bucket_key(row.window_start), str(row.brand)) == hit:
                st.session_state["trends_spike_pick"] = label
    shared_filters.take_link("spike", "trends_spike_pick", labels)
    widgets.restore("trends_spike_pick")
    widgets.keep_valid("trends_spike_pick", labels, labels[0])
    widgets.spikes_table(trends.spike_table(alerts, freq), key="trends_spikes_table", name="Spikes")
    pick = st.selectbox("Spike", labels, key="trends_spike_pick", format_func=safe.visible)
    widgets.remember("trends_spike_pick")
    shared_filters.to_link("spike", pick, labels[0])
    return alerts.iloc[labels.index(pick)]


# a cascade's way to its network and growth, which the grid gave no way to (review ux60c)
NETWORK_LINK = st.column_config.LinkColumn(
    "network", display_text="open network", width=110,
    help="Opens the cascade on the Amplification page (One cascade, in a new tab): who shared or replied to "
         "whom, and its growth. Empty for a post that spread no further: it has no network.")


def _spike_evidence(chosen, row, freq: str) -> None:
    """The posts and the cascades behind one spike."""
    posts = trends.spike_mentions(chosen, row["brand"], row["window_start"], freq)
    st.header("Posts behind the spike")
    st.caption(f"{counted(len(posts), 'negative mention')} in {counted(posts['cascade_root'].nunique(), 'cascade')} "
               f"{trends.spike_figures(row, freq)}; most followed authors first.")
    if reading := trends.spike_reading(posts):
        st.caption(reading)
    widgets.grid(posts, key="trends_spike_posts", name="Posts behind the spike",
                 column_order=widgets.reader_order(posts),
                 zone=chosen.tz)
    when = pd.Timestamp(row["window_start"])  # already the chosen zone's clock (naive): no conversion
    widgets.csv_download(posts, "Download the spike's posts (CSV)",
                         f"spike-posts-{formatting.distinct_slug([row['brand']])}-{when:%Y%m%d-%H%M}.csv",
                         key="trends_spike_csv")
    st.header("Cascades behind the spike")
    st.caption("Each cascade the spike's mentions belong to, the most of them first (a spike that "
               "is one post spreading is one row); size, answer and risk as of the newest load, as "
               "on the Amplification page.")
    cascades = trends.with_network_links(trends.spike_cascades(posts), chosen.tz)
    if note := trends.no_risk_left_note(cascades):
        st.caption(note)
    # the answer and risk the caption names before the counts: at 1024 px they were off the
    # grid's edge, at 1440 px the predicted size (a review at narrow widths)
    first = ("text", "author_handle", "link", "network_link", "spike_mentions", "answered", "amplification_risk",
             "predicted_final_size")
    widgets.grid(cascades, key="trends_spike_cascades", name="Cascades behind the spike",
                 column_order=widgets.reader_order(cascades, first), network_link=NETWORK_LINK,
                 amplification_risk=st.column_config.NumberColumn(format="%.3g"),
                 predicted_final_size=st.column_config.NumberColumn(format="%.0f"))


# an industry's brands are all drawn whatever the sidebar chooses: only the other comparison narrows them
_SHARE_ADVICE = (f"compare with the selected brands only, at most {busiest.MOST_LINES} of them, to draw the "
                 "brands you choose")


_COMPARE_PICKED = "trends_compare_picked"  # the comparison the user chose: kept across pages


def _comparison_picker(place, chosen, grain: str) -> bool:
    """Whether Share of voice compares by industry: the user's choice once they make one; until
    then by industry, unless none of the brands has one (trends.default_comparison)."""
    picked = st.session_state.get(_COMPARE_PICKED)  # the default's query only until a choice is made
    st.session_state["trends_compare"] = picked or trends.default_comparison(trends.share_of_voice(chosen, grain, True))
    mode = place.radio("Compare with", trends.COMPARISONS, horizontal=True, key="trends_compare",
                       on_change=lambda: st.session_state.update({_COMPARE_PICKED: st.session_state["trends_compare"]}),
                       help="Same industry: the selected brands and every brand of their industry "
                            "(brands table). With no brand selected, every brand against its industry. "
                            "Until you choose, by industry unless no brand here has one.")
    return mode == trends.COMPARISONS[0]


def _share_view(chosen, grain: str) -> None:
    left, right = st.columns(2)
    by_industry = _comparison_picker(left, chosen, grain)
    every = trends.share_of_voice(chosen, grain, by_industry)
    industries = trends.industries(every)
    industry = _industry_picked(industries, right) if by_industry else None
    frame = trends.of_industry(every, industry)
    names = trend_figures.series_names(frame, "brand")
    scope = (f"its industry ({safe.markdown_text(industry)})" if industry is not None else
             "the selected brands" if chosen.brands else "all brands")
    compared = trends.chart_scope(chosen, None, trends.compared_within(industry, chosen.brands))
    # the busiest brands' lines, each share still of the whole set (with_set_mentions first)
    drawn, left_out = busiest.busiest(trend_figures.with_set_mentions(frame), "brand", "mentions")
    event = widgets.chart(trend_figures.share_figure(drawn, shared_filters.brand_names(), grain, compared),
                          f"Share of voice per {grain} ({chosen.tz}): each brand's customer mentions over those of "
                          f"{scope}; platform and date filters apply, page filters do not. Click a "
                          "point for its mentions.", key="trends_share_chart", on_select="rerun")
    _take_click("share", "share", event, names)
    if note := busiest.left_out_note(left_out, drawn["brand"].nunique(), "customer mentions",
                                     chosen=bool(chosen.brands), advice=_SHARE_ADVICE if by_industry else None):
        st.caption(note)
    if note := trends.lone_brand_note(frame, by_industry):
        st.info(note, icon=":material/info:")
    _coverage(replace(chosen, pages=()), frame, grain, every)  # page filters do not apply here
    numbers = widgets.chart_numbers(key="trends_share_numbers_shown")
    if numbers.open:  # drawn on request, as on the first view
        with numbers:
            table, shown = trends.with_iso_week(frame, ["bucket", "industry", "brand", "share", "mentions"], grain)
            widgets.grid(table, key="trends_share_numbers", name=f"Share of voice per {grain} and brand",
                         column_order=[column for column in shown if column != "industry"],
                         zone=chosen.tz, share=st.column_config.NumberColumn(format="percent"))
            _numbers_download(chosen, table, shown, "share", grain)
    if len(frame):
        st.caption("Over the whole period, every industry:" if industry is not None and len(industries) > 1
                   else "Over the whole period:")
        widgets.grid(trends.period_share_of_voice(every, by_industry), headers=False,
                     name="Share of voice over the whole period",
                     mentions=st.column_config.NumberColumn(format="localized"),
                     share=st.column_config.NumberColumn(format="percent"))
    competitors = replace(chosen, brands=tuple(names), pages=())
    _drill("share", competitors, grain, _buckets(frame), names, "Brand")


def _industry_picked(names: list[str], place) -> str | None:
    """One industry's chart at a time: drawn together, each industry's shares sum to 100% on
    one axis and a pair of brands mirror each other across it."""
    if len(names) < 2:
        return names[0] if names else None
    widgets.keep_valid("trends_share_industry", names, names[0])
    return place.selectbox("Industry", names, key="trends_share_industry", format_func=safe.visible,
                          help="Shares are within an industry: one industry's brands at a time.")


# The views by their labels, in the picker's order: a label mistyped here fails at once, where
# a chain of comparisons let it fall silently into its last branch. The spikes have a resolution
# of their own (hours or days), not the page's buckets.
VIEWS = {
    "Volume and sentiment": _volume_view,
    "Complaint reasons": _reasons_view,
    SPIKES: lambda chosen, grain: _spikes_view(chosen),
    "Share of voice": _share_view,
}


if __name__ == "__main__":  # run as a script (pages/ auto-discovery): through the shell and its gate
    from app.shell import main

    main()
