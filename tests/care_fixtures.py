"""Hand-built threads for the care tests: written as canonical CSV and loaded through the
real loader into a DuckDB file under tmp_path (no mocks, no shared data)."""

from __future__ import annotations

import csv
import shutil
from datetime import datetime, timedelta, timezone

import duckdb

from etl import models, snapshot, warehouse
from etl.load import load_files
from etl.text import SCORER_VERSION

HEADER = ("mention_id,platform,brand,page,author_id,author_handle,author_followers,is_brand,"
          "created_at,text,kind,parent_id,shared_id").split(",")
# A Monday, so hour-of-week arithmetic in the tests is easy to follow.
T0 = datetime(2024, 1, 8, 9, 0, tzinfo=timezone.utc)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


COMPLAINT = "my order never arrived and I am still waiting for a refund"
ANSWER = "Sorry about that, it is fixed now. Thanks for your patience."
THANKS = "thanks for the update, all sorted"  # needs no reply


def msg(mention_id, author, minutes, parent=None, brand="Acme", *, is_brand=False, kind=None,
        shared=None, page=None, followers=None, text=None, when=None):
    """One canonical row; brand accounts are the authors with is_brand true. The text the
    real scorer reads defaults to a complaint (customers) or a plain answer (brands)."""
    created = when or at(minutes)
    text = text if text is not None else (ANSWER if is_brand else COMPLAINT)
    return {
        "mention_id": mention_id, "platform": "twitter", "brand": brand or "",
        "page": page or (f"@{brand}" if brand else ""), "author_id": author,
        "author_handle": author, "author_followers": "" if followers is None else followers,
        "is_brand": "true" if is_brand else "false", "created_at": created.isoformat(),
        "text": text, "kind": kind or ("share" if shared else "reply" if parent else "post"),
        "parent_id": parent or "", "shared_id": shared or "",
    }


def brand_msg(mention_id, minutes, parent=None, brand="Acme", **kw):
    return msg(mention_id, f"{brand}_care", minutes, parent, brand, is_brand=True, **kw)


DAY = 24 * 60  # minutes; T0 is Monday 2024-01-08 09:00 UTC, in 2024-W02


def two_weeks():
    """Mentions over three ISO weeks, 2024-W01 to W03 (the snapshot tests' and the Weekly page's)."""
    return [
        msg("p1", "u1", -7 * DAY), msg("p2", "u2", -7 * DAY + 5),              # 2024-W01
        brand_msg("pb1", -7 * DAY + 20, parent="p1"),
        msg("c1", "u3", 0), brand_msg("b1", 30, parent="c1"),                   # 2024-W02
        msg("c2", "u4", DAY), msg("c3", "u5", 6 * DAY + 13 * 60, followers=900),  # Sun 22:00
        msg("c4", "u6", 6 * DAY + 13 * 60, followers=5),
        msg("n1", "u7", 7 * DAY + 60),                                           # 2024-W03
    ]


def stored(db, week):
    """The snapshot rows stored for `week` in the warehouse at db."""
    with warehouse.connect_readonly(db) as con:
        return snapshot.stored_week(con, week)


def write_csv(path, rows) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=HEADER)
        writer.writeheader()
        writer.writerows(rows)


def load_rows(tmp_path, rows, name="mentions.csv", db=None, **kw):
    """Load rows into the database at db (default tmp_path/care.duckdb); returns db."""
    db = db or tmp_path / "care.duckdb"
    path = tmp_path / name
    write_csv(path, rows)
    reports = load_files(db, "csv", [path], show_progress=False, **kw)
    assert all(r.status == "complete" for r in reports), [r.message for r in reports]
    return db


def set_scores(db, scores: dict[str, dict]) -> None:
    """Override the scorer's flags (compound, label, complaint, question, needs_reply,
    deflection, reason) for some mentions and rebuild. Stored under the current scorer
    version, so later loads keep them."""
    with warehouse.writer(db) as con:
        for mention_id, flags in scores.items():
            con.execute("DELETE FROM mention_scores WHERE mention_id = ?", [f"twitter:{mention_id}"])
            con.execute(
                "INSERT INTO mention_scores VALUES (?, 'h', ?, ?, ?, ?, ?, ?, ?, ?)",
                [f"twitter:{mention_id}", flags.get("compound", 0.0),
                 flags.get("label", "neutral"), flags.get("complaint", False),
                 flags.get("question", False), flags.get("needs_reply", False),
                 flags.get("deflection", False), flags.get("reason"), SCORER_VERSION])
        models.build_models(con)


