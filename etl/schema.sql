-- The warehouse's source tables (SPEC section 3). Only etl/warehouse.py executes this file,
-- and only inside a writer; every statement is idempotent so an older database is upgraded
-- in place when the next load opens it.

-- One row per file loaded. rows_read = rows_loaded + rows_duplicate + rows_quarantined.
CREATE TABLE IF NOT EXISTS loads (
    load_id          INTEGER PRIMARY KEY,
    format           VARCHAR NOT NULL,      -- twcs, twitter-json, facebook-json, csv, demo
    file             VARCHAR NOT NULL,      -- path as given on the command line
    file_sha256      VARCHAR,
    file_bytes       BIGINT,
    source           VARCHAR,               -- what the file is an export of, e.g. 'facebook:page 123'
    status           VARCHAR NOT NULL,      -- complete, partial (some records quarantined), failed
    rows_read        BIGINT NOT NULL,
    rows_loaded      BIGINT NOT NULL,
    rows_duplicate   BIGINT NOT NULL,
    rows_quarantined BIGINT NOT NULL,
    rows_updated     BIGINT NOT NULL,       -- stored mentions changed: counters a newer export refreshed,
                                            -- or a brand, page or brand-known time this load gave them
    rows_blank       BIGINT NOT NULL,       -- empty lines skipped; not records, not counted as read
    started_at       TIMESTAMPTZ NOT NULL,
    finished_at      TIMESTAMPTZ NOT NULL,
    message          VARCHAR                -- first problem, in one line, when there was one; then what the
                                            -- load said of the file (its notes: etl/load.py _logged_message)
);

-- Every record a load could not accept, with where it was and why.
CREATE TABLE IF NOT EXISTS quarantine (
    load_id  INTEGER NOT NULL,
    position BIGINT NOT NULL,               -- 1-based record number within the file
    locator  VARCHAR NOT NULL,              -- human position: 'line 17', 'line 3: comments[2]'
    raw      VARCHAR NOT NULL,              -- the record as read (decoded with replacement if need be)
    reason   VARCHAR NOT NULL
);

-- One row per post, comment, reply, share or quote, whatever the platform.
CREATE TABLE IF NOT EXISTS mentions (
    mention_id       VARCHAR PRIMARY KEY,   -- platform-qualified: 'twitter:123'
    platform         VARCHAR NOT NULL,      -- twitter, facebook, instagram, reddit, review, other
    brand            VARCHAR,               -- null when no brand could be attributed
    page             VARCHAR,               -- '@handle' or facebook page id addressed
    author_id        VARCHAR NOT NULL,
    author_handle    VARCHAR,
    author_followers BIGINT,
    is_brand         BOOLEAN NOT NULL,
    created_at       TIMESTAMPTZ NOT NULL,
    text             VARCHAR NOT NULL,
    kind             VARCHAR NOT NULL,      -- post, reply, comment, share, quote
    parent_id        VARCHAR,               -- platform-qualified
    shared_id        VARCHAR,               -- platform-qualified, for share and quote
    likes            BIGINT,
    shares           BIGINT,
    replies          BIGINT,
    load_id          INTEGER NOT NULL       -- the load that first wrote it
);

-- The last load whose export contained each mention. Kept apart from mentions so that
-- re-loading a file leaves the mentions table exactly as it was.
-- mention_sightings and mention_scores hold one row per mention id with no PRIMARY KEY: the
-- one writer adds a row only for an id the table lacks (an anti join in etl/load.py;
-- etl/scores.py scores only unscored mentions). Their keys' indexes, which no read used, were
-- two thirds of the 10M warehouse's 1.1 GB of indexes, built on every load (mentions' own
-- serves the pages' look-ups of a few mentions by id). A warehouse made with them keeps them;
-- the same statements serve both.
CREATE TABLE IF NOT EXISTS mention_sightings (
    mention_id   VARCHAR NOT NULL,
    last_load_id INTEGER NOT NULL
);

-- What period of which page each load's export covered: the basis of deleted-comment
-- detection (a mention inside a later export's coverage but missing from it was deleted).
CREATE TABLE IF NOT EXISTS load_coverage (
    load_id      INTEGER NOT NULL,
    platform     VARCHAR NOT NULL,
    page         VARCHAR NOT NULL,
    period_start TIMESTAMPTZ NOT NULL,
    period_end   TIMESTAMPTZ NOT NULL
);

-- Accounts that speak for a brand: learned from loads (twcs outbound authors, facebook pages)
-- or declared with --brand-account.
CREATE TABLE IF NOT EXISTS brand_accounts (
    platform   VARCHAR NOT NULL,
    account_id VARCHAR NOT NULL,
    handle     VARCHAR,                     -- as the platform shows it, without '@'
    brand      VARCHAR NOT NULL,
    PRIMARY KEY (platform, account_id)
);

-- Per-brand settings the metrics need. Brands without a row use UTC.
CREATE TABLE IF NOT EXISTS brands (
    brand    VARCHAR PRIMARY KEY,
    timezone VARCHAR NOT NULL DEFAULT 'UTC',
    industry VARCHAR
);

-- Text analytics of each mention (etl/text.py). Keyed by mention; text_hash lets a rescore
-- reuse the score of an identical text scored for the same side (etl.scores.score_key).
CREATE TABLE IF NOT EXISTS mention_scores (
    mention_id         VARCHAR NOT NULL,
    text_hash          VARCHAR NOT NULL,
    sentiment_compound DOUBLE NOT NULL,
    sentiment_label    VARCHAR NOT NULL,    -- negative, neutral, positive
    is_complaint       BOOLEAN NOT NULL,
    is_question        BOOLEAN NOT NULL,
    needs_reply        BOOLEAN NOT NULL,
    is_deflection      BOOLEAN NOT NULL,
    complaint_reason   VARCHAR,
    scorer_version     VARCHAR NOT NULL
);

-- Mentions whose file left is_brand open, taken as a customer's because no brand account
-- was known for their author then: a later load that makes the author a brand account makes
-- them the brand's, as one file of both would have (etl/attribute_stored.py).
CREATE TABLE IF NOT EXISTS authorship_left_open (
    mention_id VARCHAR PRIMARY KEY
);

-- Mentions whose brand a load took from a brand account's reply to them, nothing else (no
-- handle, page, thread or column) naming it: they are known to concern the brand only from
-- that reply's time, so a metric as of an earlier moment does not count them (SPEC 4: as of
-- T, only data created up to T). Written with the mention, never changed.
CREATE TABLE IF NOT EXISTS brand_from_reply (
    mention_id VARCHAR PRIMARY KEY,
    known_at   TIMESTAMPTZ NOT NULL             -- the brand's first reply to it
);
