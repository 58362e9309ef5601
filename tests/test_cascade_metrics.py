"""`metrics cascades` on a real DuckDB file built from etl/schema.sql and fictional mentions."""

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from care_fixtures import THANKS, at, brand_msg, load_rows, msg, spy_calls

from etl import cascade_metrics, warehouse
from etl.models import incremental
from etl.cascade_metrics import COLUMNS, TREE_COLUMNS, cascade_frame, cascade_table, care_queue, cost_of_silence
from etl.cascade_tree import DEFAULT_IMPRESSIONS

SCHEMA = Path(__file__).resolve().parents[1] / "etl" / "schema.sql"
T0 = pd.Timestamp("2024-03-04T09:00:00Z")

# (id, brand, author, followers, is_brand, minutes after T0, kind, parent, shared)
MENTIONS = [
    ("tw:1", "Acme Air", "u1", 5000, False, 0, "post", None, None),        # complaint, shared
    ("tw:2", "Acme Air", "u2", 100, False, 5, "share", None, "tw:1"),
    ("tw:3", "Acme Air", "u3", 200, False, 9, "share", None, "tw:2"),
    ("tw:4", "Acme Air", "u2", 100, False, 12, "reply", "tw:1", None),     # u2 again: reach once
    ("tw:5", "Acme Air", "u4", 50, False, 20, "quote", None, "tw:1"),
    ("tw:6", "Acme Air", "acme", 90000, True, 30, "reply", "tw:1", None),  # brand answers
    ("tw:7", "Acme Air", "u1", 5000, False, 35, "reply", "tw:6", None),    # customer answers brand
    ("tw:10", "Acme Air", "u5", 40, False, 60, "post", None, None),        # complaint, ignored
    ("tw:11", "Acme Air", "u6", 30, False, 61, "share", None, "tw:10"),
    ("tw:12", "Bolt Bank", "bolt", 70000, True, 62, "reply", "tw:10", None),  # other brand: no answer
    ("tw:20", "Acme Air", "u7", 900000, False, 90, "post", None, None),    # famous, ignored, complaint
    ("tw:30", "Acme Air", "u8", 10, False, 100, "post", None, None),       # praise
    ("tw:40", "Acme Air", "u9", 10, False, 240, "share", None, "tw:20"),   # after the as-of cut
]
SCORES = {"tw:1": (True, -0.8), "tw:10": (True, -0.6), "tw:20": (True, -0.7), "tw:30": (False, 0.9)}


# Links as exported data has them, for the forest built in parts
TANGLED = [
    # flattened retweets (every share points at the root); tw:53 is attributed to tw:52
    # only if tw:52's unknown count were taken as over ~600 (its part's typical count, not
    # the whole history's)
    ("tw:50", "Acme Air", "u10", 5000, False, 0, "post", None, None),
    ("tw:51", "Acme Air", "u11", 5000, False, 1, "share", None, "tw:50"),
    ("tw:52", "Acme Air", "u12", None, False, 30, "share", None, "tw:50"),
    ("tw:53", "Acme Air", "u13", 5000, False, 31, "share", None, "tw:50"),
    ("tw:60", "Acme Air", "u14", 10, False, 5, "reply", "tw:61", None),    # a cycle, with a
    ("tw:61", "Acme Air", "u15", 10, False, 6, "reply", "tw:60", None),    # reply below it
    ("tw:62", "Acme Air", "u16", 10, False, 7, "reply", "tw:61", None),
    ("tw:70", "Acme Air", "u17", 10, False, 8, "reply", "tw:70", None),    # a self-loop
    ("tw:80", "Acme Air", "u18", 5000, False, 9, "reply", "tw:999", "tw:50"),  # parent missing: its share
    ("tw:90", "Acme Air", "u19", 10, False, 10, "reply", "tw:91", None),   # before its parent
    ("tw:91", "Acme Air", "u20", 10, False, 11, "post", None, None),
    ("tw:92", "Acme Air", "acme", 90000, True, 12, "reply", "tw:90", None),
    ("tw:93", "Acme Air", "u21", 10, False, 13, "reply", "tw:92", None),   # below a brand reply
]


