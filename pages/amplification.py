"""Amplification Risk: which open complaints may spread, how cascades grow, and what silence costs."""

import streamlit as st

from app import care, demo_links, figures, filters, formatting, gate, risk, safe, trends, widgets
from app.formatting import counted, format_significant
from etl import cascade_definitions

# What a care agent needs first: how risky, whose complaint, what it says, where to answer it.
QUEUE_COLUMNS = ["amplification_risk", "high_risk", "reach_basis", "brand", "author_handle", "author_followers",
                 "text", "link", "root_created_at", "age_hours", "own_follow_ups", "other_open_by_author", "page",
                 "expected_additional_reach", "negativity", "size", "predicted_final_size", "predicted_final_size_low",
                 "predicted_final_size_high", "potential_reach", "root_id"]
QUEUE_FILE_COLUMNS = [*QUEUE_COLUMNS, "platform"]
QUEUE_SHOWN_FIRST = ("amplification_risk", "text", "link", "brand", "author_handle")
INFLUENCER_SHOWN_FIRST = ("text", "author_handle", "author_followers", "link", "answered", "first_response_at",
                          "own_follow_ups")
# the influencer list's follow-ups are its care request's (risk.influencer_complaints), answered or
# not: the queue's help ('unanswered like it') would misread an answered row
INFLUENCER_FOLLOW_UPS = {"own_follow_ups": st.column_config.NumberColumn(
    "customer's follow-ups", format="localized",
    help="The customer's later messages continuing this complaint ('still waiting') before a brand answered: "
         "counted on its row, as the first message's, not listed as complaints of their own.")}
CASCADE_COLUMNS = ["root_id", "brand", "platform", "root_created_at", "is_complaint", "answered",
                   "deleted_by_author", "size", "shares", "quotes", "replies", "depth", "max_breadth",
                   "structural_virality", "inferred_edges", "minutes_to_half_size", "potential_reach",
                   "impressions_low", "impressions_high", "predicted_final_size", "predicted_final_size_low",
                   "predicted_final_size_high", "predicted_final_reach", "predicted_final_reach_low",
                   "predicted_final_reach_high", "amplification_risk", "reach_basis", "expected_additional_reach",
                   "negativity", "author_handle", "text", "link"]
NUMBERS = {c: st.column_config.NumberColumn(format="%.1f") for c in ("structural_virality", "minutes_to_half_size")}
# sizes are whole posts: a forecast of 7.0 read as more precise than it is
NUMBERS.update({c: st.column_config.NumberColumn(format="%.0f")
                for c in ("predicted_final_size", "predicted_final_size_low", "predicted_final_size_high")})
# follower counts, whole and with thousands separators, as the followers column shows them
NUMBERS.update({c: st.column_config.NumberColumn(format="localized")
                for c in ("potential_reach", "impressions_low", "impressions_high", "predicted_final_reach",
                          "predicted_final_reach_low", "predicted_final_reach_high")})
# estimates to three significant figures: 'localized' (thousands separators) keeps at most three
# decimals, and wrote a risk of 0.00035 as 0 on a row ranked at risk
NUMBERS.update({c: st.column_config.NumberColumn(format="%.3g")
                for c in ("amplification_risk", "expected_additional_reach")})
# the risk in the words of the columns it is made of, and why a cascade forecast not to grow has one:
# a risk of 69.4 beside a predicted final size equal to the size read as unexplained (a review);
# the definition after it names the CSV's columns
RISK_HELP = ("Amplification risk, in followers: expected added reach x negativity, both columns on the row. "
             "The expected reach is the forecast's mean, so a cascade whose predicted final size (the median) "
             "shows no growth can still carry risk: a small chance of a large spread. As defined: "
             + formatting.COLUMN_HELP["amplification_risk"])
NUMBERS["amplification_risk"] = st.column_config.NumberColumn(format="%.3g", help=RISK_HELP)
NUMBERS["negativity"] = st.column_config.NumberColumn(format="%.2f")
# the queue's risk as narrow as its values: headed in full ('amplification risk (followers)') it
# took 185 of a 390 px phone's 358 px grid, leaving the complaint's first 20 letters and no link
# on screen (a Chromium check); risk, text and link (75 px) now fit it together
QUEUE_WIDTHS = {"amplification_risk": st.column_config.NumberColumn(
                    "risk (followers)", format="%.3g", width=100,
                    help=RISK_HELP),
                "text": st.column_config.TextColumn(width=180)}
