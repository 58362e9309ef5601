"""Brand attribution of a load's staged rows: which are by brand accounts, and which brand and
page each concerns, from this file's rows and the stored rows they link to. (etl.attribute_stored
runs the same rules over the stored mentions of no brand once the load's rows are in.)

The rules, in order: authorship by an account --brand-account declared or a load learned; a
brand account's rows take its brand and page; a page that is a brand's own names the brand; a
reply, comment or share concerns what its parent (or shared mention) concerns; a root tweet the
first brand handle it addresses; failing everything else, a brand account's reply to it gives
that brand. After each, what it gave flows down the threads.
"""

from __future__ import annotations

from .attribute_stored import MAX_PASSES
from .sources.records import ACCOUNT_PAGE_SQL, Account, ParseOptions


def declare_accounts(con, options: ParseOptions) -> None:
    """--brand-account names the brand's accounts whatever the format: their rows whose file
    leaves authorship open (an empty is_brand) are the brand's, and each account is kept
    under --brand (else its rows' brand) for later loads. (The json parsers read the option
    themselves; csv and twcs rows did not.)"""
    if not options.brand_accounts:
        return
    ids = list(options.brand_accounts)
    declared = {"ids": ids, "handles": [a.lstrip("@").lower() for a in ids]}
    con.execute(f"UPDATE stage SET is_brand = true WHERE is_brand IS NULL AND {_DECLARED}", declared)
    con.execute(f"""INSERT INTO brand_accounts
                    SELECT platform, author_id, any_value(author_handle), any_value(coalesce($brand, brand))
                    FROM stage
                    WHERE is_brand AND coalesce($brand, brand) IS NOT NULL AND {_DECLARED}
                    GROUP BY platform, author_id
                    ON CONFLICT DO NOTHING""", {**declared, "brand": options.brand})
    if options.brand:
        con.execute(_SILENT_ACCOUNTS, {"handles": [a.lstrip("@") for a in ids], "brand": options.brand})


# A declared account with no row in the file (a brand that never answered: the ghost town
# itself) is still the brand's handle on the file's platforms, so the customers who address
# it are the brand's, on its page (a review found them loaded with no brand at all). Its id is
# the handle with its '@', which no author's id is, until the account's own rows come
# (_SUPERSEDED_SILENT).
_SILENT_ACCOUNTS = """
INSERT INTO brand_accounts
SELECT platforms.platform, '@' || declared.handle, declared.handle, $brand
FROM (SELECT DISTINCT platform FROM stage) AS platforms,
     (SELECT DISTINCT unnest($handles) AS handle) AS declared
WHERE NOT EXISTS (SELECT 1 FROM stage WHERE stage.platform = platforms.platform
                  AND lower(declared.handle) IN (lower(stage.author_id), lower(stage.author_handle)))
ON CONFLICT DO NOTHING
"""


# A stage row by a declared account: its id, or its handle in any case and without '@'.
_DECLARED = "(author_id IN (SELECT unnest($ids)) OR lower(author_handle) IN (SELECT unnest($handles)))"


def register_accounts(con, accounts: list[Account]) -> None:
    # The first brand an account was given stays: a later load's --brand labels its mentions, not the account.
    for account in {(a.platform, a.account_id): a for a in accounts}.values():
        con.execute(
            "INSERT INTO brand_accounts VALUES (?, ?, ?, ?) ON CONFLICT (platform, account_id) "
            "DO UPDATE SET handle = coalesce(excluded.handle, brand_accounts.handle)",
            [account.platform, account.account_id, account.handle, account.brand])


def attribute(con) -> None:
    """Decide which rows are brand accounts and which brand and page each row concerns."""
    con.execute("CREATE OR REPLACE TEMP TABLE left_open AS SELECT mention_id FROM stage WHERE is_brand IS NULL")
    con.execute(_SUPERSEDED_SILENT)
    for statement in _ATTRIBUTE_ONCE:
        con.execute(statement)
    _inherit_down_threads(con)
    if con.execute(_FROM_HANDLES).fetchall()[0][0]:
        # what a handle gave flows down before a brand's reply decides: a customer's follow-up
        # to a tweet that named the brand is the brand's from its own time, not from the reply
        # (a split-load probe found it so only when the two came in different files)
        _inherit_down_threads(con)
    con.execute(_BRAND_REPLIED)
    con.execute("INSERT INTO brand_known SELECT mention_id, known_at FROM brand_replied")
    con.execute(_BRAND_FROM_BRAND_REPLY)
    _inherit_down_threads(con)  # what the last two rules attributed flows down the threads


def _inherit_down_threads(con, max_passes: int = MAX_PASSES) -> None:
    """Give rows their parent's (or shared mention's) brand, pass after pass, until a pass
    changes nothing; a brand known only from a later time (brand_known) is inherited with
    that time."""
    timed = con.execute("SELECT count(*) FROM brand_known").fetchall()[0][0] > 0  # most loads: none
    for _ in range(max_passes):
        if timed:
            con.execute(_KNOWN_FROM_LINKS)  # before the rows it reads take their brand
        if not con.execute(_INHERIT_FROM_LINKS).fetchall()[0][0]:
            break


# A declared account known only by its handle (_SILENT_ACCOUNTS) gives way to the account's
# own rows, by handle or id, in any case: two spellings of one handle made two pages (a review).
_SUPERSEDED_SILENT = """
DELETE FROM brand_accounts AS silent
WHERE starts_with(silent.account_id, '@')
  AND EXISTS (SELECT 1 FROM brand_accounts AS own
              WHERE own.platform = silent.platform AND NOT starts_with(own.account_id, '@')
                AND lower(silent.handle) IN (lower(own.handle), lower(own.account_id)))
"""

