"""Brands that only a later load can give: to the stored mentions of no brand, once this load's
mentions are in.

A load gives its rows their brand from its own rows and the stored rows they link to
(etl.attribute_stage). Exports come in parts (a month a file), so a complaint and the
brand's reply to it, a reply and the post it replies to, or a tweet and the first row of the
brand account it addresses may come in different files, in either order: the mention stayed
without a brand, out of every metric, where one file of both gave it one (a review found 43
of 5,000 twcs mentions so, split into two files by time). The same rules, in the same order,
run over the stored mentions of no brand: a reply, comment or share concerns what its parent
(or shared mention) concerns, from the time that one's brand was known; else the first
brand account handle it addresses; else a brand account's reply to it gives that brand (the
first in name order), from the time of its first reply (brand_from_reply); after each, what
inherits from it. And a brand's reply that comes after a later one was stored moves the time
its brand was known back to it (_EARLIER_REPLY).
"""

from __future__ import annotations

from .sources.records import ACCOUNT_PAGE_SQL, HANDLES_SQL, may_address_sql

# Each pass follows one more link down a thread: replies further than this below the nearest
# attributed mention are not reached (here and in etl.attribute_stage).
MAX_PASSES = 50


def attribute(con, load_id: int) -> int:
    """Give the stored mentions of no brand the brands the stored mentions now make known;
    returns how many mentions of earlier loads took one, a page or an earlier time for it
    (rows this load updated, listed in stored_attributed for the models to update)."""
    con.execute("CREATE OR REPLACE TEMP TABLE attributed (mention_id VARCHAR)")
    if con.execute("SELECT count(*) FROM brand_from_reply").fetchall()[0][0]:  # most warehouses: none
        con.execute(_EARLIER_REPLY)
    new_accounts = con.execute(_NEW_ACCOUNTS).fetchall()[0][0]
    con.execute(_BRANDLESS)
    if con.execute("SELECT count(*) FROM brandless").fetchall()[0][0]:  # most warehouses: none
        _attribute_brandless(con, new_accounts)
    con.execute(_PAGELESS)
    if con.execute("SELECT count(*) FROM pageless").fetchall()[0][0]:  # most warehouses: none
        _fill_pages(con, new_accounts)
    con.execute("""CREATE OR REPLACE TEMP TABLE earlier_attributed AS
                   SELECT mention_id FROM mentions SEMI JOIN attributed USING (mention_id) WHERE load_id <> ?""",
                [load_id])
    count_attributed(con)
    con.execute("""INSERT INTO stored_attributed
                   SELECT mention_id FROM earlier_attributed ANTI JOIN stored_attributed USING (mention_id)""")
    return con.execute("SELECT count(*) FROM earlier_attributed").fetchall()[0][0]


def count_attributed(con) -> int:
    """How many mentions of earlier loads this connection's loads gave a brand, a page or an
    earlier time for it, which the temporary table stored_attributed lists (made empty where
    there is none): the care models and cascades update for them (their threads, quarter
    hours and the cascades they root) instead of rebuilding the whole history."""
    con.execute("CREATE TEMP TABLE IF NOT EXISTS stored_attributed (mention_id VARCHAR)")
    return con.execute("SELECT count(*) FROM stored_attributed").fetchall()[0][0]


def claim_left_open(con, load_id: int) -> int:
    """Make the stored mentions whose file left is_brand open, by an author this load made a
    brand account, that account's: a brand mention, of its brand, on its page where they have
    none (etl.load's rule for a file's own rows), scored again. Returns how many of earlier
    loads changed (rows this load updated: authorship changes the trees, so the models and
    cascades rebuild)."""
    if not con.execute(_NEW_ACCOUNTS).fetchall()[0][0]:  # most loads: no account made known
        return 0
    if not con.execute("SELECT count(*) FROM authorship_left_open").fetchall()[0][0]:  # most warehouses
        return 0
    con.execute(_CLAIMED)
    con.execute("""UPDATE mentions m SET is_brand = true, brand = coalesce(m.brand, c.brand),
                                         page = coalesce(m.page, c.page)
                   FROM claimed c WHERE m.mention_id = c.mention_id""")
    forget_customer_scores(con)
    return con.execute("SELECT count(*) FROM mentions SEMI JOIN claimed USING (mention_id) WHERE load_id <> ?",
                       [load_id]).fetchall()[0][0]