def _warehouse(path, mentions=MENTIONS):
    con = duckdb.connect(str(path))
    con.execute("SET TimeZone = 'UTC'")
    con.execute(SCHEMA.read_text())
    for mid, brand, author, fol, is_brand, minutes, kind, parent, shared in mentions:
        con.execute(
            "INSERT INTO mentions (mention_id, platform, brand, page, author_id, author_followers, is_brand,"
            " created_at, text, kind, parent_id, shared_id, load_id)"
            " VALUES (?, 'twitter', ?, '@acme', ?, ?, ?, ?, 'fictional text', ?, ?, ?, 1)",
            [mid, brand, author, fol, is_brand, T0 + pd.Timedelta(minutes=minutes), kind, parent, shared])
    for mid, (complaint, compound) in SCORES.items():
        con.execute("INSERT INTO mention_scores VALUES (?, 'h', ?, 'x', ?, false, ?, false, NULL, 'v1')",
                    [mid, compound, complaint, complaint])
    return con


@pytest.fixture()
def con(tmp_path):
    con = _warehouse(tmp_path / "w.duckdb")
    yield con
    con.close()


def _cascades_and_nodes(con, max_nodes, part_rows=None):
    """The cascades table (its parts joined) and every stored node, in node id order."""
    from etl.cascade_metrics import _cascades
    handed = []
    parts = list(_cascades(con, None, DEFAULT_IMPRESSIONS, max_nodes=max_nodes, on_nodes=handed.append,
                           part_rows=part_rows))
    if part_rows:  # every part full but the last, which is not empty
        rows = sum(len(part) for part in parts)
        full, rest = divmod(rows, part_rows)
        assert [len(part) for part in parts] == [part_rows] * full + [rest] * (rest > 0)
    nodes = pa.concat_tables(handed).to_pandas()
    return pa.concat_tables(parts), nodes.sort_values("node_id", kind="stable").reset_index(drop=True)


@pytest.mark.parametrize("source", ["tangled", "demo"])
def test_a_forest_built_in_parts_is_the_forest_built_whole(source, tmp_path, dashboard_db):
    """The cascade step works part by part to bound its memory; cutting a cascade, a
    cycle or a flattened share's candidates across parts would change sizes and edges."""
    from etl.cascade_metrics import forest_parts, load_mentions
    con = (_warehouse(tmp_path / "t.duckdb", MENTIONS + TANGLED) if source == "tangled"
           else duckdb.connect(str(dashboard_db), read_only=True))
    with con:
        small = 2 if source == "tangled" else 500
        assert len(list(forest_parts(load_mentions(con), small))) >= 5
        whole, whole_nodes = _cascades_and_nodes(con, max_nodes=None)
        parts, part_nodes = _cascades_and_nodes(con, max_nodes=small)
        # a writer stores the rows in parts too (cascade_parts), in the whole table's order
        row_parts, _ = _cascades_and_nodes(con, max_nodes=None, part_rows=3 if source == "tangled" else 1_000)
    assert len(whole) > (3 if source == "tangled" else 1_000)
    pd.testing.assert_frame_equal(parts.to_pandas(), whole.to_pandas())
    pd.testing.assert_frame_equal(part_nodes, whole_nodes)
    pd.testing.assert_frame_equal(row_parts.to_pandas(), whole.to_pandas())
    if source == "tangled":  # each repair, as the pipeline makes it (review: only tw:50 was checked)
        cascades, nodes = whole.to_pandas().set_index("root_id"), whole_nodes.set_index("node_id")
        assert cascades.loc["tw:50", "size"] == 5  # the shares, and tw:80 under its share's root
        assert nodes.loc["tw:80", "parent_id"] == "tw:50"
        assert cascades.loc["tw:60", "size"] == 3  # the cycle cut at its earliest node, the reply kept
        assert cascades.loc["tw:70", "size"] == 1  # a self-loop: a root of its own
        # the early reply joins; the brand's tw:92 answers its author, not tw:91's
        assert cascades.loc["tw:91", ["size", "answered"]].tolist() == [2, False]
        assert nodes.loc["tw:90", "time"] == nodes.loc["tw:91", "time"]  # at its parent's time
        assert cascades.loc["tw:93", "size"] == 1  # below a brand reply: a cascade of its own
        assert whole_nodes["inferred_edge"].to_numpy().any()
        # each cascade says how many of its edges were inferred (a review: only the network showed it)
        inferred = whole_nodes.groupby("root_id")["inferred_edge"].sum()
        assert cascades["inferred_edges"].to_dict() == {root: inferred.get(root, 0) for root in cascades.index}


