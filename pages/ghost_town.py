"""Ghost Town: who leaves customers unanswered, when, for how long, and the evidence."""

import streamlit as st

from app import (audit_rules, busiest, care, db, demo_links, figures, filters, formatting, gate, rate_charts, safe,
                 trends, widgets)
from etl import care_definitions, metrics

GROUP_LABELS = {"brand": "Brand", "page": "Page or handle", "platform": "Platform"}
# the rank, the rate and what the rank sorts on first: at 1280 px the columns past the
# counts were off screen, the rank with them (user review)
# the counts a rate is of right after it: after the intervals and shrunk estimates they were
# off the grid's edge at 1024 px (a user review at narrow widths)
RATE_COLUMNS = ["ghost_town_rank", "ghost_town_rate", "ignored", "answered", "pending", "requests",
                "ghost_town_ci_low", "ghost_town_ci_high", "ghost_town_shrunk_low", "ghost_town_rate_shrunk",
                "sla_rate", "km_median_minutes", "p_answered_1h", "deflection_rate"]
PERCENT_COLUMNS = ("ghost_town_rate", "ghost_town_ci_low", "ghost_town_ci_high", "ghost_town_rate_shrunk",
                   "ghost_town_shrunk_low", "sla_rate", "p_answered_1h", "deflection_rate", "response_rate",
                   # the coverage hours' interval, in the rate's unit: '80.0%' beside '0.3755' read as two measures
                   "response_rate_ci_low", "response_rate_ci_high")


def _formats(frame) -> dict:
    """Each column's number format (widgets.grid heads every column in words)."""
    config = {c: st.column_config.NumberColumn(format="percent") for c in PERCENT_COLUMNS if c in frame}
    for c in frame.columns:
        if c.endswith("_minutes") and c != "km_median_minutes":
            config[c] = st.column_config.NumberColumn(format="%.0f")
    for c in ("p_answered_1h", "sla_rate"):  # near each other, not the same: each says what it is
        if c in frame:
            config[c] = st.column_config.NumberColumn(format="percent", help=care_definitions.DEFINITIONS[c])
    if "ghost_town_shrunk_low" in frame:  # its long header cut at 1400 px: the wording on hover (a review)
        config["ghost_town_shrunk_low"] = st.column_config.NumberColumn(
            "ranked on", format="percent", help="The rank sorts on this: the shrunk rate's lower bound. "
                                                + care_definitions.DEFINITIONS["ghost_town_shrunk_low"])
    if "km_median_minutes" in frame:  # text (see _groups_table): 'not reached' is no number
        config["km_median_minutes"] = st.column_config.TextColumn(
            "KM median response",  # its values say their unit themselves ('13.6 h', 'not reached')
            help="Kaplan–Meier median time to first response; 'not reached' when fewer than "
                 "half of the requests were answered.")
    return config


def _groups_table(frame, key: str, name: str, **column_config) -> None:
    """A table of groups' care numbers, the KM median as the Overview card shows it; name: what it lists."""
    widgets.grid(formatting.with_km_median_shown(frame), key=key, name=name, **{**_formats(frame), **column_config})


# The vendor table's timings under short headers, their definitions on hover: under the long
# ones ('vendor: mean of fastest 90% (min)') two were off the grid's edge even at 1440 px (a review)
VENDOR_HEADERS = {"median_response_minutes": "median, answered", "mean_response_minutes": "mean, answered",
                  "vendor_answered_mean_minutes": "vendor: mean, late ones too",
                  "vendor_median_comment_minutes": "vendor: median per comment",
                  "vendor_fastest90_mean_minutes": "vendor: mean of fastest 90%"}


def _scope(chosen) -> str:
    """What a chart is of, under its title (trends.chart_scope): the dates and their zone, the
    platforms and pages; a chart saved as a picture for a review keeps it."""
    return trends.chart_scope(chosen, filters.labelled_pages(chosen.pages))


def _reference(metric: str) -> dict:
    lines = care_definitions.reference_lines()
    return lines[lines["metric"] == metric].iloc[0].to_dict()


def _ghost_reference() -> dict:
    """The industry's answered share as the line both ghost-town rate charts draw: its statement
    and source, with the line itself (1 - the share) and its label."""
    answered = _reference("response_rate")
    line = 1 - answered["value"]
    return {**answered, "line": line, "label": f"{line:.0%} ghost town = {answered['value']:.0%} answered"}