def load_with_deletions(tmp_path):
    """Two complete exports of @Acme's 0-10 min: c1 (scored negative), c2 (left unscored) and
    Acme's own post b1 are missing from the second, c0 and c3 are in both. Returns db."""
    first = [msg("c0", "u0", 0), msg("c1", "u1", 2), msg("c2", "u2", 5), brand_msg("b1", 6),
             msg("c3", "u3", 10)]
    db = load_rows(tmp_path, first, name="export1.csv", complete_export=True)
    load_rows(tmp_path, [first[0], first[4]], name="export2.csv", db=db, complete_export=True)
    set_scores(db, {"c1": {"label": "negative"}, "b1": {"label": "negative"}})
    with warehouse.writer(db) as con:
        con.execute("DELETE FROM mention_scores WHERE mention_id = 'twitter:c2'")
        models.build_models(con)
    return db


def load_all_pending(tmp_path, count: int = 3):
    """`count` complaints to Acme a few minutes apart, none answered, and nothing later: as
    of the newest mention every request is pending (younger than any horizon). Returns db."""
    db = load_rows(tmp_path, [msg(f"r{i}", f"u{i}", 10 * i) for i in range(count)])
    set_scores(db, {f"r{i}": {"complaint": True, "needs_reply": True, "label": "negative"}
                    for i in range(count)})
    return db


def one_complaint_deleted(tmp_path):
    """Two unanswered complaints, each shared: c0 (shared twice) missing from the page's next
    complete export (its author deleted it), c1 (shared once) still there. Returns the db."""
    first = [msg("a0", "u9", -5, text=THANKS), msg("c0", "u0", 0, followers=5000),
             msg("s0", "u1", 2, shared="c0", followers=900),
             msg("s1", "u2", 4, shared="c0", followers=800), msg("c1", "u3", 5, followers=40),
             msg("s2", "u4", 9, shared="c1", followers=30)]
    path = load_rows(tmp_path, first, name="export1.csv", complete_export=True)
    load_rows(tmp_path, [first[0], *first[2:], msg("t0", "u5", 20, text=THANKS)], name="export2.csv", db=path,
              complete_export=True)
    set_scores(path, {m: {"complaint": True, "needs_reply": True, "label": "negative", "compound": -0.8}
                      for m in ("c0", "c1")})
    return path


def load_one_ignored(tmp_path):
    """One complaint to Acme, never answered, and a thanks 100 h later: as of the newest
    mention the one request is ignored (the counts of one, which pages must not call '1
    requests'). Returns db."""
    db = load_rows(tmp_path, [msg("r0", "u0", 0), msg("t0", "u1", 100 * 60, text=THANKS)])
    set_scores(db, {"r0": {"complaint": True, "needs_reply": True, "label": "negative"}})
    return db


def sentiment_turning(scale: int) -> list[dict]:
    """Two weeks of Acme's customer mentions, Tuesday 9 and 16 January 2024 onwards: 24 thanks
    and 16 complaints, then 16 and 24, each times `scale`, with a thanks before them (Monday 8
    January, where the data starts) and one after (22 January, closing the second ISO week).
    Net sentiment falls by about 0.4 and the complaint share rises by about 20 points: at
    scale 1 (40 a week) chance may explain it, at 5 (200) it cannot."""
    rows = [msg("t_start", "y", 0, text=THANKS), msg("t_end", "z", 14 * 24 * 60, text=THANKS)]
    for week, positive in ((0, 24), (1, 16)):
        start = (1 + 7 * week) * 24 * 60
        rows += [msg(f"s{week}_{i}", f"u{week}_{i}", start + i, text=THANKS if i % 40 < positive else COMPLAINT)
                 for i in range(40 * scale)]
    return rows


def load_ignored_and_deflected(tmp_path):
    """Acme's complaint r0 never answered, r1 answered by a deflection ('Please DM us.'), and a
    thanks 100 h later: one ignored complaint, one response, one deflection. Returns db."""
    rows = [msg("r0", "u0", 0), msg("r1", "u2", 5), brand_msg("b1", 30, parent="r1", text="Please DM us."),
            msg("t0", "u1", 100 * 60, text=THANKS)]
    db = load_rows(tmp_path, rows)
    set_scores(db, {**{r: {"complaint": True, "needs_reply": True, "label": "negative"} for r in ("r0", "r1")},
                    "b1": {"deflection": True}})
    return db


def query(db, sql, params=()):
    with warehouse.connect_readonly(db) as con:
        return con.execute(sql, list(params)).fetchall()


