"""What a load says to its user, apart from the load itself (etl/load.py): the counts of a
report in words, and the notes on how a file was given, which the command line and the
Data page's upload both print after a load."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .sources import HEADED_FORMATS

if TYPE_CHECKING:  # load imports this module, for the wording of its progress and log
    from .load import LoadReport


def loads_named(load_ids) -> str:
    """'load 3', 'loads 1 and 3', 'loads 1, 2 and 3'."""
    ids = [str(load) for load in load_ids]
    listed = ids[0] if len(ids) == 1 else f"{', '.join(ids[:-1])} and {ids[-1]}"
    return f"load{'s' if len(ids) > 1 else ''} {listed}"


def duplicates_said(report: LoadReport) -> str:
    """'3 duplicate', and how many of them came with another text than the stored one's:
    kept silently, an edited text would look like a plain copy (a review)."""
    said = f"{report.rows_duplicate:,} duplicate"
    if report.rows_other_text:
        said += f" ({report.rows_other_text:,} of them with a different text: the stored one was kept)"
    return said


def none_accepted(report: LoadReport) -> bool:
    """Every record read was quarantined, none loaded nor a duplicate: most often a file of
    another format than the one it was loaded as (a Twitter JSON file loaded as facebook-json)."""
    return report.rows_quarantined > 0 and not report.rows_loaded and not report.rows_duplicate


def format_in_doubt(report: LoadReport) -> bool:
    """No record accepted from a file whose format nothing checked before its records: most
    often a file of another format (a Twitter JSON file loaded as facebook-json). A csv or twcs
    file got past its header, so its records failed on their own (times without an offset,
    ids stored with another author), and asking 'is the file csv?' sent a reader after the
    wrong fault."""
    return none_accepted(report) and report.format not in HEADED_FORMATS


def load_notes(con, report: LoadReport, brand: str | None, given_as: str = "--brand",
               accounts_as: str = "--brand-account ID") -> list[str]:
    """What a load's stored rows say of how it was given, read in one pass over them by the
    load's writer (con), which keeps them in the load log (report.notes; the command line and
    the upload both print them after a load):
    - a csv row's own brand wins over the brand it was told (given_as: '--brand' or the upload's
      field): a consultant's --brand United read as if it relabelled the file (a real-data review);
    - brand posts that all reply to nothing answer no request: a newcomer's csv with no parent_id
      column loaded the brand's answers as posts of their own, every request unanswered, unsaid;
    - no row the brand's, of a brand with no known account (accounts_as: how to name one): a file
      with no is_brand column loaded the brand's replies as customers' posts, unsaid (a review);
      and of its mentions of no brand, which a brand given (given_as) would have named;
    - replies and shares whose parent or shared mention is neither in the load's files nor stored
      (etl.load kept them with keep_unlinked): the reply became a request of its own, unsaid (a review);
    - records that named themselves as parent or shared mention kept, without that link."""
    if not report.rows_loaded:
        return unlinked_said(con, report) + self_links_said(report)
    [(loaded, other_brand, example, brand_posts, linked)] = con.execute(
        """SELECT count(*), count(*) FILTER (WHERE brand <> $brand),
                  any_value(brand) FILTER (WHERE brand <> $brand),
                  count(*) FILTER (WHERE is_brand), count(parent_id)
           FROM mentions WHERE load_id = $load""", {"brand": brand, "load": report.load_id}).fetchall()
    notes = []
    if brand and other_brand:
        notes.append(f"{other_brand:,} of the {loaded:,} mentions loaded kept the brand their file gives (e.g. "
                     f"{example!r}), not {given_as} {brand!r}, which names only the brand of rows that give none")
    if brand_posts and not linked:
        notes.append(f"Brand accounts wrote {brand_posts:,} of the {report.rows_loaded:,} mentions loaded, and none "
                     "of them replies to another (no parent_id), so the brand's posts answer no request: an answer "
                     "counts when its parent_id names the mention it replies to")
    if not brand_posts:
        notes += _no_brand_rows_said(con, report, given_as, accounts_as)
    return notes + unlinked_said(con, report) + self_links_said(report)


# A file's records whose parent_id or shared_id names no stored mention, with where each is in
# the file: kept by keep_unlinked while its records (`incoming`, which alone has their lines) are at
# hand, asked again by unlinked_said once every file of the load is merged (a later one may hold them).
_UNLINKED_TABLE = """CREATE TEMP TABLE IF NOT EXISTS unlinked (load_id INTEGER, position BIGINT, locator VARCHAR,
                                                             mention_id VARCHAR, link VARCHAR, target VARCHAR)"""
# Stored nowhere: not in the file (every id of `incoming` is stored once it is merged) nor among
# the stored mentions its links named before the merge, which etl.attribute_stage looked up
# once (`linked`). Probing `mentions` again scanned its every id: 10M, 1.4-1.7 s a file.
_KEEP_UNLINKED = """
INSERT INTO unlinked
WITH links AS (
    SELECT position, locator, mention_id, 'parent_id' AS link, parent_id AS target FROM incoming
    WHERE parent_id IS NOT NULL
    UNION ALL
    SELECT position, locator, mention_id, 'shared_id' AS link, shared_id AS target FROM incoming
    WHERE shared_id IS NOT NULL
)
SELECT $load, links.*
FROM links
ANTI JOIN incoming ON incoming.mention_id = links.target
ANTI JOIN linked ON linked.mention_id = links.target
"""

# How many of a load's replies and shares still point at no stored mention (none stored by a
# later file of the load since), and the first few by line: a count and at most UNLINKED_SHOWN
# examples, however many there are (a twcs export holds thousands of replies to tweets outside it).
_UNLINKED = """
SELECT count(*) FILTER (WHERE u.link = 'parent_id'), count(*) FILTER (WHERE u.link = 'shared_id'),
       min_by(u.locator || ': ' || u.mention_id || ' -> ' || u.target,
              u.position * 2 + (u.link = 'shared_id')::INTEGER, $shown)
