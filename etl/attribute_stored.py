"""Brands that only a later load can give: a stored mention of no brand that a brand account
answers in this load, a mention of this load that a stored brand reply answers, and what
inherits from either down its thread.

A load gives its rows their brand from its own rows and the stored rows they link to
(etl.load's _attribute). Exports come in parts (a month a file), so a complaint and the
brand's reply to it may come in different files, in either order: the complaint stayed
without a brand, out of every metric, where one file of both gave it one (a review found 43
of 5,000 twcs mentions so, split into two files by time). The same rules, run over the
stored mentions once this load's are in: a mention a brand account replied to concerns that
brand (the first in name order), from the time of its first reply (brand_from_reply); a
reply, comment or share concerns what its parent (or shared mention) concerns, from the time
that one's brand was known.
"""

from __future__ import annotations

# Each pass follows one more link down a thread (as etl.load's _MAX_INHERIT_PASSES).
MAX_PASSES = 50


def attribute(con, load_id: int) -> int:
    """Give the stored mentions of no brand the brands this load makes known; returns how
    many mentions of earlier loads took one (the rows it updated, which a load reports and
    which make the models rebuild rather than update)."""
    if not _can_change(con):
        return 0
    con.execute("CREATE OR REPLACE TEMP TABLE attributed (mention_id VARCHAR)")
    con.execute(_REPLIED_ACROSS)
    _take(con, "replied_across")
    for _ in range(MAX_PASSES):
        con.execute(_INHERITED)
        if not _take(con, "inherited"):
            break
    return con.execute("SELECT count(*) FROM mentions SEMI JOIN attributed USING (mention_id) "
                       "WHERE load_id <> ?", [load_id]).fetchall()[0][0]


def _can_change(con) -> bool:
    """Whether this load left a mention of no brand, or links to a stored one: most loads
    neither (every row of a canonical export has its brand), and then nothing is probed."""
    left, linked = con.execute("SELECT (SELECT count(*) FROM incoming WHERE brand IS NULL), "
                               "(SELECT count(*) FROM linked WHERE brand IS NULL)").fetchall()[0]
    return bool(left or linked)


def _take(con, table: str) -> int:
    """Give the mentions in `table` its brand, page (where they have none) and known_at."""
    taken = con.execute(f"""UPDATE mentions m SET brand = t.brand, page = coalesce(m.page, t.page)
                            FROM {table} t WHERE m.mention_id = t.mention_id AND m.brand IS NULL""").fetchall()[0][0]
    if taken:
        con.execute(f"INSERT INTO attributed SELECT mention_id FROM {table}")
        con.execute(f"""INSERT INTO brand_from_reply
                        SELECT mention_id, known_at FROM {table} WHERE known_at IS NOT NULL
                        ON CONFLICT (mention_id) DO NOTHING""")
    return taken


# A mention of no brand that a brand account answered: that brand's (the first in name order),
# on the reply's page where it has none, from the brand's first reply.
_REPLIED_ACROSS = """
CREATE OR REPLACE TEMP TABLE replied_across AS
SELECT parent_id AS mention_id, brand, min(page) AS page, min(created_at) AS known_at
FROM mentions
WHERE is_brand AND brand IS NOT NULL
  AND parent_id IN (SELECT mention_id FROM mentions WHERE brand IS NULL)
GROUP BY parent_id, brand
QUALIFY row_number() OVER (PARTITION BY parent_id ORDER BY brand) = 1
"""

# A mention of no brand whose parent (or shared mention) has one: that one's, known from when
# that one's was (its own time, where that one's brand was no reply's word).
_INHERITED = """
CREATE OR REPLACE TEMP TABLE inherited AS
SELECT child.mention_id, source.brand, source.page, known.known_at
FROM mentions AS child
JOIN mentions AS source ON source.mention_id = coalesce(child.parent_id, child.shared_id)
LEFT JOIN brand_from_reply AS known ON known.mention_id = source.mention_id
WHERE child.brand IS NULL AND source.brand IS NOT NULL
"""