def test_columns_are_fixed_and_ordered(con):
    frame = cascade_frame(con)
    assert list(frame.columns) == COLUMNS


def test_cascade_membership_and_metrics(con):
    frame = cascade_frame(con, as_of=T0 + pd.Timedelta(hours=3)).set_index("root_id")
    # brand posts are no roots; tw:7, the customer's reply to the brand's answer, is one
    assert set(frame.index) == {"tw:1", "tw:7", "tw:10", "tw:20", "tw:30"}
    first = frame.loc["tw:1"]
    # tw:2, tw:3 (share of a share), tw:4 and tw:5: the conversation with the brand is no spread
    assert (first["size"], first["shares"], first["quotes"], first["replies"]) == (5, 2, 1, 1)
    assert first["depth"] == 2
    assert first["potential_reach"] == 5000 + 100 + 200 + 50
    assert first["impressions_high"] == pytest.approx(0.2 * 5350)
    assert first["time_to_half_size"] == 9 * 60  # the 3rd of 5 nodes: tw:3, 9 minutes in
    assert frame.loc["tw:20", "time_to_half_size"] == 0  # alone: the root is half of 1
    assert first["answered"]
    assert not frame.loc["tw:10", "answered"]  # only another brand replied
    assert frame.loc["tw:20", "size"] == 1  # its share comes after the as-of time


def test_as_of_hides_later_mentions(con):
    before = cascade_frame(con, as_of=T0 + pd.Timedelta(minutes=10)).set_index("root_id")
    assert set(before.index) == {"tw:1"}
    assert before.loc["tw:1", "size"] == 3
    assert not before.loc["tw:1", "answered"]  # the brand reply is later
    after = cascade_frame(con).set_index("root_id")
    assert after.loc["tw:20", "size"] == 2


def test_as_of_a_brand_a_later_reply_gave_is_not_yet_known(tmp_path):
    # review: the cascades as of 11:00 named the brand only a 12:00 brand reply gave the post,
    # where the care metrics as of 11:00 counted no request of it
    db = load_rows(tmp_path, [msg("p1", "ann", 0, brand=None), msg("s1", "bob", 5, shared="p1", brand=None),
                              brand_msg("r1", 120, parent="p1"), msg("later", "cyd", 600, text=THANKS)])
    with warehouse.connect_readonly(db) as con:
        before = cascade_frame(con, as_of=at(60)).set_index("root_id")
        after = cascade_frame(con, as_of=at(180)).set_index("root_id")
    assert pd.isna(before.loc["twitter:p1", "brand"]) and before.loc["twitter:p1", "size"] == 2
    assert after.loc["twitter:p1", "brand"] == "Acme"


# Each complaint (with what follows it) and the brand's mention: a share, a quote, a reply, a
# reply to another customer's reply in the cascade, a reply to the complainer's follow-up. Only
# a reply to the complaint's request answers, as in the care metrics (reviews found the share,
# the quote and the other customer's answer each counted as an answer here, so the complaint
# left the care queue while the Ghost Town counted it ignored).
BRAND_SHARE_QUOTE_REPLY = [
    ([msg("c1", "ann", 0)], brand_msg("b1", 10, shared="c1")),
    ([msg("c2", "bob", 1)], brand_msg("b2", 11, shared="c2", kind="quote")),
    ([msg("c3", "cyd", 2)], brand_msg("b3", 12, parent="c3")),
    ([msg("c4", "dee", 3), msg("o4", "eve", 4, parent="c4", text=THANKS)], brand_msg("b4", 13, parent="o4")),
    ([msg("c5", "fay", 5), msg("f5", "fay", 6, parent="c5")], brand_msg("b5", 14, parent="f5")),
    # a reply timed before the complaint it replies to (clocks or an export wrong): the care
    # metrics' response comes no earlier than the request, and the care queue dropped the
    # complaint the Ghost Town counted open
    ([msg("c6", "gus", 20)], brand_msg("b6", 15, parent="c6")),
]
ANSWERED = {"twitter:c1": False, "twitter:c2": False, "twitter:c3": True, "twitter:c4": False,
            "twitter:c5": True, "twitter:c6": False}


