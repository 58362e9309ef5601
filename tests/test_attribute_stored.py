"""A history in two files, in either order, gives what one file of it gives
(etl.attribute_stored): exports come a month a file."""

from __future__ import annotations

import random

import pytest

from care_fixtures import (COMPLAINT, THANKS, brand_msg, load_rows, msg, rebuilt_copy, spy_calls, tables_differ,
                           write_csv)
from etl import cascade_metrics, models
from etl.models import incremental
from support import CANONICAL_HEADER, load, query, write_bytes

MARTS = [m.name for m in models.load_models().values() if m.materialized == "table"]
CASCADE_TABLES = ("cascades", "cascade_nodes")

REPLY = "r1,twitter,Acme,@AcmeHelp,acme,AcmeHelp,,true,2025-05-01T11:00:00Z,sorry! we are on it,reply,twitter:c1,"
# Each case: the rows of the first file and of the second. c1 names no brand or handle.
CASES = {
    # only Acme's reply r1 says c1 is Acme's; c2 continues c1, s1 shares it; n1 is no one's
    "a complaint, then the reply": (
        ["c1,twitter,,,u1,ann,,false,2025-05-01T09:00:00Z,my order never came,post,,",
         "c2,twitter,,,u1,ann,,false,2025-05-01T09:05:00Z,still nothing,reply,twitter:c1,",
         "s1,twitter,,,u2,bob,,false,2025-05-01T09:10:00Z,,share,,twitter:c1",
         "n1,twitter,,,u3,cy,,false,2025-05-01T09:20:00Z,lovely weather,post,,"],
        [REPLY]),
    # a customer's reply stored before the post it replies to, which comes with its brand (a review)
    "a reply, then its parent": (
        ["c2,twitter,,,u1,ann,,false,2025-05-01T09:05:00Z,still nothing,reply,twitter:c1,"],
        ["a0,twitter,Acme,@AcmeHelp,acme,AcmeHelp,,true,2025-05-01T08:00:00Z,hello,post,,",
         "c1,twitter,,,u1,ann,,false,2025-05-01T09:00:00Z,@AcmeHelp it broke,post,,"]),
    # m1 replies to Acme's post p1: Acme's from its own time, not from r2's (rules in one file's order)
    "a reply to a post, then the post and a reply to it": (
        ["m1,twitter,,,u1,ann,,false,2025-05-01T09:00:00Z,it broke,reply,twitter:p1,"],
        ["p1,twitter,Acme,@AcmeHelp,acme,AcmeHelp,,true,2025-05-01T08:00:00Z,new app!,post,,",
         "r2,twitter,Acme,@AcmeHelp,acme,AcmeHelp,,true,2025-05-01T11:00:00Z,sorry,reply,twitter:m1,"]),
    # a tweet to a handle whose account first posts in a later file (a review)
    "a tweet to a handle, then the handle's first post": (
        ["h1,twitter,,,u1,ann,,false,2025-05-01T09:00:00Z,@AcmeHelp where is my refund,post,,"],
        ["a0,twitter,Acme,@AcmeHelp,acme,AcmeHelp,,true,2025-05-01T10:00:00Z,hello all,post,,"]),
    # a mention on a page whose account first posts in a later file (a review)
    "a mention on a page, then the page's first post": (
        ["x1,twitter,,@AcmeHelp,u1,ann,,false,2025-05-01T09:00:00Z,my order,post,,"],
        ["a0,twitter,Acme,@AcmeHelp,acme,AcmeHelp,,true,2025-05-01T10:00:00Z,hello all,post,,"]),
    # --brand gave h1 and h2 their brand, not their page: the handle's page once its account
    # posts (a review)
    "a brand's mentions without a page, then the handle's first post": (
        ["h1,twitter,Acme,,u1,ann,,false,2025-05-01T09:00:00Z,@AcmeHelp where is it,post,,",
         "h2,twitter,Acme,,u2,bob,,false,2025-05-01T09:30:00Z,me too,reply,twitter:h1,"],
        ["a0,twitter,Acme,@AcmeHelp,acme,AcmeHelp,,true,2025-05-01T10:00:00Z,hello all,post,,"]),
    # r1's file leaves open whether acme is a brand account, which only the second file's
    # first row by it says: r1 is then Acme's answer to c1, as in one file (an as-of probe)
    "a reply left open, then its author's first row as the brand": (
        ["c1,twitter,,,u1,ann,,false,2025-05-01T09:00:00Z,my order never came,post,,",
         "r1,twitter,,,acme,AcmeHelp,,,2025-05-01T11:00:00Z,sorry! please DM us,reply,twitter:c1,"],
        ["a0,twitter,Acme,@AcmeHelp,acme,AcmeHelp,,true,2025-05-02T10:00:00Z,hello all,post,,"]),
    # Acme's first reply to c1 (11:00) comes after its second (12:00): known from 11:00 (a probe)
    "a complaint and a reply, then an earlier reply": (
        ["c1,twitter,,,u1,ann,,false,2025-05-01T09:00:00Z,my order never came,post,,",
         "r2,twitter,Acme,@AcmeHelp,acme,AcmeHelp,,true,2025-05-01T12:00:00Z,please DM us,reply,twitter:c1,"],
        [REPLY]),
}
DERIVED = [
    "SELECT mention_id, brand, page, is_brand FROM mentions",
    "SELECT mention_id, text_hash, needs_reply, is_deflection FROM mention_scores",
    "SELECT mention_id, known_at FROM brand_from_reply",
    "SELECT request_id, brand, page, brand_known_at, first_response_id FROM care_requests",
    "SELECT root_id, brand, size, answered FROM cascades",
]