NUMBERS["age_hours"] = st.column_config.NumberColumn(format="%.1f")  # as the audit rounds its ages
# the Cascades grid's flags, their rules on hover (a review found its headers without help)
CASCADE_FLAGS = {
    "is_complaint": st.column_config.CheckboxColumn(help="The root post scored as a complaint."),
    "answered": st.column_config.CheckboxColumn(
        help="A brand account replied to the root post, or to its author's follow-ups in the cascade, "
             "however late (not to another customer in it)."),
    "deleted_by_author": st.column_config.CheckboxColumn(
        help="A later complete export of the page lacked the root post: its author deleted it, so an "
             "unanswered complaint is no open one (the care queue leaves it out; no one can answer it)."),
}
# the one-cascade charts' table: the network's edge to each mention, in words
CASCADE_ROWS = {
    "size": st.column_config.NumberColumn("size then", format="localized",  # a count, with separators as every grid's
                                          help="Mentions in the cascade once this one was posted: the growth "
                                               "curve's step."),
    "parent_author": st.column_config.TextColumn("reply to or share of", help="Whose post this one replied to "
                                                                              "or shared: the network's edge."),
    "inferred_edge": st.column_config.CheckboxColumn("inferred edge", help="A flattened share attributed to the "
                                                     "earlier sharer it most plausibly came through (dashed)."),
}
# 'still unanswered' here is never answered by the newest load, the Ghost Town's 'ignored' no answer
# within H: a marketer read one page's count beside the other's (Zephyrine Airways: 222 complaint
# cascades never answered here), and 'ignored' on both pages hid the difference (review55)
SILENCE_UNANSWERED = ("not the Ghost Town's ignored (no answer within H), so a complaint answered after H is "
                      "answered here and ignored there.")
ANSWERED_HELP = ("Ticked: a brand replied to the complaint or its author's follow-ups, however late. "
                 "Unticked: still unanswered at the newest load.")
QUEUE_RULES = "How the queue is ranked, and what it leaves out"
DEFINITIONS = list(cascade_definitions.DEFINITIONS.items())


def _definitions() -> None:
    widgets.definitions_popover(DEFINITIONS, caption=f"Cascade and risk definitions, version "
                                                     f"{cascade_definitions.CASCADE_VERSION}")


def _choice_status(row) -> str:
    """A cascade's state in the chooser: 'open' only for what the care queue lists, an unanswered
    complaint still there to answer (one its author deleted was called open, a review)."""
    if row.answered:
        return "answered"
    if row.deleted_by_author:
        return "deleted by its author"
    return "open" if row.is_complaint else "no complaint"


def _choice_label(row) -> str:
    status = _choice_status(row)
    # a cascade of no brand (its file named none, no thread or brand reply gave it one) read "nan · ..."
    brand = row.brand if isinstance(row.brand, str) else "no brand"
    return safe.visible(f"{brand} · {status} · size {int(row.size)} · risk "
                        f"{format_significant(row.amplification_risk)} · {row.root_created_at:%Y-%m-%d %H:%M} · "
                        f"{row.root_id}")


# the chooser offers the list's cascades; a link opens any other (review ux60c: a spike's
# cascade of 3 typed into it found 'No results', with nothing saying why)
CHOOSER_HELP = ("The Cascades list's cascades that spread beyond their root post. Any other cascade of the "
                f"selection opens from a link naming its root post (?{risk.CASCADE_URL_KEY}=<root_id> on this "
                "page), as the network links of a spike's cascades on Trends do.")


