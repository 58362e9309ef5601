"""Page Audit: the consultant's report on one brand's page or handle (or all its pages)."""

import math

import streamlit as st

from app import (audit, audit_dashboard, audit_rules, db, export, figures, filters, formatting, gate, report,
                 safe, widgets)

_ALL = "All pages"


def render() -> None:
    gate.require()
    st.title("Page Audit")
    st.caption("One brand's page or handle audited as of the end of the chosen dates: a graded "
               "scorecard, the evidence behind it, coverage gaps, deflections, deleted comments and "
               "recommendations. The same report exports as HTML and PDF, its evidence and requests as CSV "
               "(also from the command line, below). The sidebar's dates set the period; brand and page are "
               "chosen here.")
    brands = filters.brand_names()  # a brand whose mentions name no page is audited whole
    if not brands:
        st.info("No mentions with a brand yet: load data on the Data page.")
        return
    scopes = audit_dashboard.cached_brand_pages()
    chosen = filters.current()
    brand, page = _pick_scope(chosen, brands, scopes)
    _scope_note(chosen, brand, page, scopes, _platforms(scopes, brand))
    since, as_of = audit_dashboard.window(chosen, filters.options()["last_at"].max())
    assumed = filters.assumptions()
    result = audit_dashboard.cached_audit(brand, None if page == _ALL else page, as_of, since,
                                          assumed.horizon_hours, assumed.sla_minutes,
                                          evidence_limit=audit_dashboard.SHOWN_ROWS)
    result = audit_dashboard.with_word_of_mouth(result, assumed)
    widgets.assumption_note(assumed, wom=True)
    st.caption(safe.markdown_text(audit_dashboard.period_note(result, chosen.tz))
               + f" Metric definitions {result.metric_version}; text scorer {result.scorer_version}. "
               f"{result.data_basis}")
    if result.no_replies_note:
        st.warning(safe.markdown_text(result.no_replies_note), icon=":material/report:")
    if result.data_end_note:
        st.warning(safe.markdown_text(result.data_end_note), icon=":material/event_busy:")

    _exports(result, chosen.tz)
    _scorecard(result)
    _recommendations(result)
    _word_of_mouth(result)
    _evidence(result)
    _coverage(result)
    _deflections(result)
    _deleted(result)
    _definitions(result)


def _pick_scope(chosen: filters.Filters, brands: list[str], scopes) -> tuple[str, str]:
    """The brand and page (or _ALL) picked here, which start at and follow the sidebar's."""
    _restore_scope()
    default_brand, default_page = _follow_sidebar(chosen, brands, scopes)
    left, right = st.columns(2)
    brand = left.selectbox("Brand", brands, key="audit_brand", format_func=safe.visible)
    pages = [_ALL] + sorted(scopes.loc[scopes["brand"] == brand, "page"])
    platforms = _platforms(scopes, brand)
    if st.session_state.get("audit_page") not in pages:
        st.session_state["audit_page"] = _ALL
    page = right.selectbox("Page or handle", pages, key="audit_page", format_func=lambda p: p if p == _ALL else
                           safe.visible(formatting.page_label(p, platforms.get(p))))
    widgets.remember("audit_brand", "audit_page")
    _unmatched_link_note(brand, page, st.session_state.pop("audit_link_asked", (None, None)))
    page_default = default_page if brand == default_brand else _ALL
    # a page in the link takes its brand along: alone it reopened on the default's all pages (a review)
    filters.to_link("audited", brand, default_brand if page == page_default else None)
    filters.to_link("audited_page", page, page_default)
    return brand, page


def _restore_scope() -> None:
    """The brand and page picked here before a look at another page, which Streamlit forgot (the
    audit came back on the sidebar's brand and all pages, and its next export was of that brand: a
    review): unless the link names a scope (?audited=, a bookmark or the browser's back), which wins."""
    if not any(key in st.query_params for key in ("audited", "audited_page")):
        widgets.restore("audit_brand")
        widgets.restore("audit_page")