def _file(tmp_path, name: str, rows: list[str]):
    return write_bytes(tmp_path, f"{name}.csv", "\n".join([CANONICAL_HEADER, *rows, ""]))


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("order", ["as written", "reversed"])
def test_a_history_in_two_files_is_as_in_one(tmp_path, case, order):
    first, second = CASES[case]
    whole = tmp_path / "whole.duckdb"
    load(whole, "csv", _file(tmp_path, "both", first + second))
    files = [_file(tmp_path, "first", first), _file(tmp_path, "second", second)]
    split = tmp_path / "split.duckdb"
    for path in (files if order == "as written" else files[::-1]):
        load(split, "csv", path)
    for statement in DERIVED:
        assert sorted(query(split, statement)) == sorted(query(whole, statement)), statement
    assert query(split, "SELECT count(*) FROM mentions WHERE brand IS NULL") == (
        [(1,)] if case == "a complaint, then the reply" else [(0,)])  # n1, about no brand
    # loading a file again changes nothing (SPEC 6)
    [again] = load(split, "csv", files[0])
    assert again.rows_updated == 0
    for statement in DERIVED:
        assert sorted(query(split, statement)) == sorted(query(whole, statement)), statement


def test_the_stored_mentions_a_file_gives_a_brand_are_rows_it_updated(tmp_path):
    # and the models update for their threads as well as the new mentions'
    first, second = CASES["a complaint, then the reply"]
    db = tmp_path / "w.duckdb"
    load(db, "csv", _file(tmp_path, "first", first))
    [report] = load(db, "csv", _file(tmp_path, "second", second))
    assert (report.rows_loaded, report.rows_updated, report.rows_attributed) == (1, 3, 3)  # c1, c2 and s1


def test_a_follow_up_to_a_tweet_that_named_the_brand_is_the_brands_from_its_own_time(tmp_path):
    # c4 replies to c3, which names @AcmeHelp; Acme answers c4 at 12:00. One file took c4's brand
    # from the reply (the reply rule ran before inheritance), two files from c3 (a split-load probe)
    first = ["a0,twitter,Acme,@AcmeHelp,acme,AcmeHelp,,true,2025-05-01T08:00:00Z,hello all,post,,",
             "c3,twitter,,,u3,cy,,false,2025-05-01T10:00:00Z,@AcmeHelp my order is late,post,,"]
    second = ["c4,twitter,,,u4,dee,,false,2025-05-01T10:30:00Z,same problem here,reply,twitter:c3,",
              "r4,twitter,Acme,@AcmeHelp,acme,AcmeHelp,,true,2025-05-01T12:00:00Z,please DM us,reply,twitter:c4,"]
    whole, split = tmp_path / "whole.duckdb", tmp_path / "split.duckdb"
    load(whole, "csv", _file(tmp_path, "both", first + second))
    for name, rows in (("first", first), ("second", second)):
        load(split, "csv", _file(tmp_path, name, rows))
    for db in (whole, split):
        assert query(db, "SELECT brand FROM mentions WHERE mention_id = 'twitter:c4'") == [("Acme",)]
        assert query(db, "SELECT * FROM brand_from_reply") == []