@pytest.mark.parametrize("files", ["one file", "the brand's mentions in a second"])
def test_only_a_brand_reply_answers_a_cascade_as_it_answers_a_request(tmp_path, monkeypatch, files):
    complaints = [row for rows, _ in BRAND_SHARE_QUOTE_REPLY for row in rows]
    answers = [answer for _, answer in BRAND_SHARE_QUOTE_REPLY]
    if files == "one file":
        db = load_rows(tmp_path, complaints + answers)
    else:  # an added load: the stored cascades updated, none rebuilt
        db = load_rows(tmp_path, complaints, name="first.csv")
        monkeypatch.setattr(incremental, "_MOST_TOUCHED", 1.0)  # a small history: narrow regardless
        forests = spy_calls(monkeypatch, cascade_metrics, "gather_forest")
        load_rows(tmp_path, answers, name="second.csv", db=db)
        assert forests == []
    with warehouse.connect_readonly(db) as con:
        cascades = dict(con.execute("SELECT root_id, answered FROM cascades").fetchall())
        requests = dict(con.execute("SELECT request_id, first_response_id IS NOT NULL FROM care_requests "
                                    "WHERE request_id IN (SELECT root_id FROM cascades)").fetchall())
    assert cascades == requests == ANSWERED


def test_a_brand_reply_timed_before_the_complaint_that_gives_it_its_brand_answers_nothing(tmp_path, monkeypatch):
    """The second load's brand reply gives the stored complaint its brand (etl.attribute_stored),
    and the stored cascade takes it in SQL, not rebuilt: timed before the complaint, the reply
    is no response there either."""
    db = load_rows(tmp_path, [msg("c1", "ann", 20, brand=None), msg("s1", "bob", 25, shared="c1", brand=None)],
                   name="first.csv")
    forests = spy_calls(monkeypatch, cascade_metrics, "gather_forest")
    load_rows(tmp_path, [brand_msg("b1", 15, parent="c1")], name="second.csv", db=db)
    assert forests == []
    with warehouse.connect_readonly(db) as con:
        assert con.execute("SELECT root_id, brand, answered FROM cascades").fetchall() == [
            ("twitter:c1", "Acme", False)]
        assert con.execute("SELECT first_response_id FROM care_requests").fetchall() == [(None,)]


def test_forecasts_are_sane_and_risk_ranks_open_complaints(con):
    frame = cascade_frame(con, as_of=T0 + pd.Timedelta(hours=3))
    assert (frame["predicted_final_size"] >= frame["size"]).all()
    assert (frame["predicted_final_size_low"] <= frame["predicted_final_size"]).all()
    assert (frame["predicted_final_size_high"] >= frame["predicted_final_size"]).all()
    assert (frame["predicted_final_reach"] >= frame["potential_reach"]).all()
    queue = care_queue(frame)
    assert list(queue["root_id"]) == ["tw:20", "tw:10"]  # the famous author first
    assert frame.set_index("root_id").loc["tw:30", "amplification_risk"] == 0  # praise carries no risk


