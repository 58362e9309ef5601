"""Amplification Risk page: renders; the care queue and cost of silence follow the filters
and equal etl.cascade_metrics on the stored cascades; hostile text only as text."""

from __future__ import annotations

import json
import re
import shutil
from datetime import date

import duckdb
import pandas as pd
import pytest
from app_support import (assert_reads_text_first, download_buttons, downloaded, missing_shown, page_test,
                         plotly_spec)
from care_fixtures import DAY, THANKS, brand_msg, load_rows, msg, one_complaint_deleted, set_scores, spy_calls

import hostile
from app import care, db, figures, formatting, risk, safe
from app.filters import Filters
from etl import cascade_metrics, warehouse
from pages.amplification import QUEUE_RULES, SILENCE_UNANSWERED


def _charts(at) -> list[str]:
    return [c.proto.spec for c in at.get("plotly_chart")]


SECTIONS = ["Care queue", "Cascades", "Cost of silence", "Influencer complaints"]


def _section(at, name: str):
    at.radio(key="risk_section").set_value(name).run()
    assert not at.exception
    return at


def _table(at, column: str) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if column in d.value)


def _cascades(db) -> pd.DataFrame:
    """The stored cascades, each marked `deleted` when its root is a deleted mention (its author
    deleted it: no open complaint, however unanswered)."""
    with warehouse.connect_readonly(db) as con:
        return con.execute("""SELECT *, root_id IN (SELECT mention_id FROM deleted_mentions) AS deleted
                              FROM cascades""").df()


def _deleted(frame: pd.DataFrame) -> set[str]:
    return set(frame.loc[frame["deleted"], "root_id"])


def test_amplification_renders(dashboard_db, monkeypatch):
    at = page_test("amplification", dashboard_db, monkeypatch).run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Amplification Risk"]
    assert at.radio(key="risk_section").options == SECTIONS
    charts = {}
    for name in SECTIONS:
        charts[name] = len(_charts(_section(at, name)))
        assert at.get("popover"), name  # the definitions stay one click away in every section
    # network and growth; cost of silence and weekly ratio
    assert charts == {"Care queue": 0, "Cascades": 2, "Cost of silence": 2, "Influencer complaints": 0}


def test_only_the_chosen_section_is_drawn(dashboard_db, monkeypatch):
    at = page_test("amplification", dashboard_db, monkeypatch).run()
    assert at.radio(key="risk_section").value == "Care queue"  # the default
    assert [h.value for h in at.main.header] == ["Care queue"]
    assert _table(at, "predicted_final_size_low") is not None
    assert not _charts(at) and not any("structural_virality" in d.value for d in at.dataframe)
    assert "risk_cascade" not in [s.key for s in at.selectbox]
    _section(at, "Influencer complaints")
    assert [h.value for h in at.main.header] == ["Influencer complaints"]
    [influencers] = [d for d in at.dataframe if "author_followers" in d.value]
    # whether it was answered before the brand and page: at 1024 px the 12th column was off the grid's edge
    assert assert_reads_text_first(influencers)[:7] == ["text", "author_handle", "author_followers", "link",
                                                        "answered", "first_response_at", "own_follow_ups"]
    assert not any("predicted_final_size_low" in d.value for d in at.dataframe)


def test_the_section_survives_a_filter_change(dashboard_db, monkeypatch):
    frame = _cascades(dashboard_db)
    brand = frame["brand"].value_counts().index[0]
    at = _section(page_test("amplification", dashboard_db, monkeypatch).run(), "Cost of silence")
    at.multiselect(key="filter_brands").select(brand).run()
    assert not at.exception
    assert at.radio(key="risk_section").value == "Cost of silence"
    assert set(_table(at, "reach_ratio")["brand"]) == {brand}


def test_brands_with_no_follower_counts_are_named_under_the_reach_bars(dashboard_db, monkeypatch):
    complaints = _cascades(dashboard_db).query("is_complaint")
    facebook_only = set(complaints["brand"]) - set(complaints.loc[complaints["platform"] == "twitter", "brand"])
    at = _section(page_test("amplification", dashboard_db, monkeypatch).run(), "Cost of silence")
    named = [c.value for c in at.caption if "No bars for" in c.value]
    assert facebook_only and named == [f"No bars for {', '.join(sorted(facebook_only))}: none of their "
                                       "complaint cascades carries follower counts."]
    at.multiselect(key="filter_platforms").select("facebook").run()
    assert not at.exception
    table = _table(at, "reach_ratio")
    assert (table["reach_cascades"] == 0).all() and table["mean_potential_reach"].isna().all()
    bars = json.loads(_charts(at)[0])
    assert not bars["data"] and [a["text"] for a in bars["layout"]["annotations"]] == [
        "No complaint cascade in this selection carries follower counts"]
    [note] = [c.value for c in at.caption if "No bars for" in c.value]
    assert all(brand in note for brand in set(table["brand"]))


def test_the_cost_of_silence_charts_say_their_dates_zone_and_platforms(dashboard_db, monkeypatch):
    """Both charts said neither which dates (in which zone) nor which platforms they were of: a
    picture of them sent to a colleague lost the period, as no other page's charts do."""
    at = page_test("amplification", dashboard_db, monkeypatch).run()
    at.selectbox(key="filter_tz").set_value("Europe/London").run()
    at.multiselect(key="filter_platforms").set_value(["twitter"]).run()
    first, last = at.date_input(key="filter_dates").value
    layouts = [plotly_spec(chart)["layout"] for chart in _section(at, "Cost of silence").get("plotly_chart")]
    said = [layout["title"].get("subtitle", {}).get("text", "") for layout in layouts]
    assert len(said) == 2 and all(s == f"{first.day} {first:%b %Y} to {last.day} {last:%b %Y} (Europe/London) · "
                                         "twitter" for s in said), said


def test_the_cost_of_silence_says_its_ignored_is_not_the_ghost_towns(dashboard_db, monkeypatch):
    """'Ignored' on these bars is never answered; on the Ghost Town, no answer within H: the
    caption said only the first, and a marketer read the two pages' counts as one measure."""
    at = _section(page_test("amplification", dashboard_db, monkeypatch).run(), "Cost of silence")
    assert any(SILENCE_UNANSWERED in c.value and "however late" in c.value for c in at.caption)


def test_the_cost_of_silence_bars_are_given_as_a_table(dashboard_db, monkeypatch):
    # each bar's mean reach and the cascades it rests on were given only on hover: nothing a
    # screen reader or a keyboard could reach (accessibility review, WCAG 1.1.1)
    from app.widgets import CHART_NUMBERS
    at = _section(page_test("amplification", dashboard_db, monkeypatch).run(), "Cost of silence")
    [numbers] = [e for e in at.expander if e.label == CHART_NUMBERS]
    [table] = [frame.value for frame in numbers.dataframe]
    bars = plotly_spec(at.get("plotly_chart")[0])["data"]
    assert {bar["name"] for bar in bars} == {"still unanswered", "answered"}
    for bar in bars:  # every bar's height is a row of the table
        rows = table[table["answered"] == (bar["name"] == "answered")].set_index("brand")
        for brand, height in zip(bar["x"], bar["y"]):
            assert pd.isna(height) or abs(rows.loc[brand, "mean_potential_reach"] - height) < 1e-6, (bar["name"], brand)
    assert (table["reach_cascades"] > 0).any()


def test_the_care_queue_leads_with_risk_author_text_and_link(dashboard_db, monkeypatch):
    at = page_test("amplification", dashboard_db, monkeypatch).run()
    queue = _table(at, "predicted_final_size_low")
    assert list(queue.columns[:8]) == ["amplification_risk", "high_risk", "reach_basis", "brand", "author_handle",
                                       "author_followers", "text", "link"]  # the CSV's order too
    # on screen what the complaint says and where to answer it right after the risk (at 1024 px,
    # after the author's columns, they were off the grid's edge: a review at narrow widths)
    [grid] = [d for d in at.dataframe if "predicted_final_size_low" in d.value]
    assert list(grid.proto.column_order)[:5] == ["amplification_risk", "text", "link", "brand", "author_handle"]
    assert queue["amplification_risk"].is_monotonic_decreasing
    # which rows are the caption's high-risk ones, and whose reach is assumed (a review: a
    # Facebook risk of 18.2 from the typical follower count read as larger than a measured 9.38)
    # ('1 is high risk', not '1 are': a review)
    [high] = [int(re.search(r"; ([\d,]+) (?:is|are) high risk \(", c.value)[1].replace(",", ""))
              for c in at.caption if re.search(r"(?:is|are) high risk \(", c.value)]
    assert any(f"; {high:,} {'is' if high == 1 else 'are'} high risk (" in c.value for c in at.caption)
    assert queue["high_risk"].tolist() == [True] * high + [False] * (len(queue) - high) and high > 0
    assert (queue["reach_basis"] == "assumed").tolist() == queue["potential_reach"].isna().tolist()
    assert set(queue["reach_basis"]) == {"assumed", "measured"}
    [grid] = [d for d in at.dataframe if "predicted_final_size_low" in d.value]
    config = json.loads(grid.proto.columns)
    assert config["author_followers"]["type_config"]["format"] == "localized"  # 1,250,000, not 1250000
    # a risk to three figures however small ('localized' keeps three decimals and wrote 0.00035
    # as 0), with thousands separators however large (12,300, not 12300)
    assert config["amplification_risk"]["type_config"]["format"] == "%,.3g"
    # a row whose follower counts are all unknown still has a reach: the header says why
    assert "an unknown one taken as the history's median" in config["expected_additional_reach"]["help"]
    # what the risk is, in the words the columns it is made of are headed by, and why a complaint
    # forecast not to grow has one (a risk of 69.4 beside no growth read as unexplained: a review)
    said = config["amplification_risk"]["help"]
    assert said.startswith("Amplification risk, in followers: expected added reach x negativity")
    assert "predicted final size (the median) shows no growth can still carry risk" in said
    assert formatting.column_header("expected_additional_reach").startswith("expected added reach")
    assert config["amplification_risk"]["label"] == "risk (followers)"  # narrow: see the phone test
    # pages as a reader knows them: a handle, or 'Facebook page <id>' rather than a bare id
    pages = queue["page"].dropna()
    assert pages.str.startswith("Facebook page ").any()
    assert (pages.str.startswith("@") | pages.str.match(r"^[A-Z][a-z]+ page \S+$")).all()
    # the risk's two factors are on the row, so its rank can be checked by hand
    assert queue["amplification_risk"].to_numpy() == pytest.approx(
        (queue["expected_additional_reach"] * queue["negativity"]).to_numpy())


# Streamlit's named column widths in px; a 390 px phone's grid is 358 px (16 px margins)
_WIDTHS = {"small": 75, "medium": 200, "large": 400}
PHONE_GRID_PX = 358


def test_the_queue_shows_a_complaints_risk_text_and_link_on_a_phone(dashboard_db, monkeypatch):
    """On a 390 px phone the risk column, headed 'amplification risk (followers)', was as wide as
    its header, 185 of the grid's 358 px (a Chromium check): the complaint's first 20 letters and
    no link on screen. The columns shown first have widths that fit a phone's grid together."""
    at = page_test("amplification", dashboard_db, monkeypatch).run()
    [grid] = [d for d in at.dataframe if "predicted_final_size_low" in d.value]
    config = json.loads(grid.proto.columns)
    first = list(grid.proto.column_order)[:3]
    assert first == ["amplification_risk", "text", "link"]
    widths = [config[column].get("width") for column in first]
    assert None not in widths, widths  # unset: as wide as the header or the longest value
    assert sum(_WIDTHS.get(width, width) for width in widths) <= PHONE_GRID_PX, widths