def render() -> None:
    gate.require()
    st.title("Ghost Town")
    chosen, assumed = filters.current(), filters.assumptions()
    overall = care.summary(chosen, assumed.horizon_hours, assumed.sla_minutes)
    if not overall:
        st.info(chosen.empty_note(filters.date_bounds(chosen.tz), "care requests"))
        return
    widgets.definitions(["care request", "brand response", "answered / ignored / pending",
                         "ghost_town_rate", "ghost_town_rate_shrunk", "ghost_town_shrunk_low",
                         "sla_rate", "km_median_minutes", "p_answered_1h", "deflection_rate",
                         "week", "hour_of_week", "as of"])
    widgets.assumption_note(assumed)
    st.caption(f"{care.as_of_note(overall['as_of'], chosen.tz)}; "
               f"{care.REQUESTS_COUNTED[overall['requests_counted']]}.")
    if note := care.no_replies_in_selection(chosen, assumed.horizon_hours):
        st.warning(note, icon=":material/report:")
    _pending(chosen, assumed, overall)
    SECTIONS[widgets.section(list(SECTIONS), "ghost_section")](chosen, assumed)


def _pending(chosen, assumed, overall: dict) -> None:
    """What the pending requests do to every rate below, over the selection and for each
    brand with many (a sum over brands can hide one brand's), above the sections."""
    by_brand = _by_brand(chosen, assumed)
    flagged = care.notably_pending_brands(by_brand) if len(by_brand) > 1 else by_brand.iloc[:0]
    parts = [note] if (note := care.pending_note(overall, assumed.horizon_hours)) else []
    if len(flagged):
        parts.append(care.pending_brands(flagged) + ": their rates leave those out and may flatter.")
    if parts:
        st.warning(" ".join(parts), icon=":material/hourglass_top:")


def _by_brand(chosen, assumed, vendor: bool = False):
    """Rates per brand (the Rates section's query); with vendor, also the vendor-style
    columns, which cost a scan of every message's replies."""
    query = care.vendor_ghost_town if vendor else care.ghost_town
    return query(chosen, ("brand",), assumed.horizon_hours, assumed.sla_minutes)


def _rates(chosen, assumed) -> None:
    st.header("Ghost-town rate")
    reference = _ghost_reference()
    group = st.segmented_control("Compare by", list(GROUP_LABELS), default="brand",
                                 format_func=GROUP_LABELS.get, key="ghost_group") or "brand"
    # a page with its brand: a Facebook page id alone names no one
    by = ("brand", "page") if group == "page" else (group,)
    by_group = care.ghost_town(chosen, by, assumed.horizon_hours, assumed.sla_minutes)
    if group == "page":
        by_group = by_group.assign(page=filters.labelled_pages(by_group["page"]))
    widgets.chart(rate_charts.rate_with_intervals(by_group, group, reference=reference["line"],
                                                  reference_label=reference["label"],
                                                  context="brand" if group == "page" else None,
                                                  scope=_scope(chosen)),
                  f"Share of decided care requests ignored per {group}, with 95% Wilson intervals; "
                  "diamonds are the shrunk (empirical-Bayes) estimates. Rows are ranked worst first "
                  "on the shrunk rate's conservative lower bound (in the table), so a rate from few "
                  "requests ranks below an equal one from many. Dashed line: "
                  f"{reference['statement']} Source: {reference['source']}", key="ghost_rates")
    if note := care.undecided_note(by_group, None, group):
        st.caption(note)
    _groups_table(by_group[[*by, *RATE_COLUMNS]], "ghost_rate_table", f"Ghost-town rate per {group}")


