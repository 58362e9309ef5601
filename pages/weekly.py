"""Weekly Snapshot page: the executive one-pager of one ISO week from the materialised
weekly_snapshots (computed read-only when the week is not stored), with week-over-week
deltas, top risks, and PDF/PNG downloads. Layout only: numbers come from app.weekly."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app import (care, export, formatting, gate, safe, weekly, weekly_cards, weekly_figures, weekly_notes, weekly_risks,
                 widgets)
from app import filters as shared_filters


def render() -> None:
    gate.require()
    st.title("Weekly Snapshot")
    chosen = shared_filters.current()
    assumed = shared_filters.assumptions()
    choices = weekly.week_choices()
    if not choices.weeks:
        st.info("The database has no mentions yet: load data first.")
        return
    # An executive reads this in two minutes: the week, its status and the cards come first;
    # what the figures are of, and how they are stored, wait under the cards.
    # the picker takes what the Definitions button leaves, the status under them: in columns
    # of fixed shares one of the two was cut at 820 or 1024 px, and a column of its own beside
    # them wrapped the status onto five lines (reviews at narrow widths)
    top = st.container(horizontal=True, vertical_alignment="bottom", key="weekly_top")
    week = _week_picker(top, choices, weekly.week_of_dates(chosen.start, chosen.end))
    with top:
        widgets.definitions_popover(weekly.DEFINITIONS,
                                    caption="How the snapshot's numbers are defined")
    rows, stored = weekly.week_rows(week, chosen.brands, assumed.horizon_hours)
    horizon = float(rows["horizon_hours"].iloc[0]) if len(rows) else assumed.horizon_hours
    late = weekly_notes.loaded_after(week) if stored else None
    late_note = None if late is None else weekly_notes.loaded_after_note(late, rows["brand"])
    changes = weekly_notes.changed_since(week) if stored else None
    changed_note = None if changes is None else weekly_notes.changed_since_note(changes, rows["brand"])
    (st.success if stored else st.info)(
        weekly_notes.status_line(rows, stored, arrived_since=weekly_notes.arrived_since(rows, late_note),
                                 changed_since=bool(changed_note)),
        icon=":material/inventory_2:" if stored else ":material/calculate:")
    ignored = weekly_notes.ignored_filters(chosen, shared_filters.date_bounds(chosen.tz), week)
    if note := weekly_notes.ignored_filters_note(ignored):
        st.caption(note)
    if rows.empty:
        st.info(weekly_notes.no_rows_note(week, chosen.brands))
        _absent_brands(chosen.brands, week)
        _about(week, rows, stored, horizon)
        return
    # the week's brands before the sidebar's filter: why a brand asked for is not shown
    shown = _focus(rows, week, weekly.week_rows(week, (), assumed.horizon_hours)[0]["brand"], chosen.brands)
    ending = weekly_notes.brands_ending_early(rows, weekly.brand_last_at())
    _card_notes(rows, shown, week, choices, stored, horizon, assumed, ending, late_note, changed_note)
    _about(week, rows, stored, horizon)
    st.header("Selected brands" if chosen.brands else "All brands")
    table = weekly_cards.kpi_table(rows)
    widgets.grid(table, headers=False, column_order=weekly_cards.kpi_table_order(table),
                 **_column_config(table, weekly_cards.counted_days(rows)))
    if note := weekly_notes.deleted_not_checked_note(rows):
        st.caption(note)
    risks = _top_risks(rows, horizon)

    # the brand picked prints first: the link's ?focus=, which _focus leaves out for the default
    picked = st.query_params.get("focus")

    def one_pager():  # built when it is drawn or downloaded, not on every render
        return weekly_figures.one_pager(rows, week, stored, horizon, risks, ending, late, chosen=bool(chosen.brands),
                                        changes=changes, focus=picked,
                                        part_week=weekly_notes.part_week_note(week, choices.first_at, choices.last_at))

    st.header("One-pager")
    if _downloads(one_pager, week, weekly.file_stem(week, chosen.brands)):
        _preview(one_pager, weekly.week_title(week))


def _week_picker(place, choices: weekly.WeekChoices, dated: str | None = None) -> str:
    """The week to show: a link's (?week=2026-W43) on the session's first visit, else the week
    whose days the sidebar's dates are (`dated`: weekly.week_of_dates), then the picker's, written
    back to the link so an executive can bookmark or send that week."""
    default = choices.default or choices.weeks[0]
    _follow_default(default)
    # dates chosen as W53's Monday to Sunday opened on the last complete week, saying they did not apply
    if dated in choices.weeks and "week" not in st.query_params and "weekly_week" not in st.session_state:
        st.session_state["weekly_week"] = dated
    asked = shared_filters.from_link("week", "weekly_week", choices.weeks, default)
    week = place.selectbox(
        "ISO week (UTC)", list(choices.weeks), key="weekly_week", width=WEEK_PICKER_PX,
        format_func=lambda w: weekly.week_choice(w, w == choices.default, w in choices.stored))
    if asked and asked not in choices.weeks:
        st.caption(f"The link's week {safe.markdown_text(asked)} is not in the data; showing "
                   f"{safe.markdown_text(weekly.week_title(week))}.")
    shared_filters.to_link("week", week, default)
    return week


# Wider than the longest week's label ('2026-W40 · 28 Sep – 4 Oct · last complete · stored', weekly.week_choice),
# and at most the page's width: stretched, the picker shared a phone's row with the Definitions
# button and showed '2026-W43 · 19–25 Oct 2026 · l', its list cut the same; this wide, the
# button wraps under it (Chromium at 390 px)
WEEK_PICKER_PX = 420


_DEFAULT_SHOWN = "weekly_week_default"  # the default week the picker was last drawn with


def _follow_default(default: str) -> None:
    """A session on the default week (the last complete one) moves on with it when a load
    completes a later week, as a new session opens there (and as the sidebar's dates follow
    new data): it stayed on the old week, which the link then named. A week picked stays."""
    before = st.session_state.get(_DEFAULT_SHOWN)
    if before is not None and before != default and st.session_state.get("weekly_week") == before:
        st.session_state["weekly_week"] = default
    st.session_state[_DEFAULT_SHOWN] = default


def _card_notes(rows: pd.DataFrame, shown: str, week: str, choices: weekly.WeekChoices, stored: bool,
                horizon: float, assumed, ending: dict, late_note: str | None = None,
                changed_note: str | None = None) -> None:
    """Notes that change what the cards mean: beside them, short. ending: the brands whose data
    ends before the week's end (weekly_notes.brands_ending_early); late_note: the data loaded after the
    week was stored, which its figures leave out (weekly_notes.loaded_after_note); changed_note: how the
    week's figures computed now differ from those stored (weekly_notes.changed_since_note)."""
    # the horizon changes the ghost-town rate: in sight, as on every other page
    st.caption(weekly_notes.assumptions_note(horizon, stored))
    # first: it explains every rate below it, and the notes after it (a user review found it last of four)
    if note := care.no_replies_note(tuple(sorted(rows["brand"]))):
        st.warning(note, icon=":material/report:")
    if note := weekly_notes.pending_headline(rows, shown):
        st.info(note, icon=":material/hourglass_top:")
    if note := weekly_notes.part_week_note(week, choices.first_at, choices.last_at):
        st.warning(note, icon=":material/date_range:")
    if note := weekly_notes.ending_early_note(ending, stored):
        st.warning(note, icon=":material/date_range:")
    if note := weekly_notes.added_late_note(rows):
        st.info(note, icon=":material/playlist_add:")
    if late_note:
        st.warning(late_note, icon=":material/playlist_add:")
    if changed_note:
        st.warning(changed_note, icon=":material/difference:")
    if assumed.sla_minutes != weekly.SLA_MINUTES:
        st.caption(f"SLA rate here: answered within {weekly.SLA_MINUTES:g} min, the snapshot's fixed "
                   f"SLA; the sidebar's {assumed.sla_minutes:g} min applies on the other pages.")
    if note := weekly_notes.older_definitions_note(rows, stored):
        st.warning(note, icon=":material/history:")
    if stored and horizon != assumed.horizon_hours:
        st.caption(f"Stored with horizon H = {horizon:g} h (the sidebar's {assumed.horizon_hours:g} h "
                   "does not change stored figures).")