FROM unlinked u
ANTI JOIN (SELECT mention_id FROM mentions WHERE load_id > $load) later ON later.mention_id = u.target
WHERE u.load_id = $load
"""
UNLINKED_SHOWN = 3
# what such a link means for the metrics (SPEC 4: a request continues nothing it cannot see, a
# response replies to a message of the request, a cascade's root has no parent in the data)
_REPLY_MEANS = "such a reply by a customer is timed as a request of its own, and one by the brand answers nothing"
_SHARE_MEANS = "such a share starts a cascade of its own instead of spreading the mention it shares"


def keep_unlinked(con, load_id: int) -> None:
    """After a file's merge: its records whose parent or shared mention is stored nowhere yet
    (etl.load calls it while `incoming` holds the file's records; unlinked_said reads them)."""
    con.execute(_UNLINKED_TABLE)
    con.execute(_KEEP_UNLINKED, {"load": load_id})


def unlinked_said(con, report: LoadReport) -> list[str]:
    """The note on a load's replies and shares whose parent or shared mention is neither in its
    files nor stored: a reply whose parent was missing loaded silently, became a request of its
    own, then ignored (a user review). A failed file kept none (nor, first of its load, the table)."""
    con.execute(_UNLINKED_TABLE)
    [(replies, shares, examples)] = con.execute(_UNLINKED, {"load": report.load_id,
                                                            "shown": UNLINKED_SHOWN}).fetchall()
    if not replies and not shares:
        return []
    counted = [f"{count:,} {word if count == 1 else plural}" for count, word, plural in
               ((replies, "reply", "replies"), (shares, "share", "shares")) if count]
    more = replies + shares - len(examples)
    shown = ", ".join(examples) + (f", and {more:,} more" if more else "")
    point = "points at a mention" if replies + shares == 1 else "point at mentions"
    meaning = [said for count, said in ((replies, _REPLY_MEANS), (shares, _SHARE_MEANS)) if count]
    return [f"{' and '.join(counted)} {point} not loaded ({shown}): {'; '.join(meaning)}"]


def _no_brand_rows_said(con, report: LoadReport, given_as: str, accounts_as: str) -> list[str]:
    """The notes on a load with no row the brand's: for its brands with no account known, every
    reply then reads as a customer's post; its mentions of no brand at all concern none (a file
    of them read 'no account of None is known': a real-data review). Asked only when no row is
    the brand's (most loads have some)."""
    [(unmarked, brandless)] = con.execute(
        """SELECT list(DISTINCT m.brand ORDER BY m.brand) FILTER (WHERE m.brand IS NOT NULL),
                  count(*) FILTER (WHERE m.brand IS NULL)
           FROM mentions m
           WHERE m.load_id = $load AND NOT EXISTS (SELECT 1 FROM brand_accounts a WHERE a.brand = m.brand)""",
        {"load": report.load_id}).fetchall()
    notes = []
    if brandless:
        have = "has" if brandless == 1 else "have"
        notes.append(f"{brandless:,} of the {report.rows_loaded:,} mentions loaded {have} no brand (the file names "
                     f"none for them): load the file again naming the brand they concern with {given_as}")
    if unmarked:
        brands = ", ".join(repr(name) for name in unmarked)
        notes.append(f"No mention loaded is marked as the brand's (no is_brand true) and no account of {brands} is "
                     f"known, so every reply reads as a customer's post: mark the brand's rows with is_brand, or "
                     f"load the file again with {accounts_as} naming the brand's accounts")
    return notes


def read_as_said(encoding: str) -> str:
    """The note on a file read as another code page than UTF-8 (etl.sources.textio.read_as)."""
    return f"not UTF-8; read as {encoding}"


def self_links_said(report: LoadReport) -> list[str]:
    """The note on records that named themselves as their parent or shared mention."""
    if not report.rows_self_linked:
        return []
    records = "record names its" if report.rows_self_linked == 1 else "records name their"
    return [f"{report.rows_self_linked:,} {records} own mention_id as parent_id or shared_id (first: "
            f"{report.first_self_linked}): kept without that link, as a mention can neither reply to nor "
            "share itself"]