def forget_customer_scores(con) -> None:
    """The mentions in `claimed`, now a brand account's, lose the scores made of them as a
    customer's (the next scoring scores them again) and leave authorship_left_open."""
    if not con.execute("SELECT count(*) FROM claimed").fetchall()[0][0]:  # most loads: none
        return
    con.execute("DELETE FROM mention_scores WHERE mention_id IN (SELECT mention_id FROM claimed)")
    con.execute("DELETE FROM authorship_left_open WHERE mention_id IN (SELECT mention_id FROM claimed)")


def note_accounts(con) -> None:
    """Before a file's accounts are registered: the stored mentions that address a handle, or
    are on a page, known before it were given its brand then, so only new ones are looked for
    (a review: a regex over a million mentions of no brand, every load, took 1.8 s)."""
    con.execute("CREATE OR REPLACE TEMP TABLE accounts_before AS SELECT platform, account_id FROM brand_accounts")


def _attribute_brandless(con, new_accounts: int) -> None:
    """The load's rules in its order: inherit, a page or handle that is a new account's, a
    brand's reply, each then inherited."""
    rules = ((_FROM_PAGES, _FROM_HANDLES) if new_accounts else ()) + (_REPLIED,)
    _in_a_loads_order(con, _INHERITED, rules, _take)


def _fill_pages(con, new_accounts: int) -> None:
    """A stored mention whose brand is known but not its page (a load's --brand names the
    brand, not the page) takes, as a load's own rows do, its parent's page of the same brand,
    else the first handle of its brand it addresses, of an account this load made known (a
    review found them pageless where one file gave them the handle's page)."""
    _in_a_loads_order(con, _PAGE_INHERITED, (_PAGE_FROM_HANDLES,) if new_accounts else (), _take_pages)


def _in_a_loads_order(con, inherited: str, rules: tuple[str, ...], take) -> None:
    """Inheritance down the threads, then each rule in turn, each followed by inheritance
    again: what a rule gave flows down before the next decides, as in etl.attribute_stage.attribute.
    `take` applies what the last query put in its table and returns how many it changed."""
    _until_still(con, inherited, take)
    for rule in rules:
        con.execute(rule)
        if take(con):
            _until_still(con, inherited, take)


def _until_still(con, rule: str, take) -> None:
    for _ in range(MAX_PASSES):
        con.execute(rule)
        if not take(con):
            break


def _take_pages(con) -> int:
    count = con.execute("""UPDATE mentions m SET page = t.page FROM paged t
                           WHERE m.mention_id = t.mention_id AND m.page IS NULL""").fetchall()[0][0]
    if count:
        con.execute("INSERT INTO attributed SELECT mention_id FROM paged")
        con.execute("DELETE FROM pageless WHERE mention_id IN (SELECT mention_id FROM paged)")
    return count


def _take(con) -> int:
    """Give the mentions in `taken` (made by the last rule) their brand, page (where they have
    none) and when it was known; they leave `brandless`."""
    count = con.execute("""UPDATE mentions m SET brand = t.brand, page = coalesce(m.page, t.page)
                           FROM taken t WHERE m.mention_id = t.mention_id AND m.brand IS NULL""").fetchall()[0][0]
    if count:
        con.execute("INSERT INTO attributed SELECT mention_id FROM taken")
        con.execute("""INSERT INTO brand_from_reply SELECT mention_id, known_at FROM taken
                       WHERE known_at IS NOT NULL ON CONFLICT (mention_id) DO NOTHING""")
        con.execute("DELETE FROM brandless WHERE mention_id IN (SELECT mention_id FROM taken)")
    return count


_BRANDLESS = """
CREATE OR REPLACE TEMP TABLE brandless AS
SELECT mention_id, platform, coalesce(parent_id, shared_id) AS source_id, text
FROM mentions WHERE brand IS NULL
"""

_PAGELESS = """
CREATE OR REPLACE TEMP TABLE pageless AS
SELECT mention_id, platform, brand, coalesce(parent_id, shared_id) AS source_id, text
FROM mentions WHERE page IS NULL AND brand IS NOT NULL
"""

_PAGE_INHERITED = """
CREATE OR REPLACE TEMP TABLE paged AS
SELECT child.mention_id, source.page
FROM pageless AS child
JOIN mentions AS source ON source.mention_id = child.source_id
WHERE source.page IS NOT NULL AND source.brand = child.brand
"""

_PAGE_FROM_HANDLES = f"""
CREATE OR REPLACE TEMP TABLE paged AS
SELECT p.mention_id, arg_min('@' || a.handle, h.pos) AS page
FROM pageless AS p,
     unnest({HANDLES_SQL}) WITH ORDINALITY AS h(handle, pos)
JOIN new_accounts AS a ON lower(a.handle) = h.handle AND a.platform = p.platform AND a.brand = p.brand
WHERE {may_address_sql('p.text')}
GROUP BY p.mention_id
"""