def _unmatched_link_note(brand: str, page: str, asked: tuple[str | None, str | None]) -> None:
    """What of a link's audit scope is not in the data, said rather than silently swapped: a
    consultant's old link opened on another brand, who could hand over its report (a review)."""
    asked_brand, asked_page = asked
    if asked_brand and asked_brand != brand:
        st.warning(f"The link's brand {safe.markdown_text(asked_brand)} is not in this database; this is "
                   f"the audit of {safe.markdown_text(brand)}.", icon=":material/link_off:")
    elif asked_page and asked_page != page:
        whose = f"one of {safe.markdown_text(brand)}'s" if asked_brand else "in this database"
        st.warning(f"The link's page {safe.markdown_text(asked_page)} is not {whose}; this is the audit of all "
                   f"{safe.markdown_text(brand)}'s pages.", icon=":material/link_off:")


def _platforms(scopes, brand: str) -> dict:
    """Each of the brand's pages' platform(s) (a page id alone does not say which): its own, as
    another brand's page of the same name may be on another platform (every brand's in one dict
    named Acme's Facebook 'Shared' by Other's Twitter one)."""
    own = scopes[scopes["brand"] == brand]
    return dict(zip(own["page"], own["platform"]))


def _scope_note(chosen: filters.Filters, brand: str, page: str, scopes, platforms: dict) -> None:
    """Says where the audit's scope differs from the sidebar's platform filter, which it ignores."""
    if chosen.platforms and not filters.brand_on_platforms(brand, chosen.platforms):
        st.info(f"{safe.markdown_text(brand)} has no mentions on the sidebar's platforms: this audit "
                "covers the brand's whole page set regardless of the platform filter.")
    elif page == _ALL and (others := audit_dashboard.platforms_beyond(scopes, brand, chosen.platforms)):
        st.info(f"All pages means all of {safe.markdown_text(brand)}'s pages, on "
                f"{safe.markdown_text(', '.join(others))} too: the sidebar's platform filter does "
                "not narrow the audit (its numbers differ from the other pages' for that reason). "
                "Pick one page above to audit it alone.")
    elif page != _ALL and chosen.platforms and (outside := _outside(platforms.get(page), chosen.platforms)):
        st.info(f"{safe.markdown_text(formatting.page_label(page, platforms.get(page)))} is on "
                f"{safe.markdown_text(platforms.get(page) or 'no known platform')}, {outside} the sidebar's "
                "platform filter: the audit covers the page chosen here, whatever that filter says.")


def _outside(platform: str | None, chosen: tuple[str, ...]) -> str:
    """Where a page is against the sidebar's platforms: '' within them, 'partly outside' (a page
    name on two platforms, one chosen) or 'outside'."""
    on = formatting.platforms_named(platform)
    if on and on <= set(chosen):
        return ""
    return "partly outside" if on & set(chosen) else "outside"


def _recommendations(result) -> None:
    st.header("Recommendations")
    st.caption("Each recommendation comes from a rule and cites the number that triggered it.")
    if result.recommendations.empty:
        st.success(result.no_recommendation_said)
        return
    # in full, each with its trigger (a table cell cut the advice off mid-sentence), which
    # links to the list of the rows it counts, where the page has one
    st.markdown("\n".join(f"- {safe.markdown_text(advice)} *(trigger: {_to_rows(trigger, rule)})*"
                           for advice, trigger, rule in zip(result.recommendations["recommendation"],
                                                            result.recommendations["trigger"],
                                                            result.recommendations["rule"])))


def _word_of_mouth(result) -> None:
    """Word of mouth's toll of the ignored complaints, as the report states it: the sidebar's
    assumptions applied to the evidence's count."""
    st.header(audit_rules.WORD_OF_MOUTH_TITLE)
    st.caption(" ".join(audit_rules.word_of_mouth_lines(result.word_of_mouth_cost)))


def _to_rows(trigger: str, rule: str) -> str:
    """A recommendation's trigger as Markdown: a link to the section listing the rows its number
    counts (audit_rules.LISTED_IN), or plain where no section lists them."""
    section = audit_rules.LISTED_IN.get(audit_rules.RULE_METRICS.get(rule))
    return f"[{safe.markdown_text(trigger)}](#{section})" if section else safe.markdown_text(trigger)