def _with_linked_cascade(chosen, listed):
    """The chooser's cascades (listed: cascade_choices), the one a link names (?cascade=<root_id>),
    or the one kept from before another page, first where the list leaves it out but the
    selection holds it and it spread; where it cannot be opened, a note says why."""
    wanted = st.query_params.get(risk.CASCADE_URL_KEY) or widgets.kept("risk_cascade")
    if not wanted or wanted in set(listed["root_id"]):
        return listed
    found = risk.cascade_at(chosen, wanted)
    if note := _unopened_note(found, wanted, chosen):
        st.info(note, icon=":material/link_off:")
        return listed
    st.caption(f"First in the chooser: cascade {safe.markdown_text(wanted)}, as the link asked. It is in the "
               "selection, but not among the Cascades list's rows (at most 1,000, the highest ranked).")
    return risk.with_cascade_first(listed, found)


def _unopened_note(found, root_id: str, chosen) -> str | None:
    """Why the cascade rooted at root_id (found: risk.cascade_at) cannot be opened here; None
    when it can."""
    named = f"cascade {safe.markdown_text(root_id)}"
    if found.empty:
        return (f"No cascade has the root post {safe.markdown_text(root_id)} in this database: a cascade is "
                "named by its root post's id, as the Cascades list's root_id gives it. The chooser opens on "
                "the list's first.")
    row = found.iloc[0]
    if row["size"] <= 1:
        return (f"The {named} is its root post alone (size 1): it spread no further, so it has no network "
                "or growth to draw.")
    if row["in_selection"]:
        return None
    outside = risk.filters_leaving_out(row, chosen)
    posted = f"{row['root_created_at']:%Y-%m-%d %H:%M} ({chosen.tz})"
    brand = row["brand"] if isinstance(row["brand"], str) else "no brand"
    which = (f"{formatting.listed(outside)} filter" if len(outside) == 1
             else f"{formatting.listed(outside)} filters" if outside else "filters")
    return (f"The {named} ({safe.markdown_text(brand)}, root posted {posted}) is outside the sidebar's "
            f"{which}: widen {'it' if len(outside) == 1 else 'them'} to open it here.")


def render() -> None:
    gate.require()
    st.title("Amplification Risk")
    chosen = filters.current()
    if not risk.any_cascade(chosen):  # sections query their own
        st.info(chosen.empty_note(filters.date_bounds(chosen.tz), "cascades"))
        return
    _definitions()
    st.caption("Cascades as of the newest load: a cascade belongs to the selection when its root post "
               "does (root posted in the window). Forecasts and risk are estimates of a model fitted to "
               "this history, not measurements (how the forecast fared on past cascades: "
               "'predicted_final_size' in Definitions); the assumptions in the sidebar do not enter them.")
    warning = risk.forecast_warning()
    if warning:
        st.warning(warning)
    calibrated = warning is None
    # the care queue and cost of silence count complaints no brand account answered
    if note := care.no_replies_in_selection(chosen, filters.assumptions().horizon_hours):
        st.warning(note, icon=":material/report:")
    section = widgets.section(list(SECTIONS), "risk_section")
    SECTIONS[section](chosen, calibrated)
    if section != risk.CASCADE_SECTION:  # a link made on another section opens no cascade
        st.query_params.pop(risk.CASCADE_URL_KEY, None)


def _interval_columns(calibrated: bool) -> dict:
    """NUMBERS, the predicted size's ends headed by the interval they are: uncalibrated, a default
    one (the forecast to twice it), where their headers and help said 80% under the page's
    warning that it is none."""
    if calibrated:
        return NUMBERS
    ends = {"predicted_final_size_low": ("from", "lower"), "predicted_final_size_high": ("to", "upper")}
    return {**NUMBERS, **{column: st.column_config.NumberColumn(
        f"predicted size {word} ({risk.interval_name(False)})", format="%.0f",
        help=f"The {end} end of the forecast's {risk.forecast_interval(False)}: too few complete cascades to "
             "calibrate the model.") for column, (word, end) in ends.items()}}