def _top_risks(rows: pd.DataFrame, horizon: float) -> pd.DataFrame:
    """The top risks' table, with the moment their status is of; returns them (the one-pager's),
    with when each was noticed deleted by its author when any was (weekly_risks.with_deleted_since)."""
    st.header("Top risks")
    st.caption("Open or ignored requests ranked by how far their customer reaches: complaints first, "
               "then by the customer's followers (a stand-in for spread; the Amplification page forecasts it). "
               f"Their status is as of {weekly_risks.risks_status_when(rows)}, not now: a "
               "request pending then may since have been answered or ignored (the Page Audit shows requests "
               "as of now).")
    risks = weekly_risks.top_risks_with_text(rows)
    if risks.empty:  # an empty grid of headers said nothing; the one-pager's table says this
        st.caption("No open or ignored requests this week: nothing to list.")
        return risks
    listed = weekly_risks.with_deleted_since(risks)
    if note := weekly_risks.deleted_since_note(listed):
        st.caption(note)
    else:  # a column blank on every row says nothing
        listed = risks
    widgets.grid(
        listed, key="weekly_risks",
        text=st.column_config.TextColumn("what the customer said", width="medium"),
        status_at_week_end=st.column_config.TextColumn(
            "status at week's end", help="Pending or ignored when the week ended (its horizon "
            f"H = {horizon:g} h), not as of now."))
    return listed