def test_risk_is_the_product_of_its_two_shown_factors(con):
    frame = cascade_frame(con, as_of=T0 + pd.Timedelta(hours=3))
    scores = con.execute("SELECT mention_id AS root_id, is_complaint, sentiment_compound FROM mention_scores").df()
    roots = frame.merge(scores, on="root_id", suffixes=("", "_scored"))
    expected = 0.5 * roots["is_complaint_scored"] + 0.5 * (-roots["sentiment_compound"]).clip(lower=0)
    assert roots["negativity"].to_numpy() == pytest.approx(expected.to_numpy())
    assert frame["amplification_risk"].to_numpy() == pytest.approx(
        (frame["expected_additional_reach"] * frame["negativity"]).to_numpy())
    assert (frame.set_index("root_id").loc[["tw:10", "tw:20"], "expected_additional_reach"] > 0).all()


def test_empty_warehouse_gives_empty_frame(tmp_path):
    con = duckdb.connect(str(tmp_path / "e.duckdb"))
    con.execute(SCHEMA.read_text())
    frame = cascade_frame(con)
    assert frame.empty and list(frame.columns) == COLUMNS


@pytest.mark.parametrize("part_rows", [None, 2])
def test_materialise_stores_cascades_and_nodes_of_spread(con, monkeypatch, part_rows):
    """Stored whole, or in parts (a 10M load stores 1M rows at a time): the same rows."""
    from etl import cascade_metrics
    stored_parts = []
    store = cascade_metrics.store
    monkeypatch.setattr(cascade_metrics, "store",
                        lambda con, name, rows, replace: stored_parts.append(name) or store(con, name, rows, replace))
    if part_rows:
        monkeypatch.setattr(cascade_metrics, "PART_NODES", part_rows)
    assert cascade_metrics.materialise(con) == 5
    assert stored_parts.count("cascades") == (3 if part_rows else 1)  # 5 rows: 2, 2, 1
    in_stored_order = [root for (root,) in con.execute("SELECT root_id FROM cascades").fetchall()]
    assert in_stored_order == cascade_frame(con)["root_id"].tolist()
    stored = con.execute("SELECT root_id, size FROM cascades ORDER BY root_id").fetchall()
    assert stored == [("tw:1", 5), ("tw:10", 2), ("tw:20", 2), ("tw:30", 1), ("tw:7", 1)]
    nodes = dict(con.execute("SELECT root_id, count(*) FROM cascade_nodes GROUP BY 1").fetchall())
    assert nodes == {"tw:1": 5, "tw:10": 2, "tw:20": 2}  # single-node cascades are not stored
    # each root's author stored beside it, for the care queue's count of an account's open complaints
    authors = con.execute("SELECT root_id, root_author_id FROM cascades ORDER BY root_id").fetchall()
    assert authors == [("tw:1", "u1"), ("tw:10", "u5"), ("tw:20", "u7"), ("tw:30", "u8"), ("tw:7", "u1")]


def test_every_stored_root_author_is_its_mentions_author(dashboard_db):
    with duckdb.connect(str(dashboard_db), read_only=True) as con:
        [(cascades, wrong)] = con.execute("""
            SELECT count(*), count(*) FILTER (WHERE c.root_author_id IS DISTINCT FROM m.author_id)
            FROM cascades AS c JOIN mentions AS m ON m.mention_id = c.root_id""").fetchall()
    assert cascades > 1000 and wrong == 0


def test_cost_of_silence_compares_ignored_with_answered(con):
    from etl.cascade_metrics import cost_of_silence
    table = cost_of_silence(cascade_frame(con)).set_index("answered")
    assert table.loc[True, "cascades"] == 1 and table.loc[False, "cascades"] == 2
    ignored_reach = (40 + 30 + 900000 + 10) / 2   # tw:10 (+tw:11), tw:20 (+tw:40)
    answered_reach = 5000 + 100 + 200 + 50        # tw:1: u1, u2, u3, u4 once each
    assert table.loc[False, "mean_potential_reach"] == pytest.approx(ignored_reach)
    assert table.loc[False, "reach_ratio"] == pytest.approx(ignored_reach / answered_reach)