def _over_time(chosen, assumed) -> None:
    st.header("Over time")
    reference = _ghost_reference()
    weekly = care.ghost_town(chosen, ("brand", "week"), assumed.horizon_hours, assumed.sla_minutes)
    drawn, left_out = busiest.busiest(care.brands_with_rate(weekly), "brand", "requests")
    widgets.chart(rate_charts.rate_over_time(drawn, "week", "brand", reference=reference["line"],
                                             reference_label=reference["label"],
                                             brands=filters.brand_names(), unjoined_share=care.PENDING_NOTE_SHARE,
                                             scope=_scope(chosen)),
                  "Weekly ghost-town rate per brand (ISO weeks, Monday to Sunday in "
                  f"{safe.markdown_text(chosen.tz)}) with 95% intervals; the dashed line "
                  f"is the {reference['line']:.0%} ghost-town reference; source: {reference['source'].rstrip('.')}. "
                  "Every week is evaluated as of this page's as-of moment, so a week's rate counts answers and "
                  "ageing up to then; the Weekly Snapshot evaluates each UTC week as of its own end, where its "
                  "last days' requests are still pending, so its rate of the same week may differ. A ringed "
                  "week still has pending requests: its rate counts only those decided and may yet rise; "
                  f"one with {care.PENDING_NOTE_WORDS} or more of its requests pending stands apart from its "
                  "line, its rate no trend yet.",
                  key="ghost_weekly")
    with widgets.chart_numbers():
        shown = weekly[["brand", "week", "ghost_town_rate", "ghost_town_ci_low", "ghost_town_ci_high",
                        "ignored", "answered", "pending", "requests"]]
        widgets.grid(shown, key="ghost_weekly_numbers", name="Weekly ghost-town rate per brand", **_formats(shown))
    if note := busiest.left_out_note(left_out, drawn["brand"].nunique(), "care requests",
                                     chosen=bool(chosen.brands)):
        st.caption(note)
    if note := care.undecided_note(weekly, "week", "brand"):
        st.caption(note)
    if note := care.empty_weeks_note(drawn):  # of the lines drawn
        st.caption(note)
    # a part week's rate is of those days' requests alone: the 28 days from Sunday 4 Oct 2026 drew that
    # Sunday's 15 requests (86.7% ignored) as week W40 beside whole weeks of 66%, a fall of one day (a review)
    if note := trends.part_bucket_note(chosen, "week", filters.data_span(chosen), of_rates=True):
        st.caption(note)


def _response_times(chosen, assumed) -> None:
    st.header("Time to first response")
    hour_ref = _reference("p_answered_1h")
    curves = care.km_curves(chosen, "brand", horizon_hours=assumed.horizon_hours)
    by_brand = _by_brand(chosen, assumed)
    drawn, left_out = busiest.ranked(by_brand.set_index("brand")[["requests"]])
    # the star is a share of customers (a survey's), not of requests answered: its label says so
    # in the survey's words ('nearly half', not the 50% the line is drawn at)
    statement = hour_ref["statement"].rstrip(".")
    expectation = f"industry survey: {statement[:1].lower()}{statement[1:]}"
    widgets.chart(figures.km_curves(busiest.drawn_rows(curves, drawn), "brand", 60.0, hour_ref["value"], expectation,
                                    brands=filters.brand_names(), scope=_scope(chosen)),
                  "Kaplan–Meier share of care requests answered by each time since the request, per brand "
                  "(unanswered requests censored at their age); each curve runs flat to its oldest request's "
                  f"age, at most H ({assumed.horizon_hours:g} h) or the latest answer if later: the flat end is "
                  "the share not answered by then. Dotted: one hour. Star: a customer expectation, not a share "
                  "answered nor a target: "
                  f"{hour_ref['statement']} Source: {hour_ref['source']}", key="ghost_km")
    # the two numbers the caption below tells apart side by side: at 1024 px the SLA rate, last,
    # was off the grid's edge (a review at narrow widths)
    _groups_table(by_brand[["brand", "km_median_minutes", "p_answered_1h", "sla_rate",
                            "median_response_minutes", "requests"]], "ghost_km_table",
                  "Time to first response per brand")
    if note := busiest.left_out_note(left_out, len(drawn), "care requests", chosen=bool(chosen.brands)):
        st.caption(note)
    st.caption(care.hour_and_sla_note(assumed.sla_minutes))


def _coverage_colours(assumed) -> dict[str, tuple[str, str]]:
    """What the coverage heatmap can be coloured by: {column: (choice, what the colour is)}.
    Answered within H alone hid office hours: a brand answering every request, but in hours
    at night, was as blue at night as by day."""
    words = figures.coverage_measures(assumed.horizon_hours, assumed.sla_minutes)
    median = ("Kaplan–Meier median time to first response (unanswered requests censored at their age), on "
              "a log scale, longer redder; medians over H, and 'not reached' with none pending (fewer than "
              f"half answered within H), take the colour of H ({assumed.horizon_hours:g} h); not reached "
              "while some are pending: no colour yet")
    return {column: (said, median if column == "km_median_minutes" else f"Share of decided care requests {said}")
            for column, said in words.items()}


