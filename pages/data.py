"""Data: load a file, the load log with its accounting, and the quarantine with reasons."""

import streamlit as st

from app import db, gate, load_log, safe, uploads, widgets
from app.formatting import counted

_LAST = "data_last_upload"


def render() -> None:
    gate.require()
    st.title("Data")
    st.caption("Every record read ends up loaded, counted as a duplicate, or in quarantine with a "
               "reason: rows read = loaded + duplicate + quarantined. A load publishes all of a file "
               "or nothing; the dashboard reads the new state on its next query.")
    _upload()
    _last_result()
    _loads()
    _quarantine()


def _upload() -> None:
    limit = uploads.limit_mb()
    with st.expander("Load a file", icon=":material/upload_file:", expanded=True):
        with st.form("data_upload_form"):
            left, right = st.columns(2)
            fmt = left.selectbox("Format", uploads.FORMATS, key="data_format",
                                 help="\n\n".join(f"**{k}**: {v}" for k, v in uploads.FORMAT_HELP.items()))
            brand = right.text_input("Brand (optional)", key="data_brand",
                                     help="The brand every mention in the file concerns (needed for "
                                          "twcs and twitter-json files that do not name it); a csv "
                                          "row's own brand cell, where it has one, wins.")
            left, right = st.columns(2)
            accounts = left.text_input("Brand accounts (optional)", key="data_accounts",
                                       help="Account ids or handles that speak for the brand, "
                                            "separated by commas.")
            zone = right.text_input("Brand time zone (optional)", key="data_brand_timezone",
                                    placeholder="e.g. Asia/Kolkata",
                                    help="With a Brand: the zone its coverage by hour of week and its audit's "
                                         "office hours are read in (an IANA name, as `python -m etl load "
                                         "--brand-timezone`). Left empty: the zone set for the brand before, "
                                         "or UTC if none ever was.")
            industry = st.columns(2)[0].text_input(
                "Brand industry (optional)", key="data_brand_industry", placeholder="e.g. telecoms",
                help="With a Brand: the industry it is compared within on Trends > Share of voice (as "
                     "`python -m etl load --industry`). Left empty: the industry set for the brand before, or none.")
            upload = st.file_uploader(f"File (up to {limit} MB; larger files: `python -m etl load`)",
                                      key="data_file", max_upload_size=limit)
            submitted = st.form_submit_button("Load", type="primary", icon=":material/publish:")
    if not submitted:
        return
    if upload is None:
        st.warning("Choose a file to load first.")
        return
    bar = st.progress(0.0, text="Starting the load")
    try:
        uploads.check(upload.size, fmt, limit)  # before reading it into memory
        with st.spinner("Loading: parse, de-duplicate, score, rebuild the models, publish"):
            result = uploads.load_upload(
                upload.getvalue(), upload.name, fmt, db.database_path(), brand=brand.strip() or None,
                brand_accounts=uploads.parse_accounts(accounts), brand_timezone=zone.strip() or None,
                brand_industry=industry.strip() or None, limit=limit,
                on_step=lambda done, message: bar.progress(done, text=message))
    except uploads.UploadRefused as err:
        bar.empty()
        st.session_state.pop(_LAST, None)  # an earlier upload's banner under this one read as current
        st.error(f"Not loaded: {safe.markdown_text(err)}", icon=":material/block:")
        return
    table = uploads.accounting(result.reports, result.name)
    st.session_state[_LAST] = (result.name, table, result.notes)
    _show_quarantine_of(table)
    st.rerun()  # redraw everything (sidebar filters included) on the newly published database


# A load's counts before its file's name, which the caption checks (read = loaded + duplicate +
# quarantined): at 1024 px a long name pushed all but rows read off the grid's edge (a review)
COUNTED_FIRST = ("load_id", "status", "rows_read", "rows_loaded", "rows_duplicate", "rows_quarantined", "adds_up")


def _last_result() -> None:
    if _LAST not in st.session_state:
        return
    name, table, notes = st.session_state[_LAST]
    said = uploads.outcome(name, table, notes)
    banner, icon = _BANNERS[said.level]
    banner(said.text, icon=icon)
    st.caption("Accounting of the last upload")
    widgets.grid(table, key="data_last_accounting", name="Accounting of the last upload",
                 column_order=widgets.reader_order(table, COUNTED_FIRST))