def _about(week: str, rows: pd.DataFrame, stored: bool, horizon: float) -> None:
    """What the figures are of and where they come from, folded under the cards: the reader
    needs it to question a number, not to read one."""
    with st.expander("About these figures"):
        st.caption(f"**{weekly.week_title(week)}**, Monday 00:00 to the next Monday 00:00 UTC whatever "
                   "the time zone chosen; the brand filter applies, platform, page and date "
                   "filters do not (the snapshot is per brand, all platforms).")
        if stored:
            as_of = f", evaluated as of {formatting.utc_minute(rows['as_of'].max())}" if len(rows) else ""
            st.caption(f"Stored snapshot of {week}{as_of}.")
        else:
            st.caption(f"These figures are computed now from the data, not stored (horizon H = "
                       f"{horizon:g} h from the sidebar): late data may still change them.")
            st.caption(f"For whoever runs the data loads: `{weekly_notes.store_command(week)}` stores "
                       "this week so it never changes.")
        if note := weekly_notes.pending_note(rows, horizon):
            st.caption(note)


def _focus(rows: pd.DataFrame, week: str, week_brands, chosen_brands=()) -> str:
    """The picked brand's cards (the link's ?focus= on a first visit); returns the brand.
    week_brands: the brands with a row this week, the sidebar's filter or not; chosen_brands: the
    sidebar filter's, those with no row this week said why (weekly_notes.absent_brand_note)."""
    brands = list(rows["brand"])
    remembered = st.session_state.get("weekly_brand")  # the brand picked on another week
    asked = shared_filters.from_link("focus", "weekly_brand", brands, brands[0])
    brand = st.selectbox("Brand", brands, key="weekly_brand", format_func=safe.visible)
    missing = asked if asked and asked not in brands else remembered if remembered not in brands else None
    if missing and missing not in list(week_brands) and (note := weekly_notes.absent_brand_note(missing, week)):
        st.caption(f"{note} Showing {safe.markdown_text(brand)}.")
    elif note := weekly_notes.focus_note(asked, brand, brands, week_brands):
        st.caption(note)
    # brands of the sidebar's filter with no row this week: the page showed the others, unsaid
    _absent_brands([b for b in chosen_brands if b not in list(week_brands) and b != missing], week)
    shared_filters.to_link("focus", brand, brands[0])
    row = rows[rows["brand"] == brand].iloc[0]
    days = weekly_cards.counted_days(rows)
    st.caption(weekly_cards.change_line(row, week, weekly.brand_first_at(brand), days))
    # a row of columns each, so a card without a change does not lift those below it
    per_row = widgets.CARDS_A_ROW
    for start in range(0, len(weekly.KPIS), per_row):
        for place, (column, label, kind) in zip(st.columns(per_row), weekly.KPIS[start:start + per_row]):
            delta, style = weekly_cards.card_delta(row, column, kind)
            place.metric(label, weekly_cards.kpi_value(row, column, kind), delta=delta,
                         help=weekly_cards.card_help(label),
                         **weekly_cards.part_week_style(delta, style, kind, days))
    st.caption(weekly_cards.card_basis(row, rows))
    if note := weekly_notes.deleted_not_checked_note(rows[rows["brand"] == brand]):
        st.caption(note)
    if weekly_cards.km_not_reached(row):
        st.caption(weekly_cards.km_not_reached_note(row, safe.markdown_text(brand)))
    return brand


def _absent_brands(brands, week: str) -> None:
    """Why each of `brands` (chosen, with no row this week) has none: weekly_notes.absent_brand_note."""
    for brand in brands:
        if note := weekly_notes.absent_brand_note(brand, week):
            st.caption(note)