def _care_queue(chosen, calibrated: bool) -> None:
    st.header("Care queue")
    # asked for, not drawn by default: 0.38 s on top of the queue's 0.83 s of queries at 10M
    # mentions would miss issue 8's page target of 1 s (bench/README.md, session 51)
    # kept for a return from another page, where Streamlit forgot it (it came back off: a review)
    widgets.restore("risk_queue_siblings")
    siblings = st.toggle("Count each complainer's other open complaints", key="risk_queue_siblings",
                         help="Adds a column: the same account's other open complaints about the brand, on any "
                              "page and whatever the filters. Slower on long histories.")
    widgets.remember("risk_queue_siblings")
    queue = risk.care_queue(chosen, siblings=siblings)
    columns = [c for c in QUEUE_FILE_COLUMNS if c in queue]
    high = risk.open_high_risk(chosen)
    if queue.empty:  # not a green all-clear: complaints may wait outside the queue (risk.UNLISTED_NOTE)
        st.info(f"No open complaint cascade in this selection. {risk.UNLISTED_NOTE}")
    else:
        bar_text = risk.bar_note(high["risk_threshold"])
        # what the list is and as of when, above it; how it is built below, on request: the whole
        # (330 words) put the list a screen and a half down a 390 px phone (a marketer's reading)
        st.caption(f"{risk.queue_extent(len(queue), high['open_complaints'], high['open_at_risk'])}; "
                   f"{high['open_high_risk']:,} {'is' if high['open_high_risk'] == 1 else 'are'} high risk "
                   f"({bar_text}). Age = hours from the post to "
                   f"{care.moment_said(risk.queue_as_of(), chosen.tz)}, the newest mention loaded, which the "
                   "queue is as of.")
        with st.expander(QUEUE_RULES, icon=":material/help:"):
            st.caption("Risk = expected additional reach x negativity; the predicted final size is the "
                       f"median forecast with its {risk.forecast_interval(calibrated)}, so a cascade forecast "
                       "not to grow can still carry risk (a small chance of a large spread). An open complaint "
                       "is a complaint post no brand account has answered, whatever its age: not the Ghost "
                       "Town's ignored complaints (requests with no answer within H), so the two counts differ. "
                       + risk.UNLISTED_NOTE + demo_links.unlinked_note(queue, "root_id", what="complaints") + " "
                       + risk.QUEUE_TIES)
        # the grid names each page by its platform ('Facebook page <id>'), hidden; the file keeps
        # the id, as the audit CSV and the command line write it, and the platform beside it
        # on screen the text, link and whose it is right after the risk: at 1024 px, after the
        # author's columns, the text and link were off the grid's edge (reviews); the file keeps
        # its columns
        widgets.grid(queue[columns], key="risk_queue", name="Care queue",
                     **_interval_columns(calibrated) | QUEUE_WIDTHS,
                     column_order=widgets.reader_order([c for c in QUEUE_COLUMNS if c in queue], QUEUE_SHOWN_FIRST))
        # the whole queue, read when clicked: the grid lists only its head
        whole = counted(high["open_complaints"], "open complaint")
        # its as_of last, and in its name: the moment its ages are measured to, which the caption gives
        # and a file read later lacked
        as_of = risk.queue_as_of()
        widgets.csv_download(lambda: risk.care_queue(chosen, limit=None, siblings=siblings)[columns].assign(
                                 as_of=as_of),
                             f"Download the whole care queue, {whole} (CSV)",
                             f"{chosen.file_stem('care-queue', as_of)}.csv", key="risk_queue_csv")