def _coverage(chosen, assumed) -> None:
    st.header("Coverage by hour of week")
    brands = sorted(_by_brand(chosen, assumed)["brand"].dropna())
    brand = st.selectbox("Brand", brands, key="ghost_coverage_brand", format_func=safe.visible)
    measures = _coverage_colours(assumed)
    measure = st.radio("Colour by", list(measures), format_func=lambda m: measures[m][0], horizontal=True,
                       key="ghost_coverage_colour")
    if brand:
        zone = filters.brand_timezones().get(brand)  # None: never set, read as UTC
        hours = care.coverage(chosen, brand, assumed.horizon_hours, assumed.sla_minutes)
        widgets.chart(figures.coverage_heatmap(hours, measure, brand, zone or "UTC",
                                               horizon_hours=assumed.horizon_hours,
                                               sla_minutes=assumed.sla_minutes, scope=_scope(chosen)),
                      f"Colour: {measures[measure][1]}. Each cell is the requests made in one hour of the "
                      f"week, in {safe.markdown_text(_zone_said(brand, zone))}; "
                      f"{audit_rules.FEW_DECIDED_NOTE}. Each hour's hover gives all three.",
                      key="ghost_coverage")
        with widgets.chart_numbers():  # every hour's numbers, which the cells give only as colours and on hover
            _groups_table(hours, "ghost_coverage_numbers", f"Coverage by hour of week of {safe.visible(brand)}")


def _zone_said(brand: str, zone: str | None) -> str:
    """'Acme's time zone (Asia/Kolkata)', or 'UTC (no time zone set for Acme)' for a zone never set."""
    return f"{brand}'s time zone ({zone})" if zone else audit_rules.zone_unset(brand)


def _deflection_and_deleted(chosen, assumed) -> None:
    st.header("Deflection")
    by_brand = care.deflection_table(_by_brand(chosen, assumed))  # the bars' order, and the table's
    widgets.chart(figures.bars(by_brand, "brand", "deflection_rate", "Deflection rate per brand",
                               "share of responses that deflect", percent=True, hover_extra="of_responses",
                               scope=_scope(chosen)),
                  "Share of responded requests whose first response only redirects (DM us, call, a form, "
                  "a link) instead of helping, per brand; a response after the horizon counts too.",
                  key="ghost_deflection")
    with widgets.chart_numbers():  # each brand's rate and counts, which the bars give only on hover
        numbers = by_brand[["brand", "deflection_rate", "deflections", "scored_responses"]]
        widgets.grid(numbers, key="ghost_deflection_numbers", name="Deflection rate per brand", **_formats(numbers))
    examples = care.deflection_examples(chosen)
    if examples.empty:
        st.caption("No deflecting responses in this selection.")
    else:
        st.caption("Examples, newest first: each brand response beside the customer's message it "
                   "answered (in a request of several, not always its first), each with a link."
                   + demo_links.unlinked_note(examples, "answered_id", "answered_link", "messages and responses"))
        widgets.grid(examples, key="ghost_deflection_examples", name="Deflection examples",
                     column_order=widgets.reader_order(examples),
                     response_minutes=st.column_config.NumberColumn(format="%.0f"))

    st.header("Deleted comments")
    deleted, found_later = care.deleted_found(care.deleted_comments(chosen))
    if deleted.empty:
        st.info(audit_rules.no_deleted_note(*care.complete_exports(chosen), whose="The selection's pages",
                                            dated=chosen.start is not None),
                icon=":material/delete:")
    else:
        widgets.chart(figures.deleted_comments(deleted, _scope(chosen)),
                      f"{audit_rules.DELETED_WHAT} created in the window and deleted, per brand, split by "
                      f"whether they were scored negative. Deleted: {audit_rules.DELETED_AS_OF_RULE}.",
                      key="ghost_deleted")
        widgets.grid(deleted, key="ghost_deleted_table", name="Deleted comments per brand",
                     negative_share=st.column_config.NumberColumn(format="percent"))
        if note := care.unshown_deleted_note(chosen, deleted["brand"]):
            st.caption(note)
    if found_later:
        st.caption(care.found_later_note(found_later, counted_here=not deleted.empty))