def test_the_queue_says_how_it_orders_equal_risks_and_the_order_is_the_one_said(tmp_path, monkeypatch):
    """Most open complaints have no risk left and many the same size: which of them made the
    grid's first rows was decided by id, said nowhere. Three alike complaints (risk 0, size 1)
    are listed the longest-waiting first (not by id: c1 is the newest), in the grid cut to two
    and in the CSV, as the caption says."""
    import io

    rows = [msg("c2", "u0", 0), msg("c10", "u1", 1), msg("c1", "u2", 2), msg("t0", "u3", 60 * DAY, text=THANKS)]
    path = load_rows(tmp_path, rows)
    set_scores(path, {m: {"complaint": True, "needs_reply": True, "label": "negative"} for m in ("c1", "c2", "c10")})
    given = download_buttons(monkeypatch)
    monkeypatch.setattr(risk.care_queue, "__defaults__", (2, False))  # the grid's cut after two rows
    at = page_test("amplification", path, monkeypatch).run()
    assert not at.exception
    assert _table(at, "predicted_final_size_low")["root_id"].tolist() == ["twitter:c2", "twitter:c10"]
    exported = pd.read_csv(io.BytesIO(downloaded(given, "risk_queue_csv")))
    assert exported["root_id"].tolist() == ["twitter:c2", "twitter:c10", "twitter:c1"]
    assert any(risk.QUEUE_TIES in c.value for c in at.caption)
    assert "equal sizes by how long the complaint has waited, longest first" in risk.QUEUE_TIES


def test_brand_filter_changes_the_queue_to_etl_care_queue(dashboard_db, monkeypatch):
    frame = _cascades(dashboard_db)
    brand = frame[frame["brand"] != hostile.BRAND]["brand"].value_counts().index[-1]
    at = page_test("amplification", dashboard_db, monkeypatch).run()
    everything = _table(at, "predicted_final_size_low")
    at.multiselect(key="filter_brands").select(brand).run()
    assert not at.exception
    queue = _table(at, "predicted_final_size_low")
    expected = cascade_metrics.care_queue(frame[frame["brand"] == brand], _deleted(frame)).head(200)
    assert set(queue["brand"]) == {brand} and set(everything["brand"]) != {brand}
    assert queue["amplification_risk"].tolist() == pytest.approx(expected["amplification_risk"].tolist())
    assert queue["root_id"].tolist() == expected["root_id"].tolist()  # ties too (review: sets passed)
    whole_queue = cascade_metrics.care_queue(frame, _deleted(frame))
    assert everything["root_id"].tolist() == whole_queue.head(200)["root_id"].tolist()
    assert queue["link"].isna().all()  # a demo brand's: its posts are fictional (test below)


def test_a_demo_complaint_has_no_link_pretending_to_open_its_post(dashboard_db, monkeypatch):
    """The demo's complaints linked to twitter.com and facebook.com by their made-up ids: the link
    opened no post of theirs, or a stranger's real one. Demo rows (loaded from demo:... files) get
    none, and the caption says why; a loaded file's keep theirs, in the queue, its CSV, the
    Cascades list and the influencer complaints."""
    import io

    given = download_buttons(monkeypatch)
    at = page_test("amplification", dashboard_db, monkeypatch).run()
    assert not at.exception
    assert any("The demo's complaints have no link" in c.value for c in at.caption)
    exported = pd.read_csv(io.BytesIO(downloaded(given, "risk_queue_csv")))
    cascades_list = _table(_section(at, "Cascades"), "structural_virality")
    influencers = _table(_section(at, "Influencer complaints"), "first_response_at")
    for rows, id_column in ((exported, "root_id"), (cascades_list, "root_id"), (influencers, "mention_id")):
        demo = rows["brand"] != hostile.BRAND
        assert demo.any() and (~demo).any(), id_column
        assert rows.loc[demo, "link"].isna().all()
        assert rows.loc[~demo, "link"].tolist() == rows.loc[~demo, id_column].map(safe.mention_link).tolist()
        assert rows.loc[~demo, "link"].notna().all()
    with warehouse.connect_readonly(dashboard_db) as con:  # demo-made exactly as its load's file says
        made_up = set(con.execute("""SELECT mention_id FROM mentions JOIN loads USING (load_id)
                                     WHERE starts_with(file, 'demo:')""").df()["mention_id"])
    assert set(exported.loc[exported["link"].isna(), "root_id"]) <= made_up
    assert set(exported.loc[exported["link"].notna(), "root_id"]).isdisjoint(made_up)


def test_open_high_risk_uses_the_top_decile_of_complaint_cascades_still_spreading(app_db):
    frame = _cascades(app_db)
    complaints = frame[frame["is_complaint"]]
    bar = complaints.loc[complaints["amplification_risk"] > 0, "amplification_risk"].quantile(0.9)
    assert bar > 0 and (complaints["amplification_risk"] == 0).mean() > 0.9  # the case that needs it
    still_open = ~complaints["answered"] & ~complaints["deleted"]
    expected = int((complaints["amplification_risk"].ge(bar) & complaints["amplification_risk"].gt(0)
                    & still_open).sum())
    found = risk.open_high_risk(Filters())
    assert found == {"open_high_risk": expected, "risk_threshold": pytest.approx(bar),
                     "open_complaints": int(still_open.sum()),
                     "open_at_risk": int((still_open & (complaints["amplification_risk"] > 0)).sum())}


@pytest.mark.parametrize("chosen", [
    Filters(), Filters(platforms=("twitter",)), Filters(platforms=("no such platform",)),
    Filters(start=date(2025, 4, 1), end=date(2025, 4, 7)), Filters(pages=("@Acme",)),
])
def test_any_cascade_answers_as_the_ranked_list_would(app_db, chosen):
    """The page's first question (risk_any_cascade.sql) has the list's answer: it had asked the
    list for one row, ranking every cascade for it."""
    with warehouse.connect_readonly(app_db) as con:
        assert risk.any_cascade.uncached(con, chosen) == (not risk.cascades.uncached(con, chosen).empty)


def _ranked_by_pandas(frame: pd.DataFrame, limit: int | None) -> list[str]:
    """The cascades' order as risk_cascades.sql states it, made here: risk (NULL last), size,
    root time, id."""
    order = frame.sort_values(["amplification_risk", "size", "root_created_at", "root_id"],
                              ascending=[False, False, True, True], na_position="last", kind="stable")
    return order["root_id"].head(limit).tolist()