def test_history_backtest_reports_against_naive_forecasts(con):
    """The five customer cascades (tw:1 with 5 nodes, tw:7 and tw:30 alone, tw:10 and tw:20
    with 2), seen 10 minutes after their roots: tw:1 has 3 of its 5 (tw:4 at 12 min, tw:5 at
    20), tw:10 both, tw:20 one of two (tw:40 at 150 min). The naive "final = current"
    forecast is then off by 0.4 on tw:1, 0.5 on tw:20 and 0 on the others."""
    from etl.cascade_metrics import history_backtest
    result = history_backtest(con, observe_age=600)
    assert result["cascades"] == 5 and result["observe_age_s"] == 600
    assert result["median_rel_error_current"] == 0.0  # three of five complete at 10 minutes
    # min_observed scores only the cascades that large when observed: tw:1 (3) and tw:10 (2)
    two = history_backtest(con, observe_age=600, min_observed=2)
    assert two["cascades"] == 2 and two["median_rel_error_current"] == pytest.approx(0.2)
    three = history_backtest(con, observe_age=600, min_observed=3)
    assert three["cascades"] == 1 and three["median_rel_error_current"] == pytest.approx(0.4)
    for r in (result, two, three):
        errors = [v for k, v in r.items() if k.startswith("median_rel_error_")]
        assert len(errors) == 4 and all(0 <= e < 1 for e in errors), r
    # Seen for a day, every cascade is complete: both naive forecasts are exact (growth 1)
    # and the model, calibrated on complete cascades, close to them.
    full = history_backtest(con, observe_age=86400)
    assert (full["cascades"], full["median_rel_error_current"], full["median_rel_error_growth"]) == (5, 0.0, 0.0)
    assert full["median_rel_error_seismic"] < 0.25


def test_the_final_reachs_interval_is_the_final_sizes_through_the_same_followers_per_reshare():
    """predicted_final_reach = potential_reach + added reshares x followers per reshare; its
    low and high take the size interval's ends through the same followers per reshare (an end
    under the current size adds nothing)."""
    roots = {"root_id": pa.array(["a", "b"]), "brand": pa.array(["Acme Air"] * 2).dictionary_encode(),
             "platform": pa.array(["twitter"] * 2).dictionary_encode(),
             "root_created_at": pa.array([T0, T0 + pd.Timedelta(minutes=1)]),
             "is_complaint": np.array([True, False]), "answered": np.array([False, False]),
             "root_author_id": pa.array(["u1", "u2"]), "negativity": np.array([1.0, 0.0])}
    metrics = pd.DataFrame({name: [1, 1] for name in TREE_COLUMNS})
    metrics["potential_reach"] = [1000.0, 50.0]
    spread = pd.DataFrame({"observed": [4.0, 3.0], "followers_per_reshare": [200.0, 10.0],
                           "predicted_final_size": [6.0, 3.0], "predicted_final_size_low": [4.5, 2.0],
                           "predicted_final_size_high": [10.0, 5.0], "expected_final_size": [7.0, 3.5]})
    table = cascade_table(roots, metrics, spread).to_pandas().set_index("root_id")
    assert table.loc["a", ["predicted_final_reach_low", "predicted_final_reach", "predicted_final_reach_high"]
                     ].tolist() == [1000 + 0.5 * 200, 1000 + 2 * 200, 1000 + 6 * 200]
    assert table.loc["b", ["predicted_final_reach_low", "predicted_final_reach", "predicted_final_reach_high"]
                     ].tolist() == [50, 50, 50 + 2 * 10]


def test_the_final_reach_lies_in_its_interval_on_a_realistic_history(dashboard_db):
    with duckdb.connect(str(dashboard_db), read_only=True) as con:
        frame = cascade_frame(con)
    low, reach, high = (frame[f"predicted_final_reach{end}"] for end in ("_low", "", "_high"))
    assert (frame["potential_reach"] <= low).all() and (low <= reach).all() and (reach <= high).all()
    assert (high > frame["potential_reach"]).any()


def test_risk_is_positive_somewhere_on_a_realistic_history(dashboard_db):
    """On the demo history the point forecast may say "no growth" for every open cascade (a
    median); the expected growth behind amplification_risk must still rank some complaints
    above zero, or the care queue and "open high-risk complaints" say nothing."""
    with duckdb.connect(str(dashboard_db), read_only=True) as con:
        frame = cascade_frame(con)
    open_complaints = frame[frame["is_complaint"] & ~frame["answered"]]
    assert (open_complaints["amplification_risk"] > 0).sum() >= 3
    assert (frame["amplification_risk"] >= 0).all()