def _follow_sidebar(chosen: filters.Filters, brands: list[str], scopes) -> tuple[str, str]:
    """The audited brand and page follow the sidebar whenever it changes (and start there,
    or at the link's ?audited= and ?audited_page= where it has them): its one page and that
    page's brand, else its first brand and all pages (audit_dashboard.sidebar_scope); in
    between, the brand and page picked here stay. Returns the sidebar's (brand, page), the
    defaults the link leaves out."""
    followed = audit_dashboard.sidebar_scope(chosen, brands, scopes)
    default = (followed[0] or brands[0], followed[1] or _ALL)
    if st.session_state.get("audit_brand") not in brands:  # a first visit: the link's, else the sidebar's
        linked, linked_page = st.query_params.get("audited"), st.query_params.get("audited_page")
        st.session_state["audit_link_asked"] = (linked, linked_page)
        if linked is None and linked_page is not None:  # a page alone (a link edited by hand): its brand's
            linked = next(iter(audit_dashboard.page_brands(scopes, linked_page, brands)), None)
        start = (linked, linked_page or _ALL) if linked in brands else default
        st.session_state["audit_brand"], st.session_state["audit_page"] = start  # _pick_scope checks the page
    elif followed[0] and followed != st.session_state.get("audit_followed"):
        st.session_state["audit_brand"], st.session_state["audit_page"] = default
    st.session_state["audit_followed"] = followed
    return default


def _exports(result, tz: str) -> None:
    # Built when clicked (deferred), so a large evidence list costs nothing on a rerun; the
    # exports have every ignored complaint (audit_dashboard.full), the page the newest; each
    # read from the state the page was drawn from (db.deferred), not one a load since published.
    # on_click="ignore" (as on the Weekly page): a deferred file's answer comes back on the
    # websocket, and a click that also reran the page raced it. The new run's start empties
    # the server's outgoing queue (lifecycle messages aside), and its end drops the callables
    # of the run the click saw: the answer lost, the button stayed grey (the browser waits
    # 180 s) with no error, or said "Failed to generate file for download".
    stem = audit_dashboard.file_stem(result, tz)
    # a row that wraps, each button as wide as its label: four equal columns cut them to
    # "Report (HT…" at 1024 px (a review at narrow widths)
    row = st.container(horizontal=True, gap="small")
    row.download_button("Report (HTML)", db.deferred(lambda: report.build_html(audit_dashboard.full(result))),
                        file_name=f"{stem}.html",
                        mime="text/html", icon=":material/download:", key="audit_html", on_click="ignore")
    ok, reason = export.browser_available()  # as the Weekly page: no button that can only fail
    if ok:
        row.download_button("Report (PDF)", db.deferred(lambda: report.build_pdf(audit_dashboard.full(result))),
                            file_name=f"{stem}.pdf",
                            mime="application/pdf", icon=":material/picture_as_pdf:", key="audit_pdf",
                            on_click="ignore")
    else:
        row.info(reason, icon=":material/picture_as_pdf:")
    row.download_button("Evidence (CSV)", db.deferred(lambda: audit.evidence_csv(audit_dashboard.full(result))),
                        file_name=f"{stem}-evidence.csv", mime="text/csv",
                        icon=":material/download:", key="audit_csv", on_click="ignore")
    row.download_button("Deflections (CSV)", db.deferred(lambda: audit_dashboard.deflections_csv(result)),
                        file_name=f"{stem}-deflections.csv", mime="text/csv",
                        icon=":material/download:", key="audit_deflections_csv", on_click="ignore",
                        disabled=not result.deflection_count, help=_no_deflections(result))
    row.download_button("Requests (CSV)", db.deferred(lambda: audit_dashboard.requests_csv(result)),
                        file_name=f"{stem}-requests.csv", mime="text/csv", icon=":material/download:",
                        key="audit_requests_csv", on_click="ignore", disabled=not result.summary.get("requests"),
                        help="Every request the scorecard counts, each answered, ignored or pending, so each "
                             "count and rate can be redone row by row (the evidence lists the ignored "
                             "complaints only).")
    if ok and (emoji := export.emoji_font_note("PDF")):  # the PDF is printed here, with this machine's fonts
        st.caption(emoji)
    # drawn on request: a code block loads its highlighter (1.6 MB of script) on a first visit
    command = widgets.on_request("The same report from the command line", key="audit_command_shown")
    if command.open:
        # plain text: the highlighter's cyan options and green numbers read at 2.5-2.9:1 (WCAG 1.4.3)
        checks = "".join(f"\n# {what}\n{line} --db <this database>" for what, line in result.recompute_commands())
        command.code(f"{result.command(f'{stem}.html')} --db <this database>\n\n# its numbers recomputed on their "
                     f"own:{checks}", language=None, wrap_lines=True)