def test_a_first_reply_loaded_later_updates_no_row_of_an_earlier_load_when_its_mention_is_new(tmp_path):
    # r0 (11:00) first, then c1 with a later reply: c1 is this load's own, so no stored row
    # changed and the models may update rather than rebuild (a review found 1 counted)
    db = tmp_path / "w.duckdb"
    load(db, "csv", _file(tmp_path, "first", [REPLY]))
    [report] = load(db, "csv", _file(tmp_path, "second", CASES["a complaint and a reply, then an earlier reply"][0]))
    assert report.rows_updated == 0
    assert query(db, "SELECT known_at FROM brand_from_reply WHERE mention_id = 'twitter:c1'") == query(
        db, "SELECT created_at FROM mentions WHERE mention_id = 'twitter:r1'")


def _brandless_history(rng: random.Random, first: int, count: int, earlier: list[dict], start: float,
                       brands: list[str]) -> list[dict]:
    """count mentions numbered from first, after `start` minutes, linking into `earlier`:
    customer posts of no brand (some addressing a brand account's handle, @<brand>_care),
    follow-ups, shares and quotes of them, and the replies of `brands`' accounts, which give
    them a brand in whichever load they come; some replies and quotes by Bolt's account name
    no brand, which only its first row naming Bolt gives them (and the cascades they answer)."""
    rows: list[dict] = []
    for number in range(first, first + count):
        known = [row for row in earlier + rows if row["is_brand"] == "false"]
        minutes = start + (number - first) * rng.uniform(1, 90)
        parent = rng.choice(known)["mention_id"].split(":")[-1] if known else None
        author, role = f"u{rng.randrange(8)}", rng.random()
        if parent is None or role < 0.35:
            text = rng.choice([COMPLAINT, f"@Acme_care {COMPLAINT}", f"@Bolt_care {COMPLAINT}", THANKS])
            rows.append(msg(f"m{number}", author, minutes, brand=None, text=text, followers=rng.choice([10, 300])))
        elif role < 0.55:
            rows.append(msg(f"m{number}", author, minutes, parent=parent, brand=None))
        elif role < 0.62:
            rows.append(msg(f"m{number}", author, minutes, shared=parent, brand=None, followers=50))
        elif role < 0.7:  # a quote of `other` that replies to `parent`
            other = rng.choice(known)["mention_id"].split(":")[-1]
            rows.append(msg(f"m{number}", author, minutes, parent=parent, shared=other, kind="quote", brand=None))
        elif role < 0.8:  # Bolt's account: a reply, or a quote of `other` that replies to `parent`
            other = rng.choice(known)["mention_id"].split(":")[-1]
            quote = {"shared": other, "kind": "quote"} if rng.random() < 0.5 else {}
            rows.append(msg(f"m{number}", "Bolt_care", minutes, parent=parent, brand=None, is_brand=True, **quote))
        else:
            rows.append(brand_msg(f"m{number}", minutes, parent=parent, brand=rng.choice(brands)))
    return rows


@pytest.mark.parametrize("seed", range(6))
def test_a_load_that_gives_stored_mentions_a_brand_updates_the_models_as_a_rebuild_would(
        tmp_path, monkeypatch, seed):
    # A month a file: the replies and the Bolt account's first rows in the second give the
    # first's mentions their brands. Their threads, quarter hours and cascades are updated,
    # not the whole history rebuilt, and must be what a rebuild makes.
    rng = random.Random(seed)
    base = _brandless_history(rng, 0, 50, [], 0, brands=["Acme"])
    db = load_rows(tmp_path, base, name="base.csv")
    start = 60 * 24 * rng.uniform(0.5, 3)
    still_brandless = query(db, "SELECT mention_id FROM mentions WHERE brand IS NULL ORDER BY mention_id LIMIT 2")
    increment = [brand_msg("b0", start, brand="Bolt", text="hello all"),  # Bolt's account's first row naming it
                 *(brand_msg(f"a{n}", start + n, parent=mention_id.split(":")[1])
                   for n, (mention_id,) in enumerate(still_brandless)),
                 *_brandless_history(rng, 50, 20, base, start, brands=["Acme", "Bolt"])]
    monkeypatch.setattr(incremental, "_MOST_TOUCHED", 1.0)  # a small history: narrow regardless
    rebuilds = spy_calls(monkeypatch, models, "build_models")
    forests = spy_calls(monkeypatch, cascade_metrics, "gather_forest")
    write_csv(tmp_path / "increment.csv", increment)
    [report] = load(db, "csv", tmp_path / "increment.csv")
    assert report.rows_attributed > 0, "the case should give stored mentions a brand"
    assert (rebuilds, forests) == ([], [])
    assert tables_differ(db, rebuilt_copy(db, tmp_path, models.build_models), MARTS) == {}
    assert tables_differ(db, rebuilt_copy(db, tmp_path, cascade_metrics.materialise), CASCADE_TABLES) == {}