_ATTRIBUTE_ONCE = [
    # Authorship: an account of a brand, learned from this or earlier loads.
    """UPDATE stage SET is_brand = EXISTS (
         SELECT 1 FROM brand_accounts a WHERE a.platform = stage.platform AND a.account_id = stage.author_id)
       WHERE is_brand IS NULL""",
    f"""UPDATE stage SET brand = coalesce(stage.brand, a.brand), page = coalesce(stage.page, {ACCOUNT_PAGE_SQL})
       FROM brand_accounts a
       WHERE stage.is_brand AND a.platform = stage.platform AND a.account_id = stage.author_id
         AND (stage.brand IS NULL OR stage.page IS NULL)""",
    # A page that is a brand's own (a facebook page id, an '@handle') names the brand.
    """UPDATE stage SET brand = a.brand
       FROM brand_accounts a
       WHERE stage.brand IS NULL AND stage.page IS NOT NULL AND a.platform = stage.platform
         AND (a.account_id = stage.page OR lower('@' || a.handle) = lower(stage.page))""",
    # Parents and shared mentions loaded earlier are looked up once.
    """CREATE OR REPLACE TEMP TABLE linked AS
       SELECT m.mention_id, m.brand, m.page FROM mentions m
       WHERE m.mention_id IN (SELECT parent_id FROM stage UNION SELECT shared_id FROM stage)""",
    # Which of those, and later which rows of this load, concern their brand only from a
    # brand account's reply, and from when: what inherits their brand inherits that time.
    """CREATE OR REPLACE TEMP TABLE brand_known AS
       SELECT b.mention_id, b.known_at FROM brand_from_reply b SEMI JOIN linked USING (mention_id)""",
]

# A reply, comment or share concerns the brand its parent (or shared mention) concerns, and
# is on its page when it has none of its own (a load's --brand names the brand, not the page).
_INHERIT_FROM_LINKS = """
UPDATE stage SET brand = src.brand, page = coalesce(stage.page, src.page)
FROM (SELECT mention_id, brand, page FROM stage WHERE brand IS NOT NULL
      UNION ALL SELECT mention_id, brand, page FROM linked WHERE brand IS NOT NULL) src
WHERE src.mention_id = coalesce(stage.parent_id, stage.shared_id)
  AND (stage.brand IS NULL
       OR (stage.page IS NULL AND src.page IS NOT NULL AND stage.brand = src.brand))
"""

# A row taking its brand from a parent (or shared mention) known to concern it only from a
# later time takes that time too: the rows _INHERIT_FROM_LINKS then gives a brand, and those
# whose brand only a brand's reply to them gave (brand_known; the earliest time wins, see
# _record_brands_from_replies), so a reply to the post before the reply to the comment
# counts. Not a row that addresses one of that brand's handles: it says so itself, from its
# own time (whether _FROM_HANDLES, which runs after the first passes, reached it or not).
_KNOWN_FROM_LINKS = """
INSERT INTO brand_known
SELECT stage.mention_id, known.known_at
FROM stage
JOIN brand_known AS known ON known.mention_id = coalesce(stage.parent_id, stage.shared_id)
JOIN (SELECT mention_id, brand FROM stage WHERE brand IS NOT NULL
      UNION ALL SELECT mention_id, brand FROM linked WHERE brand IS NOT NULL) AS src
  ON src.mention_id = known.mention_id
WHERE (stage.brand IS NULL OR stage.mention_id IN (SELECT mention_id FROM brand_known))
  AND NOT list_has_any(coalesce(stage.mentioned_handles, []),
                       (SELECT coalesce(list(lower(a.handle)), []) FROM brand_accounts a
                        WHERE a.brand = src.brand AND a.platform = stage.platform AND a.handle IS NOT NULL))
"""

# A root tweet concerns the first brand whose handle it addresses, and is on that handle's
# page (SPEC 3: the handle addressed). One whose brand is known already (a load's --brand)
# but not its page is on the first of that brand's handles it addresses.
_FROM_HANDLES = """
UPDATE stage SET brand = coalesce(stage.brand, hit.brand), page = coalesce(stage.page, hit.page)
FROM (
    SELECT s.mention_id, arg_min(a.brand, h.pos) AS brand, arg_min('@' || a.handle, h.pos) AS page
    FROM stage s,
         unnest(s.mentioned_handles) WITH ORDINALITY AS h(handle, pos)
    JOIN brand_accounts a ON lower(a.handle) = h.handle AND a.platform = s.platform
                         AND (s.brand IS NULL OR a.brand = s.brand)
    WHERE s.brand IS NULL OR s.page IS NULL
    GROUP BY s.mention_id
) hit
WHERE stage.mention_id = hit.mention_id
"""

# Failing everything else, a message a brand account answered concerns that brand (the
# first in name order when several did), from the time of that brand's first reply to it.
_BRAND_REPLIED = """
CREATE OR REPLACE TEMP TABLE brand_replied AS
SELECT parent_id AS mention_id, brand, min(page) AS page, min(created_at) AS known_at
FROM stage
WHERE is_brand AND brand IS NOT NULL
  AND parent_id IN (SELECT mention_id FROM stage WHERE brand IS NULL)
GROUP BY parent_id, brand
QUALIFY row_number() OVER (PARTITION BY parent_id ORDER BY brand) = 1
"""
_BRAND_FROM_BRAND_REPLY = """
UPDATE stage SET brand = r.brand, page = coalesce(stage.page, r.page)
FROM brand_replied r
WHERE stage.brand IS NULL AND r.mention_id = stage.mention_id
"""