def _no_deflections(result) -> str | None:
    return None if result.deflection_count else "No response in this audit was a deflection: nothing to export."


def _scorecard(result) -> None:
    st.header("Scorecard")
    per_row = widgets.CARDS_A_ROW
    cols = [col for _ in range(math.ceil((len(result.scorecard) + 1) / per_row)) for col in st.columns(per_row)]
    score = "" if result.grade_score is None else f"score {result.grade_score:.2f} of 4"
    cols[0].metric("Overall grade", result.grade, score, delta_color="off", delta_arrow="off",
                   border=True,
                   help=audit_rules.GRADE_RULE)
    for col, row in zip(cols[1:], result.scorecard.itertuples()):
        col.metric(row.label, row.shown, f"grade {row.grade}", delta_color="off", delta_arrow="off",
                   help=f"Of {row.basis}. Thresholds: {row.thresholds}. Weight {row.weight:g}.")
    s = result.summary
    if note := result.grading_said:
        st.info(safe.markdown_text(note), icon=":material/info:")
    st.caption(f"{formatting.counted(s.get('requests', 0), 'request')}: {s.get('answered', 0):,} answered within H, "
               f"{s.get('ignored', 0):,} ignored, {s.get('pending', 0):,} pending (left out of rates).")
    widgets.labelled_table(result.scorecard, audit_rules.SCORECARD_PAGE_COLUMNS, key="audit_scorecard",
                           name="Scorecard", helps=audit_rules.SCORECARD_PAGE_HELP)
    if len(result.by_page):
        st.caption(f"By page: {audit_rules.PAGES_NOTE[0].lower()}{audit_rules.PAGES_NOTE[1:]}")
        widgets.labelled_table(formatting.with_page_labels(result.by_page), audit_rules.PAGE_COLUMNS,
                               key="audit_by_page", percent=audit_rules.PAGE_SHARES, name="Scorecard by page")
    widgets.definitions(["ghost_town_rate", "sla_rate", "km_median_minutes", "deflection_rate",
                         "answered / ignored / pending"], label="Scorecard definitions")


def _evidence(result) -> None:
    total = result.ignored_count
    st.header(f"Evidence: {formatting.counted(total, 'ignored complaint')}",
              anchor=audit_rules.LISTED_IN["ignored_complaints"])  # where the triggers' links land
    shown = result.evidence.head(audit_dashboard.SHOWN_ROWS)
    st.caption(f"Every complaint with no brand response within H = {result.horizon_hours:g} h that "
               f"was at least H old at the as-of time, newest first; {audit_rules.EVIDENCE_TEXT}. "
               + audit_rules.questions_note(int(result.summary.get("ignored", 0)), total)
               + (f" The newest {len(shown):,} are shown; the evidence CSV and the reports have all "
                  f"{total:,}." if len(shown) < total else ""))
    if said := audit_rules.spread_note(shown):  # counts only: no untrusted text to escape
        st.caption(f"{said} {audit_rules.SPREAD_RULE}")
    widgets.grid(shown, key="audit_evidence", name="Evidence: ignored complaints",
                 column_order=widgets.reader_order(shown, _EVIDENCE_FIRST),
                 **widgets.HOURS_SHOWN)


# when and how old right after the texts: last, they were off the grid's edge at 1024 px and
# cut at 1400 px (a review at narrow widths)
_EVIDENCE_FIRST = ("text", "request_text", "requested_at", "age_hours", "author_handle", "link")


HOUR_COLUMNS = [("day", "day"), ("hour", "hour"), ("requests", "requests"), ("answered", "answered"),
                ("ignored", "ignored"), ("pending", "pending"), ("response_rate", "response rate")]