def _vendor(chosen, assumed) -> None:
    st.header("Vendor definitions side by side")
    by_brand = _by_brand(chosen, assumed, vendor=True)
    st.caption("The same requests timed the ways common tools do: only answered, no horizon, per comment, "
               "fastest 90%. Ours (KM median) counts the unanswered; the others flatter brands that ignore. "
               "Hover a header for its definition.")
    # the timings first: they are the point of the section, the counts are context; ours first
    # of them, as the flattering ones beside it filled a 1024 px screen and hid it (a review)
    # the vendors' own next: at 1024 px our answered-only median and mean pushed them all off (a review)
    timings = ["km_median_minutes", *sorted((c for c in metrics.VENDOR_COLUMNS if c != "km_median_minutes"),
                                            key=lambda c: not c.startswith("vendor_"))]
    vendor = by_brand[["brand", *timings, "requests", "answered", "ignored", "pending"]]
    _groups_table(vendor, "ghost_vendor", "Response times by vendor definitions", **{
        # numbers, to sort by, each saying its unit: a bare '2,347' beside our '39.1 h' read as no time (a review)
        column: st.column_config.NumberColumn(header, format="%.0f min", help=care_definitions.DEFINITIONS[column])
        for column, header in VENDOR_HEADERS.items()})
    widgets.definitions(list(metrics.VENDOR_COLUMNS), label="Vendor definitions")


def _ignored(chosen, assumed) -> None:
    st.header("Ignored complaints")
    # the page lists the newest; the CSV, read only when clicked, has up to IGNORED_LIMIT
    shown = care.ignored_complaints(chosen, assumed.horizon_hours, limit=care.IGNORED_SHOWN)
    if shown.empty:
        _none_ignored(chosen, assumed)
        return
    total = care.ignored_complaint_count(chosen, assumed.horizon_hours)
    in_csv = min(total, care.IGNORED_LIMIT)
    listed = ("newest first" if len(shown) == total else f"the newest {len(shown):,} are listed"
              + ("" if in_csv == len(shown) else
                 f" (the CSV has {'all' if in_csv == total else 'the newest'} {in_csv:,})"))
    st.caption(f"{formatting.counted(total, 'complaint request')} with no brand response within "
               f"{assumed.horizon_hours:g} h; {listed}; {audit_rules.EVIDENCE_TEXT}; 'open' links to it on its "
               "platform." + demo_links.unlinked_note(shown, "complaint_id", what="complaints"))
    widgets.grid(shown, key="ghost_ignored", column_order=widgets.reader_order(shown), name="Ignored complaints",
                 **widgets.HOURS_SHOWN)
    widgets.csv_download(lambda: db.read_now(care.ignored_complaints, chosen, assumed.horizon_hours,
                                             limit=care.IGNORED_LIMIT),
                         "Download ignored complaints (CSV)",
                         f"{chosen.file_stem('ignored-complaints', care.scope(chosen).as_of)}.csv",
                         key="ghost_ignored_csv")


def _none_ignored(chosen, assumed) -> None:
    """No complaint ignored: all clear only when none is pending either, as a selection of the
    last days, whose complaints are all younger than H, has none ignored yet whatever is done."""
    if pending := care.pending_complaints(chosen, assumed.horizon_hours):
        st.info(f"No complaint ignored yet: {formatting.counted(pending, 'complaint request')} "
                f"{'is' if pending == 1 else 'are'} still pending, unanswered and younger than H "
                f"({assumed.horizon_hours:g} h) at the as-of time. One still unanswered once H has "
                "passed is listed here.", icon=":material/hourglass_top:")
    else:
        st.success("No ignored complaints in this selection.")


# one section is drawn at a time: many charts and tables at once are slow to draw in the browser;
# each label calls its own function (an if/elif chain let a mistyped label fall into the last branch)
SECTIONS = {"Rates": _rates, "Over time": _over_time, "Response times": _response_times, "Coverage": _coverage,
            "Deflection & deleted": _deflection_and_deleted, "Vendor definitions": _vendor,
            "Ignored complaints": _ignored}


if __name__ == "__main__":  # run as a script (pages/ auto-discovery): through the shell and its gate
    from app.shell import main

    main()