def test_cascades_do_not_depend_on_the_order_rows_are_stored_in(dashboard_db, tmp_path):
    """The forecaster calibrates on a sample drawn in cascade order, and ties in time are
    broken by that order too: it must be the ids' order, not the table's."""
    reversed_db = duckdb.connect(str(tmp_path / "r.duckdb"))
    reversed_db.execute("SET TimeZone = 'UTC'")
    reversed_db.execute(f"ATTACH '{dashboard_db}' AS demo (READ_ONLY)")
    for table in ("mentions", "mention_scores"):
        reversed_db.execute(f"CREATE TABLE {table} AS SELECT * FROM demo.{table} ORDER BY mention_id DESC")
    reversed_db.execute("DETACH demo")
    with duckdb.connect(str(dashboard_db), read_only=True) as con:
        con.execute("SET TimeZone = 'UTC'")
        stored = cascade_frame(con)
    with reversed_db:
        pd.testing.assert_frame_equal(cascade_frame(reversed_db), stored)


def test_metrics_backtest_prints_the_history_backtest_per_minimum(dashboard_db, capsys):
    import io

    from etl import cli, warehouse
    from etl.cascade_metrics import history_backtest
    code = cli.main(["metrics", "backtest", "--db", str(dashboard_db), "--observe", "1800",
                     "--min-observed", "1", "3"])
    assert code == 0
    printed = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert printed["min_observed"].tolist() == [1, 3]
    with warehouse.connect_readonly(dashboard_db) as con:
        for row, minimum in zip(printed.to_dict("records"), (1, 3)):
            expected = history_backtest(con, observe_age=1800, min_observed=minimum)
            assert row["cascades"] == expected["cascades"] > 0
            for name in ("median_rel_error_seismic", "median_rel_error_current", "median_rel_error_growth",
                         "interval_coverage"):
                assert row[name] == pytest.approx(expected[name])


@pytest.mark.parametrize("argv, message", [
    (["--observe", "-5"], "--observe -5.0: must be a positive number of seconds"),
    (["--observe", "nan"], "--observe nan: must be a positive number of seconds"),
    (["--min-observed", "5", "0"], "--min-observed 0: must be at least 1 mention"),
])
def test_metrics_backtest_refuses_a_moment_or_size_it_cannot_score(dashboard_db, capsys, argv, message):
    from etl import cli
    assert cli.main(["metrics", "backtest", "--db", str(dashboard_db), *argv]) != 0
    captured = capsys.readouterr()
    assert message in captured.err and not captured.out and "Traceback" not in captured.err


@pytest.mark.parametrize("output_format", ["csv", "json"])
def test_metrics_cascades_writes_an_unknown_reach_empty_not_0(tmp_path, capsys, output_format):
    """Facebook exports carry no follower counts: a cascade with none known has no known reach,
    so its reach, impressions and predicted reach are written empty (null), as the Amplification
    page shows them blank, not 0; its risk keeps the reach it assumes, and says so (definitions)."""
    import io
    import json

    from care_fixtures import facebook_beside_twitter

    from etl import cli
    from etl.cascade_definitions import UNKNOWN_REACH_COLUMNS
    db = facebook_beside_twitter(tmp_path)
    assert cli.main(["metrics", "cascades", "--db", str(db), "--format", output_format]) == 0
    out = capsys.readouterr().out
    rows = pd.read_csv(io.StringIO(out)) if output_format == "csv" else pd.DataFrame(json.loads(out))
    facebook, twitter = rows.set_index("root_id").loc[["facebook:p1", "twitter:p2"]].to_dict("records")
    assert facebook["followers_known"] == 0
    assert pd.isna([facebook[name] for name in UNKNOWN_REACH_COLUMNS]).all()
    assert facebook["expected_additional_reach"] > 0 and facebook["amplification_risk"] > 0
    assert pd.notna([twitter[name] for name in UNKNOWN_REACH_COLUMNS]).all()
    low, high = DEFAULT_IMPRESSIONS
    assert [twitter["potential_reach"], twitter["impressions_low"], twitter["impressions_high"]] == pytest.approx(
        [1500, 1500 * low, 1500 * high])