def _cascades(chosen, calibrated: bool) -> None:
    table, tz = risk.cascades(chosen), chosen.tz
    st.header("Cascades")
    at_risk = int((table["amplification_risk"] > 0).sum())
    st.caption(f"{risk.cascades_extent(len(table), at_risk)}, at most 1,000; click a column to sort. The risk is the "
               "spread still expected if nothing changes: of an answered cascade, the spread after "
               "the answer; the care queue ranks the open complaints alone. Predicted size and reach "
               f"are the median forecast with its {risk.forecast_interval(calibrated)}, so a cascade "
               "forecast not to grow can still carry risk (the mean: a small chance of a large spread).")
    # the risk the list is ranked by first (20th of 29 it sat off screen, a review), then as a reader reads
    widgets.grid(table[CASCADE_COLUMNS], key="risk_cascades", name="Cascades",
                 column_order=["amplification_risk", *widgets.reader_order(c for c in CASCADE_COLUMNS
                                                                         if c != "amplification_risk")],
                 **_interval_columns(calibrated), **CASCADE_FLAGS)

    st.header("One cascade")
    listed = risk.cascade_choices(table)
    options = _with_linked_cascade(chosen, listed)
    if options.empty:
        st.caption("No cascade in this selection spread beyond its root post.")
    else:
        labels = {row.root_id: _choice_label(row) for row in options.itertuples()}
        filters.take_link(risk.CASCADE_URL_KEY, "risk_cascade", labels)  # a link's (?cascade=<root_id>), first
        if widgets.kept("risk_cascade") in labels:  # the cascade looked at before another page, still offered
            widgets.restore("risk_cascade")
        root_id = st.selectbox(f"Cascade (unanswered ones first, then by risk; root posted, {tz} time)",
                               list(labels), format_func=labels.get, key="risk_cascade", help=CHOOSER_HELP)
        widgets.remember("risk_cascade")
        # kept in the link, as the section is: a bookmark or a link sent on opens on this cascade
        filters.to_link(risk.CASCADE_URL_KEY, root_id, listed["root_id"].iloc[0] if len(listed) else None)
        row = options.set_index("root_id").loc[root_id]
        nodes = risk.laid_out_nodes(root_id)
        left, right = st.columns(2)
        with left:
            widgets.chart(figures.cascade_network(nodes, "Cascade network", root_id),
                          "Who shared or replied to whom: the root has a thick outline, size grows with "
                          "followers, colour is depth; dashed edges were inferred (a flattened "
                          "share attributed to the earlier sharer it most plausibly came through).",
                          key="risk_network")
        with right:
            widgets.chart(figures.growth_curve(risk.growth(nodes, tz), row["predicted_final_size"],
                                               row["predicted_final_size_low"], row["predicted_final_size_high"],
                                               interval_name=risk.band_label(calibrated)),
                          "Cumulative size of the cascade over time, with the predicted final size (dashed) and "
                          + risk.band_caption(calibrated),
                          key="risk_growth")
            for note in (risk.median_and_mean_note(row, calibrated), risk.assumed_reach_note(row)):
                if note:
                    st.caption(note)
        # who passed on whose post and when, which the two charts give only as pictures and on hover
        with widgets.chart_numbers():
            widgets.grid(risk.cascade_rows(nodes, tz), key="risk_cascade_numbers", zone=tz,
                         name="The cascade's mentions", **CASCADE_ROWS)
        st.caption("The root post, as written:")
        st.text(safe.visible(row["text"]))