def requests_by_id(db) -> dict[str, dict]:
    with warehouse.connect_readonly(db) as con:
        cursor = con.execute("SELECT * FROM care_requests")
        names = [d[0] for d in cursor.description]
        rows = [dict(zip(names, values)) for values in cursor.fetchall()]
    return {row["request_id"].split(":", 1)[1]: row for row in rows}


def replies_into_latest_threads(db) -> list[dict]:
    """An increment for a loaded history: for the latest three customer posts of each brand
    and platform, the customer's follow-up, the brand's answer and a fan's share."""
    with warehouse.connect_readonly(db) as con:
        latest = con.execute("""
            SELECT m.platform, m.mention_id, m.brand, m.page, m.author_id, m.created_at, a.account_id
            FROM mentions m JOIN brand_accounts a ON a.platform = m.platform AND a.brand = m.brand
            WHERE NOT m.is_brand AND m.kind <> 'share'
            QUALIFY row_number() OVER (PARTITION BY m.platform, m.brand ORDER BY m.created_at DESC) <= 3
            ORDER BY m.mention_id""").fetchall()
    rows = []
    for n, (platform, mention_id, brand, page, author, created, account) in enumerate(latest):
        parent = mention_id.split(":", 1)[1]
        common = {"platform": platform, "page": page, "brand": brand}
        rows += [
            {**msg(f"x{n}a", author, 0, parent=parent, when=created + timedelta(minutes=20)), **common},
            {**brand_msg(f"x{n}b", 0, parent=parent, brand=brand, when=created + timedelta(hours=2)),
             **common, "author_id": account},
            {**msg(f"x{n}c", f"fan{n}", 0, shared=parent, when=created + timedelta(hours=3)), **common},
        ]
    return rows


def tables_differ(db, other, tables) -> dict[str, int]:
    """Per table, how many rows one database has that the other has not (both ways, with
    repeats); tables that hold the same rows are left out."""
    con = duckdb.connect(":memory:")
    con.execute(f"ATTACH '{db}' AS one (READ_ONLY)")
    con.execute(f"ATTACH '{other}' AS other (READ_ONLY)")
    differ = {}
    for table in tables:
        count = con.execute(f"""SELECT count(*) FROM (
            (SELECT * FROM one.{table} EXCEPT ALL SELECT * FROM other.{table})
            UNION ALL
            (SELECT * FROM other.{table} EXCEPT ALL SELECT * FROM one.{table}))""").fetchall()[0][0]
        if count:
            differ[table] = count
    return differ


def rebuilt_copy(db, folder, rebuild):
    """A copy of db in folder, with rebuild(con) run on it in a writer (e.g. a full
    recompute to hold an incremental one against)."""
    copy = folder / "rebuilt.duckdb"
    shutil.copyfile(db, copy)
    with warehouse.writer(copy) as con:
        rebuild(con)
    return copy


def spy_calls(monkeypatch, module, name: str, record=lambda result: 1) -> list:
    """A list that grows at each call of module.name (which still runs) by record(its result)."""
    calls = []
    real = getattr(module, name)

    def spied(*args, **kwargs):
        result = real(*args, **kwargs)
        calls.append(record(result))
        return result
    monkeypatch.setattr(module, name, spied)
    return calls


FACEBOOK_PAGE = "104729384756005"


def facebook_beside_twitter(tmp_path):
    """A Facebook complaint shared twice, no follower count known (Facebook exports have none),
    beside a Twitter complaint shared once, with counts (1,200 and 300); both open (minutes old)
    and unanswered. Returns the database."""
    facebook = [{**row, "platform": "facebook", "page": FACEBOOK_PAGE}
                for row in (msg("p1", "u1", 0), msg("s1", "u2", 5, shared="p1"), msg("s2", "u3", 9, shared="p1"))]
    twitter = [msg("p2", "u4", 10, followers=1200), msg("s3", "u5", 15, shared="p2", followers=300)]
    return load_rows(tmp_path, facebook + twitter)


def load_one_brand_silent(tmp_path):
    """Acme answers its customer; Quietco's customers write, but no Quietco account posts in
    the file (a file of customers' posts only, as the airline sentiment tweets are)."""
    rows = [msg("a1", "u1", 0), brand_msg("a1r", 5, parent="a1"),
            msg("q1", "u2", 0, brand="Quietco"), msg("q2", "u3", 1, brand="Quietco"),
            msg("next", "z", 6000, text=THANKS)]
    return load_rows(tmp_path, rows)