def test_a_cascade_whose_root_a_load_gives_a_brand_is_answered_by_that_brands_stored_reply(tmp_path, monkeypatch):
    # r1, by Bolt's account before any row named its brand, answers c1; the second file's
    # first row naming Bolt gives c1 (which addresses @Bolt_care) and r1 the brand. c1's
    # stored cascade, which no new mention joins, is Bolt's and answered, as in one file.
    first = ["c1,twitter,,,u1,ann,,false,2025-05-01T09:00:00Z,@Bolt_care my order never came,post,,",
             "s1,twitter,,,u2,bob,,false,2025-05-01T09:10:00Z,,share,,twitter:c1",
             "r1,twitter,,,bolt,Bolt_care,,true,2025-05-01T10:00:00Z,sorry! we are on it,reply,twitter:c1,",
             "n1,twitter,,,u3,cy,,false,2025-05-01T09:20:00Z,lovely weather,post,,"]
    second = ["b0,twitter,Bolt,@Bolt_care,bolt,Bolt_care,,true,2025-05-02T08:00:00Z,hello all,post,,"]
    db = tmp_path / "split.duckdb"
    load(db, "csv", _file(tmp_path, "first", first))
    monkeypatch.setattr(incremental, "_MOST_TOUCHED", 1.0)  # a small history: narrow regardless
    forests = spy_calls(monkeypatch, cascade_metrics, "gather_forest")
    load(db, "csv", _file(tmp_path, "second", second))
    assert forests == []
    assert query(db, "SELECT brand, answered FROM cascades WHERE root_id = 'twitter:c1'") == [("Bolt", True)]
    whole = tmp_path / "whole.duckdb"
    load(whole, "csv", _file(tmp_path, "both", first + second))
    assert sorted(query(db, "SELECT * FROM cascades")) == sorted(query(whole, "SELECT * FROM cascades"))


ACME_CARE_FIRST_NAMED = "b0,twitter,Acme,@Acme_care,acme,Acme_care,,true,2025-05-02T08:00:00Z,hello all,post,,"
# R is Acme's; P addresses @Acme_care, whose account no row names yet. Each case's brand
# mention B of no brand links into R's cascade, replying to its quote Q or quoting R itself,
# while its brand comes down from P: only Acme_care's first named row gives both.
# Only a reply answers: the brand's own quote of R answers P, its parent, not R (a review
# found a brand's share or quote counted as an answer here and ignored on the Ghost Town).
INTO_A_BRANDED_CASCADE = {
    "a brand reply to the complaint": ([
        "B,twitter,,,acme,Acme_care,,true,2025-05-01T10:00:00Z,sorry! we are on it,reply,twitter:R,"],
        {"twitter:R": True, "twitter:P": False}),
    "a brand reply to the complainer's follow-up": ([
        "F,twitter,,,u1,ann,,false,2025-05-01T09:10:00Z,still nothing,reply,twitter:R,",
        "B,twitter,,,acme,Acme_care,,true,2025-05-01T10:00:00Z,sorry! we are on it,reply,twitter:F,"],
        {"twitter:R": True, "twitter:P": False}),
    "a brand reply to a quote": ([
        "Q,twitter,,,u3,cy,,false,2025-05-01T09:10:00Z,same here,quote,twitter:P,twitter:R",
        "B,twitter,,,acme,Acme_care,,true,2025-05-01T10:00:00Z,sorry! we are on it,reply,twitter:Q,"],
        {"twitter:R": False, "twitter:P": False}),  # Q is another customer's: R's request unanswered
    "a brand's quote": ([
        "B,twitter,,,acme,Acme_care,,true,2025-05-01T10:00:00Z,we hear you,quote,twitter:P,twitter:R"],
        {"twitter:R": False, "twitter:P": True}),
    # nor does a reply to another customer's reply in R's cascade: R's own request is unanswered
    "a brand reply to another customer": ([
        "O,twitter,,,u3,cy,,false,2025-05-01T09:10:00Z,same here,reply,twitter:R,",
        "B,twitter,,,acme,Acme_care,,true,2025-05-01T10:00:00Z,sorry! we are on it,reply,twitter:O,"],
        {"twitter:R": False, "twitter:P": False}),
}