_BANNERS = {"error": (st.error, ":material/block:"), "warning": (st.warning, ":material/warning:"),
            "success": (st.success, ":material/check_circle:")}


def _show_quarantine_of(table) -> None:
    """Open the quarantine table below on this upload's rejects, which its warning points to."""
    rejected = table[table["rows_quarantined"] > 0]
    if len(rejected):  # the load holding them (an earlier one for a file loaded again); several: all
        holding = rejected["quarantined_in"].iloc[0]
        st.session_state["data_quarantine_load"] = int(holding[0]) if len(holding) == 1 else None


def _loads() -> None:
    st.header("Load log")
    log = load_log.loads()
    if log.empty:
        st.info("Nothing loaded yet.")
        return
    total = load_log.totals(log)
    cols = st.columns(5)
    cols[0].metric("Loads run", f"{total['loads']:,}", help="Loads of a file, failed ones and a file loaded "
                                                             "again included: one per row below.")
    cols[1].metric("Rows read", f"{total['rows_read']:,}")
    cols[2].metric("Loaded", f"{total['rows_loaded']:,}")
    cols[3].metric("Duplicate", f"{total['rows_duplicate']:,}",
                   help="Records already loaded, read again (overlapping exports, a file loaded twice): "
                        "counted, not stored twice. A later copy with new counters updates the stored one.")
    # the records the table below holds first, then the loads' count: "Quarantined 16" over a
    # table of 8 (a file loaded twice) read as a miscount (a review)
    cols[4].metric("Quarantined", f"{total['stored_in_quarantine']:,} stored",
                   help="Records set aside with a reason (below), stored once, under the load that first set "
                        "them aside ('stored_in_quarantine' in the log); a file loaded again counts its bad "
                        "records again ('rows_quarantined').")
    cols[4].caption(f"{total['rows_quarantined']:,} counted across loads")
    if wrong := total["not_adding_up"]:
        st.error(f"{counted(wrong, 'load')} {'does' if wrong == 1 else 'do'} not add up: rows read differs from "
                 "loaded + duplicate + quarantined.")
    st.caption("One row per file; 'adds up' checks rows read = rows loaded + rows duplicate + "
               "rows quarantined (blank rows are not records). 'message': the load's first problem, then "
               "what it said of the file when it ran (the notes under its banner). Times in UTC.")
    widgets.grid(log, key="data_loads", name="Load log",  # file and message through safe.visible there
                 column_order=widgets.reader_order(log, COUNTED_FIRST))


def _quarantine() -> None:
    st.header("Quarantine")
    log = load_log.loads()
    with_rejects = log[log["stored_in_quarantine"] > 0] if not log.empty else log
    if with_rejects.empty:
        st.info("No quarantined records.")
        return
    labels = {None: "All loads"} | {int(r.load_id): f"load {int(r.load_id)} ({int(r.stored_in_quarantine):,})"
                                    for r in with_rejects.itertuples()}
    chosen = st.selectbox("Load", list(labels), format_func=labels.get, key="data_quarantine_load")
    frame = load_log.quarantine(chosen)
    st.caption(f"Records a load could not accept, with where they were and why; the raw record is "
               f"shown as text, its first {load_log.RAW_CHARACTERS:,} characters. At most "
               f"{load_log.QUARANTINE_ROWS:,} rows shown (all, whole: the CSV below). 'Mention loaded by load': "
               "a load that stored the same post or tweet (a cut export's record, loaded whole from a later "
               "one), read from the record's JSON id; empty if none, and for csv lines.")
    widgets.grid(frame, key="data_quarantine", name="Quarantined records")
    # the grid's own export is off (formulas) and shows records cut: without this, a user of the
    # page alone could not get a rejected record back to mend it (only `python -m etl quarantine`)
    widgets.csv_download(lambda: db.read_now(load_log.quarantine, chosen, limit=None, raw_chars=None),
                         "Download these quarantined records (CSV)",
                         f"quarantine-{'all' if chosen is None else f'load-{chosen}'}.csv", key="data_quarantine_csv")


if __name__ == "__main__":  # run as a script (pages/ auto-discovery): through the shell and its gate
    from app.shell import main

    main()