def _coverage(result) -> None:
    st.header(f"Coverage gaps: {formatting.counted(len(result.gaps), 'hour')} of the week",
              anchor=audit_rules.LISTED_IN["coverage_gaps"])
    # Drawn on request: the gaps are listed below, and drawing the heatmap in the browser
    # loads Plotly's library (about 1 s on every new visit). The reports always include it.
    widgets.restore("audit_heatmap")  # asked for once, drawn again on a return from another page
    drawn = st.toggle("Draw the heatmap", key="audit_heatmap",
                      help="Response rate by day and hour of the week, as in the exported report.")
    widgets.remember("audit_heatmap")
    if drawn:
        widgets.chart(figures.audit_coverage_heatmap(result.coverage, result.timezone),
                      f"Response rate by day and hour of the week in {safe.markdown_text(result.zone_named)} "
                      f"({audit_rules.FEW_DECIDED_NOTE}).", key="audit_coverage")
        with widgets.chart_numbers():  # each hour's rate, which the cells give only as colour and on hover
            widgets.labelled_table(result.coverage, _zoned_hour(HOUR_COLUMNS, result.timezone),
                                   key="audit_coverage_numbers", percent=("response_rate",),
                                   name="Response rate by day and hour of the week")
    st.caption(audit_rules.GAP_RULE)
    widgets.labelled_table(result.gaps, _zoned_hour(audit_rules.GAP_COLUMNS, result.timezone), key="audit_gaps",
                           name="Coverage gaps",
                           formats={"median_response_minutes": "%.0f"}, percent=audit_rules.GAP_SHARES)


def _zoned_hour(columns, zone: str) -> list[tuple[str, str]]:
    """(column, header) pairs with the hour headed by the brand's zone it is in, as the heatmap's
    axis is: a bare 'hour' read as the sidebar's zone or UTC, the page's other times' zones."""
    return [(column, formatting.with_zone(header, zone) if column == "hour" else header) for column, header in columns]


def _deflections(result) -> None:
    st.header(f"Deflections: {result.deflection_count:,}", anchor=audit_rules.LISTED_IN["deflection_rate"])
    st.caption("First brand responses that only redirected (DM us, call, form, link), however late, "
               "with the customer's message each answered (of a request of several messages, not always its "
               f"first); the newest {formatting.counted(len(result.deflections), 'request')} shown, newest first"
               + (" (Deflections (CSV) above has every one)." if len(result.deflections) < result.deflection_count
                  else "."))
    # the list's order is the request time's (audit_deflections.sql): its label says so
    times = {"requested_at": widgets.time_column("requested at (newest first)", result.timezone)}
    deflections = result.deflections  # its *_text columns through safe.visible in widgets.grid
    widgets.grid(deflections, key="audit_deflections", name="Deflections",
                 column_order=widgets.reader_order(deflections),
                 **times, response_minutes=st.column_config.NumberColumn(format="%.0f"))  # as on Ghost Town


def _deleted(result) -> None:
    st.header(f"Deleted comments: {result.deleted_said}", anchor=audit_rules.LISTED_IN["deleted_comments"])
    shown = result.deleted.head(audit_dashboard.SHOWN_ROWS)
    st.caption(f"{audit_rules.DELETED_WHAT} {audit_rules.DELETED_AS_OF_RULE}."
               + (f" The newest {len(shown):,} are shown; the reports have all "
                  f"{len(result.deleted):,}." if len(shown) < len(result.deleted) else ""))
    if result.deleted.empty:
        st.caption(result.no_deleted_note)
        return
    widgets.grid(shown, key="audit_deleted", column_order=widgets.reader_order(shown), name="Deleted comments")


def _definitions(result) -> None:
    with st.expander(f"Metric definitions ({result.metric_version}) and grading thresholds"):
        widgets.labelled_table(audit_rules.thresholds_table(), audit_rules.THRESHOLD_COLUMNS, key="audit_thresholds",
                               name="Grading thresholds")
        st.caption(audit_rules.GRADE_RULE)
        widgets.definition_list(result.definitions)


if __name__ == "__main__":  # run as a script (pages/ auto-discovery): through the shell and its gate
    from app.shell import main

    main()