def test_metrics_cascades_says_when_its_as_of_had_too_few_complete_cascades_to_calibrate(dashboard_db, capsys):
    """A review: at an --as-of before any cascade was complete, every interval was the default
    one (the forecast to twice it) with no word of it; the pages said so only of the whole
    warehouse, at its newest mention."""
    import io

    from etl import cli
    with warehouse.connect_readonly(dashboard_db) as con:
        [(first,)] = con.execute("SELECT min(created_at) FROM mentions").fetchall()
    early = (first + pd.Timedelta(days=3)).isoformat()
    assert cli.main(["metrics", "cascades", "--db", str(dashboard_db), "--as-of", early, "--format", "csv"]) == 0
    printed = capsys.readouterr()
    rows = pd.read_csv(io.StringIO(printed.out))
    assert len(rows) > 5 and "not calibrated" in printed.err and "holds 0 complete cascades" in printed.err
    assert rows["predicted_final_size_high"].to_numpy() == pytest.approx(2 * rows["predicted_final_size"])
    assert cli.main(["metrics", "cascades", "--db", str(dashboard_db), "--format", "csv"]) == 0
    assert "not calibrated" not in capsys.readouterr().err


def test_the_cost_of_silence_leaves_out_the_complainers_own_follow_ups(tmp_path):
    """A review: an ignored customer's "still waiting" replies to their own complaint made the
    whole gap in mean size between ignored and answered for three demo brands; they are in the
    cascade (replies by a non-brand account) but reach no one new."""
    db = load_rows(tmp_path, [msg("c1", "ann", 0), msg("s1", "bob", 5, shared="c1"),
                              msg("f1", "ann", 30, parent="c1"), msg("f2", "ann", 60, parent="f1")])
    with warehouse.connect_readonly(db) as con:
        frame = cascade_frame(con)
    assert frame.set_index("root_id").loc["twitter:c1", ["size", "own_follow_ups"]].tolist() == [4, 2]
    [ignored] = cost_of_silence(frame).to_dict("records")
    assert (ignored["answered"], ignored["cascades"], ignored["mean_size"]) == (False, 1, 2)


def test_metrics_backtest_of_a_history_with_nothing_to_score_prints_unknowns_alone(tmp_path, capsys):
    # numpy's 'Mean of empty slice' warnings went to stderr beside the rows of empty cells
    import io
    import warnings

    from etl import cli
    db = load_rows(tmp_path, [msg("p1", "u1", 0), msg("s1", "u2", 5, shared="p1")])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert cli.main(["metrics", "backtest", "--db", str(db), "--min-observed", "5"]) == 0
    printed = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert printed["cascades"].tolist() == [0] and printed["median_rel_error_seismic"].isna().all()


def test_metrics_cascades_writes_the_potential_reach_as_a_whole_count(tmp_path, capsys):
    """A sum of follower counts (stored as a double) went out as 1500.0 in the CSV and the JSON,
    where every other count is an integer; an unknown reach stays empty (null)."""
    import csv
    import io
    import json

    from care_fixtures import facebook_beside_twitter

    from etl import cli
    db = facebook_beside_twitter(tmp_path)
    assert cli.main(["metrics", "cascades", "--db", str(db), "--format", "json"]) == 0
    reach = {row["root_id"]: row["potential_reach"] for row in json.loads(capsys.readouterr().out)}
    assert reach == {"facebook:p1": None, "twitter:p2": 1500} and type(reach["twitter:p2"]) is int
    assert cli.main(["metrics", "cascades", "--db", str(db)]) == 0
    rows = {row["root_id"]: row["potential_reach"] for row in csv.DictReader(io.StringIO(capsys.readouterr().out))}
    assert rows == {"facebook:p1": "", "twitter:p2": "1500"}