# A mention of no brand whose parent (or shared mention) has one: that one's, known from when
# that one's was (its own time, where that one's brand was no reply's word).
_INHERITED = """
CREATE OR REPLACE TEMP TABLE taken AS
SELECT child.mention_id, source.brand, source.page, known.known_at
FROM brandless AS child
JOIN mentions AS source ON source.mention_id = child.source_id
LEFT JOIN brand_from_reply AS known ON known.mention_id = source.mention_id
WHERE source.brand IS NOT NULL
"""

# The first brand account handle a mention addresses (etl.attribute_stage's _FROM_HANDLES, with the
# handles found as canonical_batch's ASCII regex finds them).
_FROM_HANDLES = f"""
CREATE OR REPLACE TEMP TABLE taken AS
SELECT b.mention_id, arg_min(a.brand, h.pos) AS brand, arg_min('@' || a.handle, h.pos) AS page,
       NULL::TIMESTAMPTZ AS known_at
FROM brandless AS b,
     unnest({HANDLES_SQL}) WITH ORDINALITY AS h(handle, pos)
JOIN new_accounts AS a ON lower(a.handle) = h.handle AND a.platform = b.platform
WHERE {may_address_sql('b.text')}
GROUP BY b.mention_id
"""

# A stored mention left open whose author is a new account (etl.load's authorship rule).
_CLAIMED = f"""
CREATE OR REPLACE TEMP TABLE claimed AS
SELECT m.mention_id, a.brand, {ACCOUNT_PAGE_SQL} AS page
FROM mentions AS m
SEMI JOIN authorship_left_open USING (mention_id)
JOIN new_accounts AS a ON a.platform = m.platform AND a.account_id = m.author_id
"""

_NEW_ACCOUNTS = """
CREATE OR REPLACE TEMP TABLE new_accounts AS
SELECT * FROM brand_accounts ANTI JOIN accounts_before USING (platform, account_id);
SELECT count(*) FROM new_accounts
"""

# A mention on a page that is a new account's own (a facebook page id, an '@handle') is its
# brand's (etl.load's rule of the same words).
_FROM_PAGES = """
CREATE OR REPLACE TEMP TABLE taken AS
SELECT b.mention_id, min(a.brand) AS brand, NULL::VARCHAR AS page, NULL::TIMESTAMPTZ AS known_at
FROM brandless AS b
JOIN mentions AS m USING (mention_id)
JOIN new_accounts AS a ON a.platform = m.platform
                      AND (a.account_id = m.page OR lower('@' || a.handle) = lower(m.page))
GROUP BY b.mention_id
"""

# A mention of no brand that a brand account answered: that brand's (the first in name order),
# on the reply's page where it has none, from the brand's first reply.
_REPLIED = """
CREATE OR REPLACE TEMP TABLE taken AS
SELECT parent_id AS mention_id, brand, min(page) AS page, min(created_at) AS known_at
FROM mentions
WHERE is_brand AND brand IS NOT NULL AND parent_id IN (SELECT mention_id FROM brandless)
GROUP BY parent_id, brand
QUALIFY row_number() OVER (PARTITION BY parent_id ORDER BY brand) = 1
"""

# A mention known to be its brand's from that brand's first reply, the first of which came in
# another file than the one it was known from: that first reply's time, wherever it is stored
# (a split-load probe found a request answered before its brand was known). Only the mentions
# this load brings or replies to are looked at; what inherited the later time keeps it. Those
# moved count as attributed (of this load's own mentions, no update).
_EARLIER_REPLY = """
CREATE OR REPLACE TEMP TABLE earlier AS
SELECT reply.parent_id AS mention_id, min(reply.created_at) AS replied_at
FROM mentions AS reply
JOIN brand_from_reply AS known ON known.mention_id = reply.parent_id
JOIN mentions AS replied ON replied.mention_id = known.mention_id AND replied.brand = reply.brand
WHERE reply.is_brand
  AND reply.parent_id IN (SELECT mention_id FROM incoming UNION ALL SELECT parent_id FROM incoming WHERE is_brand)
GROUP BY reply.parent_id, known.known_at
HAVING min(reply.created_at) < known.known_at;
UPDATE brand_from_reply SET known_at = earlier.replied_at
FROM earlier WHERE brand_from_reply.mention_id = earlier.mention_id;
INSERT INTO attributed SELECT mention_id FROM earlier
"""