@pytest.mark.parametrize("case", INTO_A_BRANDED_CASCADE)
def test_a_brand_mention_a_load_gives_its_brand_answers_the_cascade_it_replies_into(tmp_path, monkeypatch, case):
    # a review: R's cascade stayed unanswered, its root having had its brand all along
    rows, answered = INTO_A_BRANDED_CASCADE[case]
    first = ["R,twitter,Acme,@Acme,u1,ann,,false,2025-05-01T09:00:00Z,my order never came,post,,",
             "P,twitter,,,u2,bob,,false,2025-05-01T09:05:00Z,@Acme_care anyone else?,post,,",
             *rows]
    db = tmp_path / "split.duckdb"
    load(db, "csv", _file(tmp_path, "first", first))
    monkeypatch.setattr(incremental, "_MOST_TOUCHED", 1.0)  # a small history: narrow regardless
    forests = spy_calls(monkeypatch, cascade_metrics, "gather_forest")
    load(db, "csv", _file(tmp_path, "second", [ACME_CARE_FIRST_NAMED]))
    assert forests == []
    assert dict(query(db, "SELECT root_id, answered FROM cascades WHERE root_id IN ('twitter:R', 'twitter:P')")
                ) == answered
    assert tables_differ(db, rebuilt_copy(db, tmp_path, cascade_metrics.materialise), CASCADE_TABLES) == {}


def test_a_file_of_known_mentions_that_gives_stored_ones_a_brand_updates_the_models(tmp_path, monkeypatch):
    # the file brings no new mention, only a declared account: c1 and Bolt's reply r1 become
    # Bolt's (a review: the cascade update then failed the load, which the rebuild had not)
    first = ["c1,twitter,,,u1,ann,,false,2025-05-01T09:00:00Z,@Bolt_care my order never came,post,,",
             "r1,twitter,,,bolt,Bolt_care,,true,2025-05-01T10:00:00Z,sorry! we are on it,reply,twitter:c1,",
             "k1,twitter,Acme,@Acme,u4,di,,false,2025-05-03T09:30:00Z,hi acme,post,,"]
    db = tmp_path / "w.duckdb"
    load(db, "csv", _file(tmp_path, "first", first))
    monkeypatch.setattr(incremental, "_MOST_TOUCHED", 1.0)
    rebuilds = spy_calls(monkeypatch, models, "build_models")
    forests = spy_calls(monkeypatch, cascade_metrics, "gather_forest")
    [report] = load(db, "csv", _file(tmp_path, "again", first[2:]), brand="Bolt", brand_accounts=["@Bolt_care"])
    assert (report.status, report.rows_loaded, report.rows_attributed) == ("complete", 0, 2)
    assert (rebuilds, forests) == ([], [])
    assert query(db, "SELECT brand, answered FROM cascades WHERE root_id = 'twitter:c1'") == [("Bolt", True)]
    assert tables_differ(db, rebuilt_copy(db, tmp_path, models.build_models), MARTS) == {}
    assert tables_differ(db, rebuilt_copy(db, tmp_path, cascade_metrics.materialise), CASCADE_TABLES) == {}


def test_a_newer_export_that_makes_a_mention_a_brand_accounts_scores_it_as_the_brands(tmp_path):
    # r1 left open, then a newer export saying acme is Acme's account: r1 is no customer's
    # complaint any more, and its score, made as a customer's, is made again as the brand's
    first = ["c1,twitter,,,u1,ann,,false,2025-05-01T09:00:00Z,my order never came,post,,",
             "r1,twitter,,,acme,AcmeHelp,,,2025-05-01T11:00:00Z,sorry! please DM us,reply,twitter:c1,"]
    newer = [first[0], "r1,twitter,Acme,@AcmeHelp,acme,AcmeHelp,,true,2025-05-01T11:00:00Z,"
                       "sorry! please DM us,reply,twitter:c1,"]
    split, whole = tmp_path / "split.duckdb", tmp_path / "whole.duckdb"
    load(split, "csv", _file(tmp_path, "first", first))
    [report] = load(split, "csv", _file(tmp_path, "newer", newer))
    assert report.rows_updated == 2  # r1, and c1, which r1 now answers as Acme
    load(whole, "csv", _file(tmp_path, "whole", newer))
    for statement in DERIVED:
        assert sorted(query(split, statement)) == sorted(query(whole, statement)), statement