# The KPI grid's number formats of each kind (weekly.KPIS): (its value, its week-over-week change).
# weekly_cards.kpi_table's rates are in percent already: one decimal, as on the cards and every grid.
GRID_FORMATS = {
    "count": ("localized", "%+d"),
    "share": (widgets.PERCENT, "%+.1f pts"),
    "score": ("%+.2f", "%+.2f"),
    "minutes": ("%.0f min", "%+.0f min"),
}


def _column_config(table: pd.DataFrame, days: str | None = None) -> dict:
    """days: how much of its week the table's counts are of (weekly_cards.counted_days), said in their
    changes' headers as on the cards."""
    config = {}
    for column, label, kind in weekly.KPIS:
        value_format, change_format = GRID_FORMATS[kind]
        part = f" ({days})" if days and kind == "count" else ""
        config[column] = (st.column_config.NumberColumn(label, format=value_format)
                          if column not in table or pd.api.types.is_numeric_dtype(table[column])
                          else st.column_config.TextColumn(label))  # the KM median: 'not reached'
        config[f"{column}_wow"] = st.column_config.NumberColumn(f"Δ {label}{part}", format=change_format)
    for column in ("ghost_town_ci_low", "ghost_town_ci_high"):  # '95% CI from', as on Ghost Town
        config[column] = st.column_config.NumberColumn(formatting.column_header(column), format=widgets.PERCENT)
    # 'pending', its being left out of the rates on hover: the long header pushed the KM median's
    # 'not reached (was ...)' off the grid at 1400 px (a review)
    config["pending"] = st.column_config.NumberColumn("pending", format="localized", help=weekly_cards.PENDING_HELP)
    return config


def _preview(one_pager, week: str) -> None:
    """The exported PNG itself, scaled to the page. Drawn as a live chart, the one-pager took the
    page's width, not its own: its tables' rows wrapped onto more lines and ran out of the
    space the export gives them (the last brand's row and the top risks after it cut off).
    Drawn on request: rendering starts Chromium (2-13 s); the PNG download then reuses it.
    week: the week's title (weekly.week_title), which the picture's text alternative names."""
    if not st.toggle("Preview the one-pager", key="weekly_preview",
                     help="The exported PNG shown here: the same numbers as above, as one page."):
        return
    st.caption("The executive one-pager of the week as exported, an A4 page: the main KPIs with week-over-week "
               "changes, and the top risks. Download the PDF to read or print it at actual size.")
    with st.spinner("Drawing the one-pager as exported…"):
        try:
            png = export.to_png(one_pager())
        except export.ExportUnavailable as error:
            st.warning(str(error), icon=":material/image_not_supported:")
            return
    # a screen reader found no name for the picture: it says what it is and where its numbers are as text
    st.image(png, width="stretch", alt=PREVIEW_ALT.format(week=week))


PREVIEW_ALT = ("The one-pager of {week} as exported (PDF and PNG): the main KPIs and changes of the table above, "
               "and the top risks listed above.")


def _downloads(one_pager, week: str, stem: str) -> bool:
    """The PDF and PNG downloads; False (and why) when the one-pager cannot be exported."""
    ok, reason = export.available()
    if not ok:
        st.info(reason, icon=":material/picture_as_pdf:")
        return False
    left, right = st.columns(2)
    left.download_button("Download PDF", lambda: _pdf(one_pager(), week), file_name=f"{stem}.pdf",
                         mime="application/pdf", icon=":material/picture_as_pdf:", key="weekly_pdf",
                         on_click="ignore")
    right.download_button("Download PNG", lambda: export.to_png(one_pager()),
                          file_name=f"{stem}.png", mime="image/png",
                          icon=":material/image:", key="weekly_png", on_click="ignore")
    if emoji := export.emoji_font_note("PDF and PNG"):  # the top risks' texts, drawn with this machine's fonts
        st.caption(emoji)
    return True


def _pdf(figure, week: str) -> bytes:
    """The one-pager as an A4 PDF, titled by its week, with its printed text as the text
    alternative a screen reader reads (Chromium tags the page as one picture)."""
    return export.to_pdf(figure, title=f"Weekly snapshot {week}", page_width_mm=weekly_figures.A4_WIDTH_MM,
                         alt_text=weekly_figures.printed_text(figure))


if __name__ == "__main__":  # run as a script (pages/ auto-discovery): through the shell and its gate
    from app.shell import main

    main()