def _lengths_to_cut_at(frame: pd.DataFrame) -> list[int | None]:
    """The list lengths to check: every one up to 39; at each edge of a block tied on risk and
    size (the demo's 1,717 size-1 cascades of risk 0, the unknown risks) and inside it; 20 more
    spread over the rest; past the end; None (no limit). Every 7th length of 2,113 cascades
    took the test 90 s of CI's time."""
    ranked = frame.sort_values(["amplification_risk", "size", "root_created_at", "root_id"],
                               ascending=[False, False, True, True], na_position="last", kind="stable")
    # repr, not astype(str), which keeps NaN as NaN: the unknown risks would never tie
    key = ranked["amplification_risk"].map(repr) + "|" + ranked["size"].map(repr)
    block = (key != key.shift()).cumsum().to_numpy()
    starts = [i for i in range(len(block)) if i == 0 or block[i] != block[i - 1]]
    edges = [*starts[1:], len(block)]
    tied = [(start, end) for start, end in zip(starts, edges) if end - start > 1]
    inside = {n for start, end in tied for n in (start, start + 1, (start + end) // 2, end - 1, end, end + 1)}
    spread = {round(len(frame) * step / 20) for step in range(21)}
    return sorted({*range(1, 40), *inside, *spread, len(frame) + 1} - {0}) + [None]


@pytest.mark.parametrize("unknown_risks", [0, 7])
def test_the_ranking_cut_lists_the_cascades_ranking_them_all_would(dashboard_db, tmp_path, unknown_risks):
    """The list is ranked in two steps (risk_cascades_cut.sql: the last row's risk and size,
    then only the cascades at or above it read whole): at every length, cut inside ties of risk
    and size (the demo's many size-1 cascades of risk 0) or inside unknown risks, it lists the
    rows ranking every cascade lists, the care queue's open complaints as well."""
    path = tmp_path / "ranked.duckdb"
    shutil.copyfile(dashboard_db, path)
    with duckdb.connect(str(path)) as con:  # risks unknown for some of the largest, to be cut inside
        con.execute("UPDATE cascades SET amplification_risk = NULL WHERE root_id IN "
                    "(SELECT root_id FROM cascades ORDER BY size DESC, root_id LIMIT $n)", {"n": unknown_risks})
    stored = _cascades(path)
    assert stored["amplification_risk"].isna().sum() == unknown_risks
    with warehouse.connect_readonly(path) as con:
        for open_only, rows in ((False, stored), (True, stored.query("is_complaint and not answered and "
                                                                    "brand.notna() and not deleted"))):
            for limit in _lengths_to_cut_at(rows):
                listed = risk.cascades.uncached(con, Filters(), open_only, limit)["root_id"].tolist()
                assert listed == _ranked_by_pandas(rows, limit), (open_only, limit)
            brand = rows["brand"].dropna().iloc[0]
            of_brand = risk.cascades.uncached(con, Filters(brands=(brand,)), open_only, 25)["root_id"].tolist()
            assert of_brand == _ranked_by_pandas(rows[rows["brand"] == brand], 25)


def test_cost_of_silence_equals_etl_on_the_selection(app_db):
    frame = _cascades(app_db)
    brand = frame["brand"].value_counts().index[0]
    ours = risk.cost_of_silence(Filters(brands=(brand,)))
    theirs = cascade_metrics.cost_of_silence(frame[frame["brand"] == brand])
    assert (frame.loc[frame["brand"] == brand, "own_follow_ups"] > 0).any()  # which its mean size leaves out
    key = ["brand", "week", "answered"]
    pd.testing.assert_frame_equal(ours.sort_values(key).reset_index(drop=True),
                                  theirs.sort_values(key).reset_index(drop=True), check_dtype=False)


def test_facebook_cascades_count_in_size_but_not_in_reach(app_db):
    """Facebook comments carry no follower counts: their cascades' reach of 0 is unknown, not
    0, and would pull a brand's mean reach down by its share of Facebook complaints."""
    frame = _cascades(app_db)
    complaints = frame[frame["is_complaint"]]
    brand = complaints.loc[complaints["platform"] == "facebook", "brand"].value_counts().index[0]
    mine = complaints[complaints["brand"] == brand]
    twitter = mine[mine["platform"] == "twitter"]
    assert len(twitter) < len(mine)  # the fixture's Facebook comments carry no follower counts
    summary = risk.silence_summary(risk.cost_of_silence(Filters(brands=(brand,)))).set_index("answered")
    for answered in (False, True):
        side, known = mine[mine["answered"] == answered], twitter[twitter["answered"] == answered]
        assert summary.at[answered, "cascades"] == len(side)
        # the complainer's own follow-ups left out: they reach no one new
        assert summary.at[answered, "mean_size"] == pytest.approx((side["size"] - side["own_follow_ups"]).mean())
        assert summary.at[answered, "reach_cascades"] == len(known)
        assert summary.at[answered, "mean_potential_reach"] == pytest.approx(known["potential_reach"].mean())


def test_a_cascade_knows_its_followers_when_any_of_its_authors_count_is_known(app_db):
    """followers_known, read from the mentions themselves: a cascade's nodes (its root alone
    when it did not spread) whose author has a follower count."""
    with warehouse.connect_readonly(app_db) as con:
        known = con.execute("""
            WITH nodes AS (
                SELECT c.root_id, coalesce(n.node_id, c.root_id) AS mention_id
                FROM cascades AS c LEFT JOIN cascade_nodes AS n USING (root_id)
            )
            SELECT nodes.root_id, count(m.author_followers) AS counted, any_value(c.followers_known) AS stored,
                   any_value(c.platform) AS platform
            FROM nodes JOIN mentions AS m USING (mention_id) JOIN cascades AS c USING (root_id)
            GROUP BY nodes.root_id""").df()
    assert len(known) == len(_cascades(app_db))
    assert (known["counted"] == known["stored"]).all()
    assert (known.loc[known["platform"] == "facebook", "stored"] == 0).all()
    assert (known.loc[known["platform"] == "twitter", "stored"] > 0).all()


def test_one_facebook_follower_count_elsewhere_does_not_make_every_facebook_reach_known(tmp_path):
    """A platform-wide rule (any count on Facebook: every Facebook cascade's 0 a reach) was
    undone by one brand post carrying a count; the rule is each cascade's own."""
    from care_fixtures import load_rows, msg
    rows = [msg("p1", "u1", 0), msg("s1", "u2", 5, shared="p1"), msg("p2", "u3", 10, followers=12000)]
    db = load_rows(tmp_path, [{**row, "platform": "facebook", "page": "1040"} for row in rows])
    with warehouse.connect_readonly(db) as con:
        stored = dict(con.execute("SELECT root_id, followers_known FROM cascades").fetchall())
    assert stored == {"facebook:p1": 0, "facebook:p2": 1}


def test_a_facebook_cascades_reach_is_blank_not_0(app_db):
    stored = _cascades(app_db).set_index("root_id")["potential_reach"]
    listed = risk.cascades(Filters(), limit=100_000).set_index("root_id")
    facebook = listed["platform"] == "facebook"
    assert facebook.any() and listed.loc[facebook, "potential_reach"].isna().all()
    assert (stored[listed.index[facebook]] == 0).all()
    twitter = listed.loc[~facebook, "potential_reach"]
    assert twitter.notna().all() and twitter.equals(stored[twitter.index].astype(twitter.dtype))


def test_the_cascades_list_has_the_estimated_impressions_and_says_they_are_assumed(dashboard_db, monkeypatch):
    """SPEC 4's impressions range, headed and explained as the estimate it is (code review)."""
    at = _section(page_test("amplification", dashboard_db, monkeypatch).run(), "Cascades")
    [grid] = [d for d in at.dataframe if "impressions_low" in d.value]
    listed, config = grid.value, json.loads(grid.proto.columns)
    from etl.cascade_tree import DEFAULT_IMPRESSIONS
    low, high = DEFAULT_IMPRESSIONS
    known = listed["potential_reach"].notna()
    reach = listed.loc[known, "potential_reach"]
    assert known.any() and (listed.loc[known, "impressions_high"] == (reach * high).round()).all()
    # in whole people: SQL's round() takes halves up, pandas' to even, so within half of one
    assert ((listed.loc[known, "impressions_low"] - reach * low).abs() <= 0.5 + 1e-9).all()
    assert listed.loc[~known, ["impressions_low", "impressions_high"]].isna().all().all()
    assert [config[c]["label"] for c in ("impressions_low", "impressions_high")] == [
        "est. impressions from", "est. impressions to"]
    assert "assumed to see a post (an assumption)" in config["impressions_low"]["help"]


def test_the_page_blanks_the_reach_the_command_line_writes_empty(tmp_path, capsys):
    """One rule for both (etl.cascade_definitions.blank_unknown_reach): the Amplification page
    shows a reach blank exactly where `metrics cascades` writes it empty."""
    from care_fixtures import facebook_beside_twitter

    from etl import cli
    from etl.cascade_definitions import UNKNOWN_REACH_COLUMNS
    db = facebook_beside_twitter(tmp_path)
    assert cli.main(["metrics", "cascades", "--db", str(db), "--format", "json"]) == 0
    written = pd.DataFrame(json.loads(capsys.readouterr().out)).set_index("root_id")
    with warehouse.connect_readonly(db) as con:
        listed = risk.cascades.uncached(con, Filters()).set_index("root_id")
    shown = [name for name in UNKNOWN_REACH_COLUMNS if name in listed]
    assert len(shown) == 6 and listed.loc["facebook:p1", shown].isna().all()
    # SPEC 4's impressions, a range of the known reach, listed too
    reach = listed.loc["twitter:p2", "potential_reach"]
    assert listed.loc["twitter:p2", ["impressions_low", "impressions_high"]].tolist() == [
        round(reach * 0.01), round(reach * 0.20)]
    pd.testing.assert_frame_equal(listed[shown].isna(), written.loc[listed.index, shown].isna())


def test_the_care_queue_csv_writes_the_page_id_the_grid_names(tmp_path, monkeypatch):
    """The queue's grid names a Facebook page as a reader knows it; its CSV writes the bare id, as
    the audit's CSV and the command line do, so a script can match the page."""
    import io

    from care_fixtures import FACEBOOK_PAGE, facebook_beside_twitter

    given = download_buttons(monkeypatch)
    at = page_test("amplification", facebook_beside_twitter(tmp_path), monkeypatch).run()
    assert not at.exception
    shown = _table(at, "predicted_final_size_low").set_index("root_id")["page"]
    data = downloaded(given, "risk_queue_csv")
    exported = pd.read_csv(io.BytesIO(data), dtype={"page": str}).set_index("root_id")["page"]
    assert shown["facebook:p1"] == f"Facebook page {FACEBOOK_PAGE}"
    assert exported["facebook:p1"] == FACEBOOK_PAGE
    assert exported["twitter:p2"] == "'@Acme"  # a handle as it is, behind the formula guard's apostrophe


def test_the_care_queue_csv_has_the_whole_queue_the_grid_lists_the_head_of(dashboard_db, monkeypatch):
    """User review: the button wrote the 200 rows the grid lists, of 4,449 open complaints."""
    import io

    given = download_buttons(monkeypatch)
    monkeypatch.setattr(risk.care_queue, "__defaults__", (3, False))  # the grid's head: 3 rows
    at = page_test("amplification", dashboard_db, monkeypatch).run()
    assert not at.exception
    listed = _table(at, "predicted_final_size_low")
    reads = spy_calls(monkeypatch, db, "read_now")
    exported = pd.read_csv(io.BytesIO(downloaded(given, "risk_queue_csv")))
    assert reads == [1]  # read past the cache, which every session shares (db.read_now)
    open_complaints = len(_cascades(dashboard_db).query("is_complaint and not answered and not deleted"))
    assert len(listed) == 3 < len(exported) == open_complaints
    assert exported["root_id"].head(3).tolist() == listed["root_id"].tolist()
    [button] = [b for b in at.get("download_button") if b.proto.label.startswith("Download the whole care queue")]
    assert f"{open_complaints:,} open complaints" in button.proto.label


def test_each_open_complaint_says_how_long_it_has_waited_as_of_the_moment_the_caption_gives(dashboard_db,
                                                                                            monkeypatch):
    """A care agent saw when a complaint was posted, not until when it was open: the age, in the
    grid and the CSV, counts from the post to the newest mention, which the caption states."""
    import io

    with warehouse.connect_readonly(dashboard_db) as con:
        newest = con.execute("SELECT max(created_at) FROM mentions").fetchone()[0]
    given = download_buttons(monkeypatch)
    at = page_test("amplification", dashboard_db, monkeypatch)
    at.query_params["tz"] = "Asia/Kolkata"
    at.run()
    assert not at.exception
    said = f"{pd.Timestamp(newest).tz_convert('Asia/Kolkata'):%Y-%m-%d %H:%M} Asia/Kolkata"
    assert any(f"Age = hours from the post to {said} (" in c.value for c in at.caption), [c.value for c in at.caption]
    exported = pd.read_csv(io.BytesIO(downloaded(given, "risk_queue_csv")))
    for queue in (_table(at, "predicted_final_size_low"), exported):
        posted = pd.to_datetime(queue["root_created_at"], utc=True)
        waited = (pd.Timestamp(newest) - posted).dt.total_seconds() / 3600
        assert queue["age_hours"].to_numpy() == pytest.approx(waited.to_numpy(), abs=0.0501)  # to 0.1 h
    assert exported["age_hours"].max() > 24 * 30  # the whole queue, old complaints too
    # the file says the moment itself, on every row and last (read later, no caption says it: a review)
    assert exported.columns[-1] == "as_of"
    assert (pd.to_datetime(exported["as_of"], utc=True) == pd.Timestamp(newest)).all()


def test_the_care_queue_file_is_named_by_its_brands_and_dates_as_the_audits_files(dashboard_db, monkeypatch):
    """Every export was care_queue.csv, whatever its brands and dates (a review): named as the
    audit's are, by the brands, the first of the chosen dates and the day of its as_of column (the
    newest mention: the queue's ages are measured to it, whatever the dates end on)."""
    given = download_buttons(monkeypatch)
    at = page_test("amplification", dashboard_db, monkeypatch).run()
    assert not at.exception
    first, last = at.date_input(key="filter_dates").value  # the data's days
    assert given["risk_queue_csv"]["file_name"] == f"care-queue-{first:%Y%m%d}-{last:%Y%m%d}.csv"  # all brands
    brand = _table(at, "predicted_final_size_low")["brand"].iloc[0]
    at.multiselect(key="filter_brands").select(brand).run()
    at.date_input(key="filter_dates").set_value((date(2026, 9, 1), date(2026, 9, 30))).run()
    assert not at.exception
    slug = re.sub(r"[^a-z0-9]+", "-", brand.lower()).strip("-")
    assert given["risk_queue_csv"]["file_name"] == f"care-queue-{slug}-20260901-{last:%Y%m%d}.csv"
    at.multiselect(key="filter_platforms").set_value(["twitter"]).run()  # its platform too: another queue
    assert given["risk_queue_csv"]["file_name"] == f"care-queue-{slug}-twitter-20260901-{last:%Y%m%d}.csv"


def test_the_queue_counts_the_complainers_follow_ups_under_each_complaint(tmp_path, monkeypatch):
    """The queue quoted the complaint alone: that its author had chased it ('any update on
    this') twice was nowhere on the row (a review of a shift)."""
    rows = [msg("c0", "u0", 0), msg("c1", "u0", 30, parent="c0", text="any update on this?"),
            msg("c2", "u0", 90, parent="c1", text="hello??"), msg("x1", "u5", 40, parent="c0", text="same here"),
            msg("d0", "u2", 10), msg("t0", "u1", 100 * 60, text=THANKS)]
    path = load_rows(tmp_path, rows)
    set_scores(path, {m: {"complaint": True, "needs_reply": True, "label": "negative"} for m in ("c0", "d0")})
    at = page_test("amplification", path, monkeypatch).run()
    assert not at.exception
    queue = _table(at, "predicted_final_size_low").set_index("root_id")
    assert queue["own_follow_ups"].to_dict() == {"twitter:c0": 2, "twitter:d0": 0}  # not the other customer's
    stored = _cascades(path).set_index("root_id")["own_follow_ups"]
    assert queue["own_follow_ups"].to_dict() == stored[queue.index].to_dict()


def test_the_queue_counts_each_complainers_other_open_complaints_about_the_brand(tmp_path, monkeypatch):
    """One customer's two open complaints were two queue rows with nothing linking them (1,290 of
    a demo's 4,305 rows had such a sibling, a review): an agent answered one and left the other.
    Each row counts the same account's other open complaints about its brand, on any page and
    whatever the filters; not one the brand answered, nor one about another brand."""
    import io

    rows = [msg("c0", "u0", 0), msg("e0", "u0", 20, page="@AcmeHelp"), msg("f0", "u0", 25),
            brand_msg("fa", 26, parent="f0"), msg("g0", "u0", 30, brand="Brio"), msg("d0", "u2", 10),
            msg("t0", "u1", 100 * 60, text=THANKS)]
    path = load_rows(tmp_path, rows)
    set_scores(path, {m: {"complaint": True, "needs_reply": True, "label": "negative"}
                      for m in ("c0", "e0", "f0", "g0", "d0")})
    given = download_buttons(monkeypatch)
    at = page_test("amplification", path, monkeypatch).run()
    assert not at.exception
    # asked for: by default the queue reads no author's other mentions (its cost at 10M)
    assert "other_open_by_author" not in _table(at, "predicted_final_size_low")
    at.toggle(key="risk_queue_siblings").set_value(True).run()
    assert not at.exception
    expected = {"twitter:c0": 1, "twitter:e0": 1, "twitter:d0": 0, "twitter:g0": 0}
    queue = _table(at, "predicted_final_size_low").set_index("root_id")
    assert queue["other_open_by_author"].to_dict() == expected
    exported = pd.read_csv(io.BytesIO(downloaded(given, "risk_queue_csv"))).set_index("root_id")
    assert exported["other_open_by_author"].to_dict() == expected
    one_page = risk.care_queue(Filters(pages=("@Acme",)), siblings=True).set_index("root_id")["other_open_by_author"]
    assert one_page.to_dict() == {"twitter:c0": 1, "twitter:d0": 0}  # e0, on another page, still counted


def test_the_same_author_id_on_two_platforms_is_two_accounts_in_the_queue(tmp_path):
    """Author ids are as each platform gives them: Twitter's 'u0' and a Facebook 'u0' are two
    people, yet each complaint counted the other as its author's other open complaint."""
    rows = [msg("c0", "u0", 0), msg("c2", "u0", 5), {**msg("c1", "u0", 10), "platform": "facebook", "page": "AcmePage"}]
    path = load_rows(tmp_path, rows)
    set_scores(path, {m: {"complaint": True, "needs_reply": True, "label": "negative"} for m in ("c0", "c1", "c2")})
    with warehouse.connect_readonly(path) as con:
        for limit in (200, None):  # the page's rows, by id, and the whole queue's file
            ids = None if limit is None else tuple(risk.cascades.uncached(con, Filters(), True, limit)["root_id"])
            queue = risk.author_open_complaints.uncached(con, ids).set_index("mention_id")
            assert queue["other_open_by_author"].to_dict() == {"twitter:c0": 1, "twitter:c2": 1, "facebook:c1": 0}


def test_the_queue_says_which_unanswered_complaints_it_has_no_row_for(tmp_path, monkeypatch):
    """A question followed by the customer's 'STILL WAITING', a complaint quoting another
    customer's, and one whose thread a brand answered further down (the complainer's answer to
    another customer) are unanswered complaints no open complaint cascade starts with: in no row
    of the queue, and an agent working from it alone never saw them (a review of a shift). The
    caption says so; the Ghost Town lists them once ignored."""
    rows = [msg("q0", "u0", 0, text="how do I join the waitlist for my flight?"),
            msg("q1", "u0", 30, parent="q0"), msg("c0", "u2", 10), msg("s0", "u3", 20, shared="c0", kind="quote"),
            msg("d0", "u4", 40), msg("d1", "u5", 45, parent="d0", text=THANKS),
            msg("d2", "u4", 50, parent="d1", text=THANKS), brand_msg("db", 60, parent="d2"),
            msg("t0", "u1", 100 * 60, text=THANKS)]
    path = load_rows(tmp_path, rows)
    set_scores(path, {"q0": {"question": True, "needs_reply": True},
                      **{m: {"complaint": True, "needs_reply": True, "label": "negative"}
                         for m in ("q1", "c0", "s0", "d0")}})
    at = page_test("amplification", path, monkeypatch).run()
    assert not at.exception
    assert _table(at, "predicted_final_size_low")["root_id"].tolist() == ["twitter:c0"]
    assert any(risk.UNLISTED_NOTE in c.value for c in at.caption), [c.value for c in at.caption]
    ignored = set(care.ignored_complaints(Filters())["request_id"])  # as of the thanks 100 h later
    assert {"twitter:q0", "twitter:s0", "twitter:d0"} <= ignored and "twitter:c0" in ignored


def test_an_empty_queue_is_no_all_clear(tmp_path, monkeypatch):
    # a green 'No open complaints' while a question followed by 'STILL WAITING' waited, in no
    # row of the queue (a code review)
    path = load_rows(tmp_path, [msg("q0", "u0", 0, text="how do I join the waitlist for my flight?"),
                                msg("q1", "u0", 30, parent="q0"), msg("t0", "u1", 100 * 60, text=THANKS)])
    set_scores(path, {"q0": {"question": True, "needs_reply": True},
                      "q1": {"complaint": True, "needs_reply": True, "label": "negative"}})
    at = page_test("amplification", path, monkeypatch).run()
    assert not at.exception and not at.success
    assert any(risk.UNLISTED_NOTE in i.value for i in at.info), [i.value for i in at.info]


def test_the_cascades_list_gives_each_cascades_minutes_to_half_size(app_db):
    stored = _cascades(app_db).set_index("root_id")["time_to_half_size"]
    listed = risk.cascades(Filters(), limit=100_000).set_index("root_id")["minutes_to_half_size"]
    assert len(listed) == len(stored) and (listed > 0).any()
    assert listed.to_numpy() == pytest.approx(stored[listed.index].to_numpy() / 60)


def test_a_cascades_predicted_reach_and_its_interval_are_blank_where_its_reach_is_unknown(app_db):
    stored = _cascades(app_db).set_index("root_id")
    listed = risk.cascades(Filters(), limit=100_000).set_index("root_id")
    facebook = listed["platform"] == "facebook"
    columns = ["predicted_final_reach", "predicted_final_reach_low", "predicted_final_reach_high"]
    assert listed.loc[facebook, columns].isna().all().all()
    twitter = listed.loc[~facebook, columns]
    assert twitter.notna().all().all()
    assert (twitter.to_numpy() == stored.loc[twitter.index, columns].to_numpy().round()).all()  # whole followers


def test_the_cascades_list_shows_the_predicted_reach_with_its_interval(dashboard_db, monkeypatch):
    at = _section(page_test("amplification", dashboard_db, monkeypatch).run(), "Cascades")
    shown = _table(at, "structural_virality")
    assert {"predicted_final_reach", "predicted_final_reach_low", "predicted_final_reach_high"} <= set(shown)
    # the risk the list is ranked by comes first (20th of 29 it sat off screen at 1280 px, a review)
    [grid] = [d for d in at.dataframe if "structural_virality" in d.value]
    assert list(grid.proto.column_order)[:2] == ["amplification_risk", "text"]
    # its own measures and flags say their rules on hover (a review found no help there)
    config = json.loads(grid.proto.columns)
    assert "follow-ups" in config["answered"]["help"] and "inferred" in config["inferred_edges"]["help"]
    assert config["structural_virality"]["help"].startswith("Mean distance")
    # the risk as the queue explains it, under its full header: why no growth can still carry risk
    assert config["amplification_risk"]["label"] == "amplification risk (followers)"
    assert "shows no growth can still carry risk" in config["amplification_risk"]["help"]


def test_the_cascades_caption_says_how_many_listed_carry_risk(dashboard_db, monkeypatch):
    """The list is by risk, then by size: most cascades have none left, and the caption said
    all 1,000 were 'with the highest amplification risk'."""
    at = _section(page_test("amplification", dashboard_db, monkeypatch).run(), "Cascades")
    listed = risk.cascades(Filters())
    at_risk = int((listed["amplification_risk"] > 0).sum())
    assert 0 < at_risk < len(listed)
    assert any(f"The {at_risk:,} cascades of the selection with amplification risk, then the "
               f"{len(listed) - at_risk:,} largest with none left" in c.value for c in at.caption)


@pytest.mark.parametrize("shown, at_risk, expected", [
    (5, 5, "The 5 cascades of the selection with the highest amplification risk"),
    (5, 0, "The 5 largest cascades of the selection (none has any amplification risk)"),
    (1, 1, "The 1 cascade of the selection with the highest amplification risk"),  # not '1 cascades'
    (1, 0, "The 1 largest cascade of the selection (none has any amplification risk)"),
])
def test_the_cascades_caption_when_all_or_none_carry_risk(shown, at_risk, expected):
    assert risk.cascades_extent(shown, at_risk) == expected


def test_the_interval_columns_say_80_percent_and_what_they_are(dashboard_db, monkeypatch):
    at = _section(page_test("amplification", dashboard_db, monkeypatch).run(), "Cascades")
    config = json.loads(next(d for d in at.dataframe if "structural_virality" in d.value).proto.columns)
    for column in ("predicted_final_size_low", "predicted_final_size_high"):
        assert config[column]["label"].endswith("(80%)")
        assert "80% interval" in config[column]["help"]
    # the reach's ends carry the size interval through followers per reshare: no 80% of their own
    assert not config["predicted_final_reach_high"]["label"].endswith("(80%)")
    assert "not an 80% interval of reach" in config["predicted_final_reach_high"]["help"]
    assert config["predicted_final_reach"]["type_config"]["format"] == "localized"
    # reach is counted in followers, not people or posts: the predicted reach said no unit
    reaches = [column for column in config if "reach" in column and column != "reach_basis"]
    assert len(reaches) >= 5 and all(config[column]["label"].endswith("(followers)") for column in reaches)
    # sizes are whole posts: '7.0 from 7.0 to 7.0' claimed a precision a forecast has not
    for column in ("predicted_final_size", "predicted_final_size_low", "predicted_final_size_high"):
        assert config[column]["type_config"]["format"] == "%,.0f"


def test_the_forecast_says_when_it_could_not_be_calibrated(tmp_path, dashboard_db, monkeypatch):
    """Under MIN_CALIBRATION complete cascades the forecaster keeps its defaults, and its
    interval (the forecast to twice it) is no measured 80%: the page says so, and only then."""
    small = _unknown_followers_db(tmp_path)  # two cascades, five days old: none complete
    with warehouse.connect_readonly(small) as con:
        assert risk.forecast_basis.uncached(con) == (0, 3)  # 'later' is a cascade of its own
    at = page_test("amplification", small, monkeypatch).run()
    assert any("not calibrated" in w.value and "holds 0 complete cascades" in w.value for w in at.warning)
    with warehouse.connect_readonly(dashboard_db) as con:
        complete, _ = risk.forecast_basis.uncached(con)
        newest = con.execute("SELECT max(created_at) FROM mentions").fetchall()[0][0]
    stored = _cascades(dashboard_db)
    assert complete == (stored["root_created_at"] <= newest - pd.Timedelta(days=7)).sum() >= 20
    at = page_test("amplification", dashboard_db, monkeypatch).run()
    assert not any("not calibrated" in w.value for w in at.warning)


def test_no_calibration_warning_when_every_cascade_is_complete(tmp_path, monkeypatch):
    """Fewer than MIN_CALIBRATION cascades, but all complete: nothing is forecast (each size
    is final), so there is no uncalibrated forecast to warn of."""
    from care_fixtures import brand_msg, load_rows, msg
    db = load_rows(tmp_path, [msg("p1", "u1", 0), msg("s1", "u4", 40, shared="p1"),
                              brand_msg("b1", 8 * 24 * 60, parent="p1")])  # a response spreads nothing
    with warehouse.connect_readonly(db) as con:
        assert risk.forecast_basis.uncached(con) == (1, 0)
    at = page_test("amplification", db, monkeypatch).run()
    assert not at.exception
    assert not any("not calibrated" in w.value for w in at.warning)


def test_growth_and_layout_cover_every_node(app_db):
    queue = risk.cascades(Filters())
    root = queue.loc[queue["size"] > 1, "root_id"].iloc[0]
    nodes = risk.nodes(root)
    size = int(queue.set_index("root_id").at[root, "size"])
    assert len(nodes) == size
    laid = risk.network_layout(nodes)
    assert laid[["x", "y"]].notna().all().all()
    growth = risk.growth(nodes)
    assert growth["size"].tolist() == list(range(1, size + 1))
    first = pd.Timestamp(nodes["created_at"].min(), unit="s", tz="UTC")  # seconds, drawn as UTC times
    assert growth["created_at"].iloc[0] == first and growth["created_at"].is_monotonic_increasing


def test_a_cascades_numbers_sort_its_nodes_once(app_db, monkeypatch):
    # the one-cascade table sorted the nodes by time for its rows, then again for the growth's steps
    queue = risk.cascades(Filters())
    root = queue.loc[queue["size"] > 1, "root_id"].iloc[0]
    nodes = risk.nodes(root)
    sorts = spy_calls(monkeypatch, pd.DataFrame, "sort_values")
    rows = risk.cascade_rows(nodes, "Australia/Sydney")
    assert len(sorts) == 1
    # still the growth curve's steps, row for row
    pd.testing.assert_frame_equal(rows[["created_at", "size"]], risk.growth(nodes, "Australia/Sydney"))


def _tree(parents: list[int | None]) -> pd.DataFrame:
    """cascade nodes n0.. with the parent of each given by its index (None: the root)."""
    depth = []
    for parent in parents:
        depth.append(0 if parent is None else depth[parent] + 1)
    return pd.DataFrame({"node_id": [f"n{i}" for i in range(len(parents))],
                         "parent_id": [None if p is None else f"n{p}" for p in parents], "depth": depth})


@pytest.mark.parametrize("parents", [
    [None] + [0] * 450,                                         # a share's 450 sharers (a flattened retweet)
    [None] + [0] * 30 + [1 + i % 30 for i in range(420)],       # 30 replies, 14 shares of each
    [None, 0, 1, 2] + [3] * 500,                                # a chain, then a star at its end
], ids=["star", "two levels", "chain then star"])
def test_a_large_cascade_is_laid_out_in_rings_by_depth(parents):
    # a layer layout drew the sharers of a share (over 400) as one column of overlapping circles
    laid = risk.network_layout(_tree(parents))
    radius = (laid["x"] ** 2 + laid["y"] ** 2) ** 0.5
    assert radius.to_numpy() == pytest.approx(laid["depth"].to_numpy(dtype=float), abs=1e-9)
    at_once = laid[["x", "y"]].round(9).duplicated()
    assert not at_once.any(), "no two mentions drawn on one spot"
    outer = laid[laid["depth"] == laid["depth"].max()]
    assert outer["x"].max() - outer["x"].min() > 1.9 * outer["depth"].iloc[0]  # round the whole ring


def test_hostile_text_is_shown_as_text_only(dashboard_db, monkeypatch):
    at = page_test("amplification", dashboard_db, monkeypatch).run()
    at.multiselect(key="filter_brands").select(hostile.BRAND).run()
    assert not at.exception
    for name in SECTIONS:
        _section(at, name)
        for element in [*at.caption, *at.markdown, *at.info, *at.success]:
            assert "<script" not in element.value
        for spec in _charts(at):
            assert "<script" not in spec.lower() and "\\u003cscript" not in spec.lower()
    _section(at, "Cascades")
    at.selectbox(key="risk_cascade").set_value(hostile.tweet_id(990000)).run()
    assert not at.exception
    specs = _charts(at)
    assert any("&lt;script&gt;" in spec for spec in specs)  # the hover text, escaped
    # the id on a line of its own: after the title it ran off a half-width chart at 1024 px (a review)
    [network] = [json.loads(s)["layout"]["title"] for s in specs if "inferred edge" in s]
    assert network["text"] == "Cascade network" and network["subtitle"]["text"] == hostile.tweet_id(990000)
    for spec in specs:
        assert "<script" not in spec.lower() and "\\u003cscript" not in spec.lower()
    cascades = _table(at, "structural_virality")
    assert hostile.TEXTS[0] in set(cascades["text"])
    assert hostile.HANDLES[0] in set(cascades["author_handle"])
    assert [t.value for t in at.text] == [hostile.TEXTS[0]]
    for element in [*at.caption, *at.markdown, *at.info, *at.success]:
        assert "<script" not in element.value


def test_a_date_range_without_data_says_so(dashboard_db, monkeypatch):
    at = page_test("amplification", dashboard_db, monkeypatch).run()
    at.date_input(key="filter_dates").set_value((date(2025, 4, 1), date(2025, 4, 7))).run()
    assert not at.exception
    assert at.info and "No cascades in the chosen dates. Widen the dates" in at.info[0].value


@pytest.fixture
def app_db(dashboard_db, monkeypatch):
    monkeypatch.setenv("REPUTATION_DB", str(dashboard_db))
    return dashboard_db


def _root_pages(db) -> pd.DataFrame:
    """Each cascade with its root mention's page and the root's text (joined independently)."""
    with warehouse.connect_readonly(db) as con:
        return con.execute("SELECT c.*, m.page, m.text FROM cascades AS c "
                           "JOIN mentions AS m ON m.mention_id = c.root_id").df()


def test_page_filter_keeps_the_cascades_whose_root_is_on_that_page(app_db):
    frame = _root_pages(app_db)
    page = frame["page"].value_counts().index[1]
    ours = risk.cascades(Filters(pages=(page,)), limit=100_000)
    expected = frame[frame["page"] == page]
    assert len(ours) == len(expected) > 0
    assert set(ours["root_id"]) == set(expected["root_id"]) and set(ours["page"]) == {page}
    text = expected.set_index("root_id")["text"]
    assert ours.set_index("root_id")["text"].equals(text.loc[ours["root_id"]])
    everything = risk.open_high_risk(Filters())["open_high_risk"]
    on_page = risk.open_high_risk(Filters(pages=(page,)))["open_high_risk"]
    bar = frame.loc[frame["is_complaint"], "amplification_risk"].quantile(0.9)
    assert on_page == int((expected["is_complaint"] & ~expected["answered"] & (expected["amplification_risk"] > 0)
                           & (expected["amplification_risk"] >= bar)).sum()) <= everything


def test_cost_of_silence_with_a_page_filter_equals_etl(app_db):
    frame = _root_pages(app_db)
    page = frame.loc[frame["is_complaint"], "page"].value_counts().index[0]
    ours = risk.cost_of_silence(Filters(pages=(page,)))
    theirs = cascade_metrics.cost_of_silence(frame[frame["page"] == page].drop(columns=["page", "text"]))
    key = ["brand", "week", "answered"]
    assert len(ours) > 0
    pd.testing.assert_frame_equal(ours.sort_values(key).reset_index(drop=True),
                                  theirs.sort_values(key).reset_index(drop=True), check_dtype=False)


def test_influencer_complaints_are_the_most_followed_complaint_authors(app_db):
    # one row per care request, ranked at its highest-ranked complaint, shown as its first message
    with warehouse.connect_readonly(app_db) as con:
        brand = con.execute("SELECT brand FROM mentions WHERE brand IS NOT NULL GROUP BY brand "
                            "ORDER BY count(*) DESC, brand LIMIT 1").fetchall()[0][0]
        expected = con.execute(
            "WITH ranked AS (SELECT coalesce(c.request_id, m.mention_id) AS request_id, "
            "row_number() OVER (ORDER BY m.author_followers DESC NULLS LAST, m.created_at DESC, m.mention_id) AS rank "
            "FROM mentions m JOIN mention_scores s USING (mention_id) LEFT JOIN care_messages c USING (mention_id) "
            "WHERE NOT m.is_brand AND s.is_complaint AND m.kind <> 'share' AND m.brand = ?), "
            "requests AS (SELECT request_id, min(rank) AS rank FROM ranked GROUP BY request_id) "
            "SELECT q.request_id AS mention_id, first.text, first.created_at, r.first_response_at, "
            "coalesce(r.message_count, 1) - 1 AS own_follow_ups FROM requests q "
            "JOIN mentions first ON first.mention_id = q.request_id "
            "LEFT JOIN care_requests r USING (request_id) ORDER BY q.rank LIMIT 20",
            [brand]).df()
    ours = risk.influencer_complaints(Filters(brands=(brand,)), limit=20)
    assert ours["mention_id"].tolist() == expected["mention_id"].tolist()
    assert ours["text"].tolist() == expected["text"].tolist()
    assert ours["answered"].tolist() == expected["first_response_at"].notna().tolist()
    assert ours["own_follow_ups"].tolist() == expected["own_follow_ups"].tolist()


def test_an_influencers_follow_ups_are_one_row_with_their_complaint(tmp_path):
    # TravelsWithTeo's complaint, "STILL WAITING" and "great, still no reply", all unanswered,
    # took three rows of 'one row per complaint' (a review): they are one request, one row, shown
    # as its first message with its two follow-ups counted; another author's stays its own row
    from care_fixtures import at, load_rows, msg, set_scores
    db = load_rows(tmp_path, [msg("c1", "teo", 0, followers=150_000, text="no signal since yesterday"),
                              msg("c2", "teo", 60, parent="c1", followers=150_000, text="STILL WAITING"),
                              msg("c3", "teo", 120, parent="c2", followers=150_000, text="great, still no reply"),
                              msg("c4", "u2", 30, followers=50)])
    set_scores(db, {m: {"complaint": True, "needs_reply": True} for m in ("c1", "c2", "c3", "c4")})
    with warehouse.connect_readonly(db) as con:
        ours = risk.influencer_complaints.uncached(con, Filters())
        # a list of two: teo's follow-ups, its first two complaints read, fill one row, so more are read
        two = risk.influencer_complaints.uncached(con, Filters(), limit=2)
    assert ours["mention_id"].tolist() == two["mention_id"].tolist() == ["twitter:c1", "twitter:c4"]
    assert ours["text"].tolist()[0] == "no signal since yesterday"
    assert ours["created_at"].iloc[0] == pd.Timestamp(at(0))
    assert ours["own_follow_ups"].tolist() == [2, 0]
    assert ours["answered"].tolist() == [False, False]
    assert risk.influencer_caption(ours).startswith("All 2 complaints in the selection (by 2 authors, one row per "
                                                    "complaint: its first message, the customer's follow-ups")


def test_an_influencers_follow_up_is_answered_when_its_request_is(tmp_path):
    # "@AldermoorAir still waiting for an answer" opened no request of its own and was shown
    # unanswered, though the request it followed up was answered that afternoon (a review): it is
    # now counted on its request's row, answered with it
    from care_fixtures import brand_msg, load_rows, msg, set_scores
    db = load_rows(tmp_path, [msg("c1", "u1", 0, followers=900), msg("c2", "u1", 10, parent="c1", followers=900),
                              brand_msg("b1", 30, parent="c2"), msg("c3", "u2", 20, followers=50)])
    set_scores(db, {m: {"complaint": True, "needs_reply": True} for m in ("c1", "c2", "c3")})
    with warehouse.connect_readonly(db) as con:
        ours = risk.influencer_complaints.uncached(con, Filters())
    answered = dict(zip(ours["mention_id"], ours["answered"]))
    assert answered == {"twitter:c1": True, "twitter:c3": False}
    assert ours["own_follow_ups"].tolist() == [1, 0]


def test_an_influencers_request_is_found_whatever_follower_count_its_stored_rows_hold(tmp_path):
    """The list reads each complaint's message and request among those of accounts followed at
    least as its rows' (db.read_for_rows_bounded): a request opened when its author had fewer
    followers (c1, then c2 at 900: one row, ranked at c2's count), and a message and request
    storing a count other than the mention's (c3's, set to 1 here as another load might have
    left them), are still found."""
    from care_fixtures import brand_msg, load_rows, msg, set_scores
    db = load_rows(tmp_path, [msg("c1", "u1", 0, followers=100), msg("c2", "u1", 10, parent="c1", followers=900),
                              brand_msg("b1", 30, parent="c2"), msg("c3", "u2", 20, followers=50),
                              brand_msg("b3", 40, parent="c3"), msg("c4", "u3", 25, followers=70)])
    set_scores(db, {m: {"complaint": True, "needs_reply": True} for m in ("c1", "c2", "c3", "c4")})
    with warehouse.writer(db) as con:
        con.execute("UPDATE care_messages SET author_followers = 1 WHERE mention_id = 'twitter:c3'")
        con.execute("UPDATE care_requests SET author_followers = 1 WHERE request_id = 'twitter:c3'")
    with warehouse.connect_readonly(db) as con:
        ours = risk.influencer_complaints.uncached(con, Filters())
    assert ours["mention_id"].tolist() == ["twitter:c1", "twitter:c4", "twitter:c3"]
    assert ours["answered"].tolist() == [True, False, True]
    assert ours["own_follow_ups"].tolist() == [1, 0, 0]
    assert ours["text"].notna().all()


def test_each_cascade_row_shows_its_roots_page_author_and_text(app_db):
    # risk.cascades reads the roots' details in a second query: each must land on its row.
    queue = risk.cascades(Filters(), limit=100_000)
    with warehouse.connect_readonly(app_db) as con:
        roots = con.execute("SELECT mention_id AS root_id, page, platform, author_handle, author_followers, "
                            "text FROM mentions").df()
    roots = roots.drop(columns="platform")  # the page as stored: the grids name it (widgets.grid)
    shown = queue[["root_id", "page", "author_handle", "author_followers", "text"]].reset_index(drop=True)
    assert len(shown) == len(_cascades(app_db)) > 100
    pd.testing.assert_frame_equal(shown, queue[["root_id"]].merge(roots, on="root_id", how="left"), check_dtype=False)


def test_the_cascade_picker_opens_on_an_open_cascade(dashboard_db, monkeypatch):
    """Risk is what silence may cost: an answered cascade at the top of the picker (its risk
    still the highest) read as the queue's most urgent case."""
    cascades = _cascades(dashboard_db)
    spread = cascades[cascades["size"] > 1].sort_values("amplification_risk", ascending=False)
    # a brand whose riskiest spread cascade is an answered one, with open ones too
    brand = next(b for b, own in spread.groupby("brand") if own.iloc[0]["answered"] and not own["answered"].all())
    at = page_test("amplification", dashboard_db, monkeypatch).run()
    at.multiselect(key="filter_brands").select(brand).run()
    picker = _section(at, "Cascades").selectbox(key="risk_cascade")
    answered = [" · answered · " in label for label in picker.options]
    assert answered == sorted(answered)  # every open one before every answered one
    assert not answered[0]  # though the brand's riskiest spread cascade is an answered one


def test_every_listed_cascade_that_spread_can_be_opened_answered_ones_too():
    """The picker took the first 200 after putting open cascades first: with more open ones
    than that, no answered cascade could be opened, the period's largest neither (a review:
    the 401-mention cascade behind a spike was in the list, not in the picker)."""
    table = pd.DataFrame({"root_id": [f"twitter:{i}" for i in range(400)],
                          "size": [2] * 399 + [401], "answered": [False] * 300 + [True] * 100,
                          "amplification_risk": [1.0] * 300 + [0.0] * 100})
    picked = risk.cascade_choices(table)
    assert "twitter:399" in set(picked["root_id"]) and len(picked) == 400
    assert picked["answered"].tolist() == sorted(picked["answered"])  # the open ones still first


def _risk_fixture(tmp_path):
    """Ten customer complaints p1..p10 whose cascades get amplification risk 1..10 (p9's
    answered) and five other posts q1..q5 at risk 100: the stored cascades' risks set by
    hand, so the queue's order and the top-decile bar can be worked out."""
    from care_fixtures import load_rows, msg
    db = load_rows(tmp_path, [msg(f"p{i}", f"u{i}", i) for i in range(1, 11)]
                   + [msg(f"q{i}", f"v{i}", 20 + i) for i in range(1, 6)])
    with warehouse.writer(db) as con:
        con.execute("""UPDATE cascades SET
                           is_complaint = root_id LIKE 'twitter:p%',
                           answered = root_id = 'twitter:p9',
                           amplification_risk = CASE WHEN root_id LIKE 'twitter:p%'
                               THEN CAST(substr(root_id, 10) AS DOUBLE) ELSE 100 END""")
    return db


def test_the_care_queue_is_the_riskiest_open_complaints_however_many_there_are(tmp_path):
    db = _risk_fixture(tmp_path)
    with warehouse.connect_readonly(db) as con:
        queue = risk.cascades.uncached(con, Filters(), True, 3)
    assert queue["root_id"].tolist() == ["twitter:p10", "twitter:p8", "twitter:p7"]


def test_the_queue_ranks_past_deleted_complaints_however_many_of_its_first_places_they_held(tmp_path):
    """Deleted complaints among the queue's first places give them to the next, whether one of
    them, all of them or all but one, and the counts leave them out (the queue's ranking reads
    whole only the cascades above a cut: deleted ones must not take places below it either).
    Risks 1..10 (p9 answered); deleted p10, p8, p7 and p6: the queue of 3 is p5, p4, p3."""
    db = _risk_fixture(tmp_path)
    with warehouse.writer(db) as con:
        con.execute("DELETE FROM deleted_mentions")
        con.execute("INSERT INTO deleted_mentions BY NAME SELECT mention_id FROM mentions "
                    "WHERE mention_id IN ('twitter:p10', 'twitter:p8', 'twitter:p7', 'twitter:p6')")
    frame = _cascades(db)
    with warehouse.connect_readonly(db) as con:
        for limit in (1, 2, 3, 4, 5, 6, 9):
            expected = cascade_metrics.care_queue(frame, _deleted(frame)).head(limit)["root_id"].tolist()
            assert risk.cascades.uncached(con, Filters(), True, limit)["root_id"].tolist() == expected, limit
        assert risk.cascades.uncached(con, Filters(), True, 3)["root_id"].tolist() == [
            "twitter:p5", "twitter:p4", "twitter:p3"]
        assert risk.cascades.uncached(con, Filters(), True, None)["root_id"].tolist() == [
            f"twitter:p{i}" for i in (5, 4, 3, 2, 1)]
        assert risk.cascades.uncached(con, Filters(brands=("No Such Brand",)), True, 3).empty
        found = risk.open_high_risk.uncached(con, Filters())
    # the bar is of every complaint cascade still spreading, deleted ones too: p10 alone above 9.1, deleted
    assert (found["open_complaints"], found["open_at_risk"], found["open_high_risk"]) == (5, 5, 0)


def test_the_high_risk_bar_is_the_90th_percentile_of_complaint_cascades(tmp_path):
    # quantile_cont of 1..10 at 0.9: 1 + 0.9 * 9 = 9.1; open (p9 answered) at or above it: p10
    db = _risk_fixture(tmp_path)
    with warehouse.connect_readonly(db) as con:
        found = risk.open_high_risk.uncached(con, Filters())
    assert (found["open_high_risk"], found["risk_threshold"]) == (1, pytest.approx(9.1))


def test_the_high_risk_bar_leaves_out_complaint_cascades_that_can_no_longer_spread(tmp_path):
    """Most complaint cascades are complete (risk 0): over them all the bar fell to 0 and "high
    risk" meant any risk. Risks 0 x 6, 1, 2, 3 (p9, answered), 4: the bar is the 90th
    percentile of 1..4, 1 + 0.9 * 3 = 3.7 (3.1 with the zeros); open at or above it: p10."""
    db = _risk_fixture(tmp_path)
    with warehouse.writer(db) as con:
        con.execute("UPDATE cascades SET amplification_risk = greatest(CAST(substr(root_id, 10) AS DOUBLE) - 6, 0) "
                    "WHERE root_id LIKE 'twitter:p%'")
    with warehouse.connect_readonly(db) as con:
        found = risk.open_high_risk.uncached(con, Filters())
    assert (found["open_high_risk"], found["risk_threshold"]) == (1, pytest.approx(3.7))
    assert (found["open_complaints"], found["open_at_risk"]) == (9, 3)  # p9 answered; p7, p8, p10


def test_the_high_risk_bar_is_risk_high_risk_quantile(tmp_path, monkeypatch):
    """The SQL took 0.9 as a literal and HIGH_RISK_QUANTILE was read by nothing: the bar is the
    constant's quantile. At 0.7 of 1..10: 1 + 0.7 * 9 = 7.3; open at or above it: p8 and p10."""
    db = _risk_fixture(tmp_path)
    monkeypatch.setattr(risk, "HIGH_RISK_QUANTILE", 0.7)
    with warehouse.connect_readonly(db) as con:
        found = risk.open_high_risk.uncached(con, Filters())
    assert (found["open_high_risk"], found["risk_threshold"]) == (2, pytest.approx(7.3))


def test_a_complaint_exactly_at_the_high_risk_bar_is_high_risk(tmp_path, monkeypatch):
    """'At least the quantile' (the SQL's own words), so a risk equal to the bar counts. At a
    third of 1..10 the bar is the fourth value itself, 1 + 9 / 3 = 4: open at or above it are
    p4 to p8 and p10 (p9 answered), six; strictly above it, five."""
    db = _risk_fixture(tmp_path)
    monkeypatch.setattr(risk, "HIGH_RISK_QUANTILE", 1 / 3)
    with warehouse.connect_readonly(db) as con:
        found = risk.open_high_risk.uncached(con, Filters())
    assert (found["open_high_risk"], found["risk_threshold"]) == (6, 4.0)


def _unknown_followers_db(tmp_path):
    """Two complaints by authors of unknown follower counts, one shared twice (by accounts
    of unknown counts too), all ignored by a mention five days later. Returns the database."""
    from care_fixtures import THANKS, load_rows, msg, set_scores
    db = load_rows(tmp_path, [msg("p1", "u1", 0), msg("p2", "u2", 10), msg("s1", "u4", 40, shared="p1"),
                              msg("s2", "u5", 45, shared="p1"), msg("later", "u9", 5 * 24 * 60, text=THANKS)])
    set_scores(db, {"p1": {"complaint": True, "needs_reply": True, "label": "negative", "compound": -0.8},
                    "p2": {"complaint": True, "needs_reply": True, "label": "negative", "compound": -0.8},
                    "later": {}})
    return db


@pytest.mark.parametrize("module, sections, column", [
    ("amplification", ("risk_section", ["Care queue", "Influencer complaints"]), "author_followers"),
    ("ghost_town", ("ghost_section", ["Ignored complaints"]), "author_followers"),
    ("weekly", None, "followers"),
])
def test_unknown_follower_counts_show_as_missing_not_none(tmp_path, monkeypatch, module, sections, column):
    from app.formatting import MISSING
    at = page_test(module, _unknown_followers_db(tmp_path), monkeypatch).run()
    key, names = sections or (None, [None])
    for name in names:
        if name:
            at.radio(key=key).set_value(name).run()
        assert not at.exception
        tables = [d for d in at.dataframe if column in d.value]
        assert tables and all(d.value[column].isna().any() for d in tables), name
        assert {missing_shown(d) for d in tables} == {MISSING}, name


def test_the_network_says_an_unknown_follower_count_is_unknown(tmp_path, monkeypatch):
    from app.formatting import MISSING
    at = _section(page_test("amplification", _unknown_followers_db(tmp_path), monkeypatch).run(), "Cascades")
    hovers = [text for spec in _charts(at) for trace in json.loads(spec)["data"]
              for text in trace.get("hovertext") or []]
    assert len(hovers) == 3  # the root and its two shares
    assert all(f"(followers: {MISSING})" in text and "0 followers" not in text for text in hovers)


def test_the_silence_table_marks_the_weeks_the_weekly_chart_leaves_out(dashboard_db, monkeypatch):
    from app import figures
    at = _section(page_test("amplification", dashboard_db, monkeypatch).run(), "Cost of silence")
    table = _table(at, "reach_ratio")
    # counted here from the table's own rows: both sides of a brand's week at the minimum
    sides = table.pivot_table(index=["brand", "week"], columns="answered", values="reach_cascades",
                              aggfunc="sum", fill_value=0)
    enough = {key for key, row in sides.iterrows()
              if row.get(False, 0) >= figures.MIN_WEEK_CASCADES and row.get(True, 0) >= figures.MIN_WEEK_CASCADES}
    expected = [(brand, week) in enough for brand, week in zip(table["brand"], table["week"])]
    assert table["compared_week"].tolist() == expected
    ratios = table[~table["answered"]]
    assert (~ratios["compared_week"] & ratios["reach_ratio"].notna()).any(), "a small week with a ratio"
    # the chart draws exactly the compared weeks' ratios (a 0 has no place on its log scale)
    weekly = json.loads(_charts(at)[1])
    drawn = sorted(pd.Timestamp(x).date() for trace in weekly["data"] for x in trace["x"])
    shown = ratios[ratios["compared_week"] & (ratios["reach_ratio"] > 0)]
    assert drawn and drawn == sorted(pd.Timestamp(w).date() for w in shown["week"])
    assert any(f"at least {figures.MIN_WEEK_CASCADES} still unanswered" in c.value for c in at.caption)


def test_the_queue_caption_says_how_many_open_complaints_it_lists_of_how_many(dashboard_db, monkeypatch):
    complaints = _cascades(dashboard_db).query("is_complaint and not answered and not deleted")
    at = _section(page_test("amplification", dashboard_db, monkeypatch).run(), "Care queue")
    shown = len(_table(at, "predicted_final_size_low"))
    at_risk = int((complaints["amplification_risk"] > 0).sum())
    assert len(complaints) > shown and at_risk < len(complaints)
    assert any(c.value.startswith(f"The first {shown:,} of {len(complaints):,} open complaints, highest "
                                  f"amplification risk first: {at_risk:,} can still spread, the others")
               for c in at.caption)


def test_the_queue_leads_with_a_short_caption_and_keeps_its_rules_a_click_away(dashboard_db, monkeypatch):
    """Above the list only what it is and as of when: the whole caption (330 words: the risk's
    formula, what the queue leaves out, its ties) put the list a screen and a half down a 390 px
    phone. The rules are still on the page, in an expander right under it."""
    at = page_test("amplification", dashboard_db, monkeypatch).run()
    top = [c.value for c in at.main.caption if "high risk (" in c.value]
    [headline] = top
    assert len(headline.split()) <= 90, len(headline.split())
    assert "Age = hours from the post to" in headline
    [rules] = [e for e in at.expander if e.label == QUEUE_RULES]
    said = " ".join(c.value for c in rules.caption)
    for part in (risk.UNLISTED_NOTE, risk.QUEUE_TIES, "Risk = expected additional reach x negativity",
                 "not the Ghost Town's ignored complaints"):
        assert part in said and part not in headline, part


def test_the_queue_extent_names_what_it_leaves_out_only_when_it_does():
    assert risk.queue_extent(3, 3, 3) == "All 3 open complaints, highest amplification risk first: 3 can still spread"
    assert risk.queue_extent(200, 4449, 126).startswith("The first 200 of 4,449 open complaints")
    assert risk.queue_extent(5, 5, 2).endswith("2 can still spread, the others (no risk left: complete, "
                                               "or no growth expected) follow by size")
    # none at risk: no 'the others' of none, and what the order then is (the Zephyrine queue of one day)
    assert risk.queue_extent(1, 1, 0) == ("The one open complaint: it can no longer spread (complete, or no "
                                          "growth expected)")
    assert risk.queue_extent(200, 300, 0) == ("The first 200 of 300 open complaints, largest first: none can still "
                                              "spread (complete, or no growth expected)")


def test_the_high_risk_bar_is_worded_once_from_its_quantile(monkeypatch):
    """Overview and Amplification each wrote the bar out ('90%' and 'top decile' literals)."""
    # one bar for all brands: 'of every brand's' read as a bar per brand (user review)
    assert risk.bar_note(2.5) == ("amplification risk ≥ 2.5, the top 10% of the complaint cascades still "
                                  "able to spread, all brands pooled, whatever the filters")
    assert risk.bar_note(6840.4).startswith("amplification risk ≥ 6,840, ")  # '%.3g' wrote 6.84e+03
    assert risk.bar_note(None) == "no complaint cascade is still able to spread"
    assert "top 10%" in risk.HIGH_RISK_DEFINITION and "older than 7 days" in risk.HIGH_RISK_DEFINITION
    monkeypatch.setattr(risk, "HIGH_RISK_QUANTILE", 0.8)
    assert "top 20%" in risk.bar_note(1.0)


def test_the_influencer_caption_counts_complaints_not_authors(dashboard_db, monkeypatch):
    """The list is complaints, one row each, most-followed authors first: an author with
    several complaints has several rows, so the caption counts rows as complaints and names
    how many authors they come from (it once said '50 most-followed authors')."""
    at = _section(page_test("amplification", dashboard_db, monkeypatch).run(), "Influencer complaints")
    table = _table(at, "author_followers")
    authors = table["author_id"].nunique()
    assert len(table) == risk.INFLUENCER_COMPLAINTS > authors, "the fixture has an author twice"
    [caption] = [c.value for c in at.caption if "most-followed" in c.value]
    assert caption.startswith(f"The {len(table)} complaints ") and f"by {authors} authors" in caption
    assert "most-followed authors in" not in caption
    # A selection with fewer complaints than the list holds: all of them, said so.
    at.multiselect(key="filter_brands").set_value([hostile.BRAND]).run()
    table = _table(at, "author_followers")
    [caption] = [c.value for c in at.caption if "most-followed" in c.value]
    assert 0 < len(table) < risk.INFLUENCER_COMPLAINTS
    assert caption.startswith(f"All {len(table)} complaints in the selection (by {table['author_id'].nunique()} author")


@pytest.mark.parametrize("size, high, risk_value, said", [
    (8, 8, 42.9, True),    # the riskiest cascade shown as '8 (80%: 8 to 8)' read as inert (a persona review)
    (8, 9, 42.9, False),   # its interval says it may grow: the chart shows it
    (8, 8, 0.0, False),    # no risk, nothing to explain
])
def test_a_cascade_forecast_not_to_grow_that_carries_risk_says_why(size, high, risk_value, said):
    from app import risk
    row = {"size": size, "predicted_final_size_high": high, "amplification_risk": risk_value,
           "expected_additional_reach": 85.8}
    note = risk.median_and_mean_note(row)
    assert (note is not None) == said
    if said:
        assert "risk is 42.9" in note and "85.8 followers" in note and "Forecast not to grow" in note
        assert "(median and 80% interval at its size" in note
        # uncalibrated, the same ends are a default interval (as the growth chart names them)
        assert "(median and default interval at its size" in risk.median_and_mean_note(row, calibrated=False)


def test_the_cost_of_silence_table_shows_its_ratio_after_whose_week_it_is(dashboard_db, monkeypatch):
    # the section's headline: at 1024 px it and the means were off the grid's edge (a review)
    at = _section(page_test("amplification", dashboard_db, monkeypatch).run(), "Cost of silence")
    [grid] = [d for d in at.dataframe if "compared_week" in d.value]
    shown = list(grid.proto.column_order)
    # and the mean size the caption says to read it beside (off the edge at 1024 px too)
    assert shown[:6] == ["brand", "week", "answered", "reach_ratio", "mean_size", "compared_week"]
    assert sorted(shown) == sorted(grid.value.columns)


def test_cost_of_silence_weeks_are_the_chosen_zones(tmp_path):
    # Sydney's Monday morning is Sunday in UTC: in UTC weeks a selection of one Sydney week
    # (8-14 January) listed a second, the week of 1 January, outside the chosen dates
    from datetime import datetime, timezone

    from care_fixtures import load_rows, msg
    monday_morning = datetime(2024, 1, 7, 21, 0, tzinfo=timezone.utc)  # Mon 8 Jan 08:00 in Sydney
    db = load_rows(tmp_path, [msg("c1", "u1", 0, when=monday_morning),
                              msg("c2", "u2", 0, when=monday_morning + pd.Timedelta(days=2))])
    chosen = Filters(start=date(2024, 1, 8), end=date(2024, 1, 14), tz="Australia/Sydney")
    with warehouse.connect_readonly(db) as con:
        con.execute("USE warehouse")
        cost = risk.cost_of_silence.uncached(con, chosen)
    assert list(cost["week"].unique()) == [pd.Timestamp("2024-01-08")]
    assert cost["cascades"].sum() == 2


def test_the_pages_times_are_on_the_chosen_zones_clock(tmp_path):
    # the page listed UTC times (and drew the growth chart in UTC) beside its own cost of
    # silence's weeks and the sidebar's dates, both in the chosen zone
    from datetime import datetime, timezone

    from care_fixtures import load_rows, msg
    monday_morning = datetime(2024, 1, 7, 21, 0, tzinfo=timezone.utc)  # Mon 8 Jan 08:00 in Sydney
    db = load_rows(tmp_path, [msg("c1", "u1", 0, when=monday_morning, followers=5000),
                              msg("s1", "u2", 0, shared="c1", when=monday_morning + pd.Timedelta(minutes=30))])
    sydney = Filters(start=date(2024, 1, 8), end=date(2024, 1, 14), tz="Australia/Sydney")
    with warehouse.connect_readonly(db) as con:
        con.execute("USE warehouse")
        listed = risk.cascades.uncached(con, sydney)
        influencers = risk.influencer_complaints.uncached(con, sydney)
        nodes = risk.nodes.uncached(con, listed["root_id"].iloc[0])
    for times in (listed["root_created_at"], influencers["created_at"]):
        assert str(times.dt.tz) == "Australia/Sydney" and times.iloc[0] == monday_morning
        assert times.iloc[0].hour == 8  # the wall clock the grid shows
    growth = risk.growth(nodes, sydney.tz)
    assert [t.strftime("%H:%M") for t in growth["created_at"]] == ["08:00", "08:30"]
    assert figures.growth_curve(growth).layout.xaxis.title.text == "time (Australia/Sydney)"


def test_counts_of_one_are_said_in_the_singular(tmp_path, monkeypatch):
    """'All 1 open complaints', 'All 1 complaints in the selection', 'the whole care queue, 1 open
    complaints': a count of one takes its noun in the singular."""
    from care_fixtures import load_one_ignored
    assert risk.queue_extent(1, 1, 1) == "The one open complaint, highest amplification risk first: 1 can still spread"
    one = pd.DataFrame({"author_id": ["u0"]})
    assert risk.influencer_caption(one).startswith("The one complaint in the selection (by 1 author, ")
    at = page_test("amplification", load_one_ignored(tmp_path), monkeypatch).run()
    assert not at.exception
    labels = [button.proto.label for button in at.get("download_button")]
    assert "Download the whole care queue, 1 open complaint (CSV)" in labels, labels


def test_the_cost_of_silence_tables_give_the_mean_reach_in_followers(dashboard_db, monkeypatch):
    """'mean potential reach' beside a risk and reaches headed '(followers)' everywhere else on the
    page: its unit is the same sum of followers, not people reached."""
    at = _section(page_test("amplification", dashboard_db, monkeypatch).run(), "Cost of silence")
    grids = [grid for grid in at.dataframe if "mean_potential_reach" in grid.value]
    assert len(grids) == 2  # the bars' numbers and the weekly table
    for grid in grids:
        assert json.loads(grid.proto.columns)["mean_potential_reach"]["label"] == "mean potential reach (followers)"


def test_a_complaint_its_author_deleted_leaves_the_queue_and_the_high_risk_count(tmp_path, monkeypatch):
    """A complaint shared twice, then missing from the page's next complete export (its author
    deleted it), stayed at the top of the queue and in the Overview's open high-risk count: an
    agent was sent to answer a post no one can answer any more (a review of a shift)."""
    path = one_complaint_deleted(tmp_path)
    stored = _cascades(path).set_index("root_id")
    assert stored.loc["twitter:c0", "amplification_risk"] > stored.loc["twitter:c1", "amplification_risk"] > 0
    at = page_test("amplification", path, monkeypatch).run()
    assert not at.exception
    assert _table(at, "predicted_final_size_low")["root_id"].tolist() == ["twitter:c1"]
    high = risk.open_high_risk(Filters())
    assert (high["open_complaints"], high["open_at_risk"], high["open_high_risk"]) == (1, 1, 0)
    assert any("its author deleted" in c.value for c in at.caption), [c.value for c in at.caption]


def test_a_complaint_of_no_brand_is_in_no_care_queue_nor_its_counts(tmp_path, monkeypatch):
    """A complaint whose file named no brand (and no thread gave it one) topped the care queue
    with an empty brand, and counted among the open and high-risk complaints of every selection
    with no brand chosen: no brand's team can answer it, and the Ghost Town has no request of it."""
    import io

    rows = [msg("a0", "u9", -5, text=THANKS), msg("n0", "u0", 0, brand="", followers=5000),
            msg("s0", "u1", 2, shared="n0", brand="", followers=900),
            msg("s1", "u2", 4, shared="n0", brand="", followers=800), msg("c1", "u3", 5, followers=40),
            msg("s2", "u4", 9, shared="c1", followers=30), msg("t0", "u5", 20, text=THANKS)]
    path = load_rows(tmp_path, rows)
    set_scores(path, {m: {"complaint": True, "needs_reply": True, "label": "negative", "compound": -0.8}
                      for m in ("n0", "c1")})
    stored = _cascades(path).set_index("root_id")
    assert pd.isna(stored.loc["twitter:n0", "brand"]) and stored.loc["twitter:n0", "amplification_risk"] > 0
    assert cascade_metrics.care_queue(stored.reset_index())["root_id"].tolist() == ["twitter:c1"]  # the reference
    given = download_buttons(monkeypatch)
    at = page_test("amplification", path, monkeypatch).run()
    assert not at.exception
    assert _table(at, "predicted_final_size_low")["root_id"].tolist() == ["twitter:c1"]
    assert pd.read_csv(io.BytesIO(downloaded(given, "risk_queue_csv")))["root_id"].tolist() == ["twitter:c1"]
    high = risk.open_high_risk(Filters())
    assert (high["open_complaints"], high["open_at_risk"], high["open_high_risk"]) == (1, 1, 0)
    assert any(c.value.startswith("The one open complaint") for c in at.caption)
    [rules] = [e for e in at.expander if e.label == QUEUE_RULES]  # the queue's rules under it
    assert any("complaint of no brand" in c.value for c in rules.caption)


def test_an_uncalibrated_forecast_is_drawn_with_a_default_interval_not_an_80_percent_one(tmp_path, monkeypatch):
    """Under the page's warning that the forecasts are not calibrated (no complete cascade yet)
    and their interval 'not a measured 80%', the cascade's growth chart labelled the same band
    '80%: 70 to 140' (a review of a shift)."""
    path = load_rows(tmp_path, [msg("c0", "u0", 0, followers=8000),
                                *[msg(f"s{k}", f"u{k + 1}", 1 + k, shared="c0", followers=300) for k in range(6)]])
    at = _section(page_test("amplification", path, monkeypatch).run(), "Cascades")
    assert risk.forecast_basis() == (0, 1) and any("not calibrated" in w.value for w in at.warning)
    [growth] = [plotly_spec(c) for c in at.get("plotly_chart") if "Cascade growth" in c.proto.spec]
    [label] = [a["text"] for a in growth["layout"]["annotations"] if "predicted final size" in a["text"]]
    assert "default interval:" in label and "80%" not in label, label
    assert any("its default interval (band" in c.value for c in at.caption), [c.value for c in at.caption]


@pytest.mark.parametrize(("calibrated", "caption"), [
    (True, "its 80% interval (band)."),
    (False, "its default interval (band: the forecast to twice it, not a measured 80%; too few complete cascades "
            "to calibrate the model, as the warning above says)."),
])
def test_the_growth_charts_band_is_named_as_the_lists_name_the_interval(calibrated, caption):
    """The growth chart's caption ends with its band, in the words risk.forecast_interval gives the
    lists' captions: one wording, so the page cannot call the same ends two things."""
    assert risk.band_caption(calibrated) == caption
    assert risk.band_caption(calibrated).startswith(f"its {risk.interval_name(calibrated)} (band")
    if not calibrated:
        assert risk.DEFAULT_INTERVAL_IS in risk.forecast_interval(calibrated)


def test_the_cascade_view_says_when_its_risk_rests_on_an_assumed_reach(tmp_path, monkeypatch):
    """A Facebook cascade (no follower count known) opened in the one-cascade view showed its
    risk in the choice and nothing of the reach it assumed: the queue's 'reach: assumed'
    column was a section away (a shift review). A Twitter cascade's view says nothing of it."""
    from care_fixtures import facebook_beside_twitter
    at = _section(page_test("amplification", facebook_beside_twitter(tmp_path), monkeypatch).run(), "Cascades")
    notes = {}
    for root_id in ("facebook:p1", "twitter:p2"):
        at.selectbox(key="risk_cascade").set_value(root_id).run()
        assert not at.exception
        notes[root_id] = [c.value for c in at.caption if "No follower count is known" in c.value]
    assert len(notes["facebook:p1"]) == 1 and "rests on an assumed reach" in notes["facebook:p1"][0]
    assert notes["twitter:p2"] == []


def test_the_cascades_list_and_chooser_call_a_deleted_complaint_deleted_not_open(tmp_path, monkeypatch):
    """The care queue leaves a complaint its author deleted out, yet the Cascades chooser
    labelled it 'open' (unanswered, a complaint) and the list showed it as an unanswered
    complaint with nothing else: an agent opened it to answer a post no one can answer."""
    path = one_complaint_deleted(tmp_path)
    at = _section(page_test("amplification", path, monkeypatch).run(), "Cascades")
    labels = {label.rsplit(" · ", 1)[1]: label for label in at.selectbox(key="risk_cascade").options}
    assert " · deleted by its author · " in labels["twitter:c0"] and " · open · " not in labels["twitter:c0"]
    assert " · open · " in labels["twitter:c1"]
    listed = _table(at, "structural_virality").set_index("root_id")
    assert listed["deleted_by_author"].to_dict() == {"twitter:a0": False, "twitter:c0": True, "twitter:c1": False,
                                                     "twitter:t0": False}


def test_an_uncalibrated_forecast_is_no_80_percent_interval_in_the_lists_either(tmp_path, monkeypatch):
    """The growth chart says 'default interval' under the warning that the forecasts are not
    calibrated, yet the Cascades and care queue captions called the same ends 'its 80% interval'
    and their columns 'predicted size from (80%)': a reader of the list took a default for a
    measured interval."""
    path = load_rows(tmp_path, [msg("c0", "u0", 0, followers=8000),
                                *[msg(f"s{k}", f"u{k + 1}", 1 + k, shared="c0", followers=300) for k in range(6)]])
    at = page_test("amplification", path, monkeypatch).run()
    assert risk.forecast_basis() == (0, 1) and any("not calibrated" in w.value for w in at.warning)
    for section, column in (("Care queue", "age_hours"), ("Cascades", "structural_virality")):
        _section(at, section)
        said = [c.value for c in at.caption if "median forecast with its" in c.value]
        assert len(said) == 1 and "its default interval (the forecast to twice it" in said[0], (section, said)
        assert not any("80% interval" in c.value for c in at.caption), section
        [grid] = [d for d in at.dataframe if column in d.value]
        headers = {name: json.loads(grid.proto.columns)[name]["label"]
                   for name in ("predicted_final_size_low", "predicted_final_size_high")}
        assert headers == {"predicted_final_size_low": "predicted size from (default interval)",
                           "predicted_final_size_high": "predicted size to (default interval)"}, section


def test_the_assumed_reach_note_speaks_of_the_cascades_accounts_not_of_its_whole_platform(tmp_path, monkeypatch):
    """An Instagram complaint whose commenters' counts the export left out read 'instagram carries
    none' in the one-cascade view, beside another Instagram cascade whose accounts have counts
    (1,200 and 300): a claim about the platform the data itself contradicts."""
    rows = [msg("p1", "u1", 0), msg("s1", "u2", 5, shared="p1"), msg("s2", "u3", 9, shared="p1"),
            msg("p2", "u4", 10, followers=1200), msg("s3", "u5", 15, shared="p2", followers=300)]
    path = load_rows(tmp_path, [{**row, "platform": "instagram", "page": "@acme"} for row in rows])
    at = _section(page_test("amplification", path, monkeypatch).run(), "Cascades")
    at.selectbox(key="risk_cascade").set_value("instagram:p1").run()
    assert not at.exception
    [note] = [c.value for c in at.caption if "No follower count is known" in c.value]
    assert "carries none" not in note, note
    assert "none of its accounts has one in the instagram data" in note, note


def test_the_one_cascade_charts_are_given_as_a_table(dashboard_db, monkeypatch):
    # the network (who passed on whose post) and the growth curve were given only as pictures and
    # on hover: Chromium's accessibility tree showed 17 unnamed images and no table (accessibility review)
    from app.widgets import CHART_NUMBERS
    at = _section(page_test("amplification", dashboard_db, monkeypatch).run(), "Cascades")
    root = at.selectbox(key="risk_cascade").value
    [numbers] = [e for e in at.expander if e.label == CHART_NUMBERS]
    [table] = [frame.value for frame in numbers.dataframe]
    specs = [plotly_spec(chart) for chart in at.get("plotly_chart")]
    [curve] = [trace for spec in specs for trace in spec["data"] if trace.get("name") == "observed size"]
    assert table["size"].tolist() == curve["y"]  # each step of the growth curve is a row
    nodes = risk.nodes(root)
    assert sorted(table["node_id"]) == sorted(nodes["node_id"]) and table.loc[0, "node_id"] == root
    authors = nodes.set_index("node_id")["author_handle"]
    replies = table.dropna(subset=["parent_id"])
    assert len(replies) == len(table) - 1  # every mention but the root has its edge
    assert (replies["parent_author"] == replies["parent_id"].map(authors)).all()


def test_cascade_of_no_brand_is_labelled_no_brand_in_the_chooser():
    """A cascade whose root has no brand (a file naming none) was offered as 'nan · no complaint ·
    size 27 ...' in the One cascade chooser (a review on real data): it reads 'no brand'."""
    from pages.amplification import _choice_label
    row = pd.DataFrame({"brand": [None, "Acme Kettles"], "answered": [False, True], "deleted_by_author": False,
                        "is_complaint": [False, True], "size": [27, 3], "amplification_risk": [0.0, 1.5],
                        "root_created_at": pd.Timestamp("2014-09-24 03:04"), "root_id": ["twitter:1", "twitter:2"]})
    labels = [_choice_label(r) for r in row.itertuples()]
    assert labels[0] == "no brand · no complaint · size 27 · risk 0 · 2014-09-24 03:04 · twitter:1"
    assert labels[1].startswith("Acme Kettles · answered · size 3 · ")
    assert not any("nan" in label.lower() for label in labels)