def _cost_of_silence(chosen, calibrated: bool) -> None:  # no forecast drawn: calibrated unused
    st.header("Cost of silence")
    st.caption("An observed comparison, not an effect measured: brands may answer some customers "
               "first (the well-followed, the angriest), and an answer can come after most of the "
               "spread. Read it beside mean size in the table, which leaves out the complainer's own "
               "follow-ups (they reach no one new, and an unanswered customer writes more). Reach is "
               "compared only where follower counts exist: Facebook and Instagram comments, Reddit posts "
               "and reviews usually carry none, so a cascade with no account's count known counts in the "
               "table's cascades and mean size, not in its reach cascades and mean reach.")
    cost = risk.cost_of_silence(chosen)
    summary = risk.silence_summary(cost)
    # the dates, zone and platforms under each title, as every other page's charts: a picture of
    # the bars sent to a colleague said neither which months nor which platforms (a marketer's reading)
    scope = trends.chart_scope(chosen, filters.labelled_pages(chosen.pages))
    widgets.chart(figures.cost_of_silence(summary, scope),
                  "Reading: where a brand's hatched bar stands taller, the complaints it left unanswered "
                  "had reached more accounts than those it answered. Mean potential reach of complaint "
                  f"cascades with follower counts per brand: {figures.STILL_UNANSWERED} (no brand reply to the "
                  "complaint or its author's follow-ups by the newest load) beside answered, however late: "
                  f"{SILENCE_UNANSWERED} A mean: one widely followed cascade can carry a "
                  "bar, so read it with its count (hover).", key="risk_silence")
    with widgets.chart_numbers():  # each bar's mean and count, which the bars give only on hover
        widgets.grid(summary, key="risk_silence_numbers", name="Cost of silence per brand",
                     column_order=widgets.reader_order(summary, ("brand", "answered", "mean_potential_reach")),
                     answered=st.column_config.CheckboxColumn("answered", help=ANSWERED_HELP),
                     mean_size=st.column_config.NumberColumn("mean size", format="%.2f"),
                     mean_potential_reach=st.column_config.NumberColumn(format="%.0f"))
    if unknown := risk.brands_without_reach(summary):
        st.caption(f"No bars for {', '.join(map(safe.markdown_text, unknown))}: none of their "
                   "complaint cascades carries follower counts.")
    widgets.chart(figures.cost_of_silence_weekly(cost, filters.brand_names(), scope),
                  f"Per brand and week: mean reach of {figures.STILL_UNANSWERED} complaint cascades divided by that of "
                  f"answered ones (above 1: silence spreads further), weeks with at least "
                  f"{figures.MIN_WEEK_CASCADES} of each with follower counts; log scale.", key="risk_silence_weekly")
    if not cost.empty:
        st.caption(f"Every week, as the bars use them; the weekly ratio compares only the weeks "
                   f"with at least {figures.MIN_WEEK_CASCADES} {figures.STILL_UNANSWERED} and "
                   f"{figures.MIN_WEEK_CASCADES} "
                   "answered complaint cascades with follower counts (compared week ticked): the "
                   "ratio of a week left out is noise.")
        # the ratio, the section's headline, after whose week it is: at 1024 px it and the means
        # were off the grid's edge (a review at narrow widths)
        table = risk.silence_table(cost)
        widgets.grid(table, key="risk_silence_table", name="Cost of silence per brand and week",
                     column_order=widgets.reader_order(table, ("brand", "week", "answered", "reach_ratio",
                                                               "mean_size", "compared_week")),
                     week=st.column_config.DateColumn("week", format="YYYY-MM-DD"),
                     answered=st.column_config.CheckboxColumn("answered", help=ANSWERED_HELP),
                     mean_size=st.column_config.NumberColumn(
                         "mean size", format="%.2f", help="Mentions per cascade, root included, the "
                         "complainer's own follow-ups left out: they reach no one new."),
                     reach_cascades=st.column_config.NumberColumn(
                         "reach cascades", format="localized", help="Of the cascades, those where any "
                         "account's follower count is known: the mean potential reach is theirs."),
                     mean_potential_reach=st.column_config.NumberColumn(format="%.0f"),
                     reach_ratio=st.column_config.NumberColumn(format="%.2f"),
                     compared_week=st.column_config.CheckboxColumn(
                         "compared week", help=f"At least {figures.MIN_WEEK_CASCADES} "
                         "still unanswered and as many answered complaint cascades with follower counts: in the weekly "
                         "ratio chart (a ratio of 0 has no place on its log scale)."))


def _influencers(chosen, calibrated: bool) -> None:  # no forecast drawn: calibrated unused
    st.header("Influencer complaints")
    influencers = risk.influencer_complaints(chosen)
    if influencers.empty:
        st.caption("No complaints in this selection.")
    else:
        st.caption(risk.influencer_caption(influencers))
        # whether the brand answered, the section's point, right after whose complaint it is: 12th
        # of 14 it was off the grid's edge at 1024 px (a review)
        widgets.grid(influencers, key="risk_influencers", name="Influencer complaints", **INFLUENCER_FOLLOW_UPS,
                     column_order=widgets.reader_order(influencers, INFLUENCER_SHOWN_FIRST))


# one section is drawn at a time: many charts and tables at once are slow to draw in the browser;
# each label calls its own function, with the selection and whether the forecast is calibrated
# (an if/elif chain let a mistyped label fall into the last branch)
SECTIONS = {"Care queue": _care_queue, risk.CASCADE_SECTION: _cascades, "Cost of silence": _cost_of_silence,
            "Influencer complaints": _influencers}


if __name__ == "__main__":  # run as a script (pages/ auto-discovery): through the shell and its gate
    from app.shell import main

    main()
