-- depends: stg_mentions, stg_mention_sightings, stg_load_coverage, stg_loads, stg_mention_scores, stg_quarantined
-- materialized: table
-- Mentions that disappeared: posts, comments and replies seen in an earlier load, then
-- missing from a later complete export of the same page whose period covers them; a comment
-- or reply only from one that exported its parent again (an export of the page's other
-- posts says nothing of this post's comments). noticed_at is when the first such export
-- finished loading; evident_at is the end of the earliest period such an export covered, the
-- data moment from which the deletion could be known (an audit as of an earlier moment
-- cannot count it). A mention seen again by a later load is not deleted, and a record a
-- load quarantined counts as seen by that load: its export held it (a review found a comment
-- whose time a load refused counted as deleted by the brand). The mention's id is looked
-- for as a word of the refused records' raw text (its platform's part, as the file gives
-- it): a match by chance can only spare a mention, never accuse one, and a word is seldom
-- one (as a substring, a short id was spared by any refused record holding its digits). (A
-- record refused again by a later load is stored once, under the first: that later export
-- can still be taken to lack it.)
WITH mentions AS (
    -- Only a page a complete export covered can lose mentions: without one (most loads)
    -- nothing is joined (10M mentions: 0.7-1.0 s to find no row, then 0.01 s). Only what a
    -- page holds, its posts, comments and replies: a share or quote lives on its sharer's own
    -- timeline, and a page's export lists none (a share log loaded beside a Facebook page
    -- counted every share a later page export lacked as a comment the brand deleted).
    SELECT * FROM stg_mentions
    WHERE (platform, page) IN (SELECT platform, page FROM stg_load_coverage)
      AND kind NOT IN ('share', 'quote')
),

missing_from AS (
    SELECT
        mentions.mention_id,
        coverage.load_id,
        coverage.period_end,
        loads.load_finished_at
    FROM mentions
    JOIN stg_mention_sightings AS sightings USING (mention_id)
    JOIN stg_load_coverage AS coverage
      ON coverage.platform = mentions.platform
     AND coverage.page = mentions.page
     AND mentions.created_at BETWEEN coverage.period_start AND coverage.period_end
     AND coverage.load_id > sightings.last_seen_load_id
    JOIN stg_loads AS loads ON loads.load_id = coverage.load_id
    LEFT JOIN stg_mention_sightings AS parent_sightings
      ON parent_sightings.mention_id = mentions.parent_id
    WHERE (mentions.parent_id IS NULL OR coverage.load_id <= parent_sightings.last_seen_load_id)
      -- a record this load (or a later one) refused that names the mention: the export held it
      AND NOT EXISTS (
          SELECT 1 FROM stg_quarantined AS refused
          WHERE refused.load_id >= coverage.load_id
            AND contains(refused.raw, split_part(mentions.mention_id, ':', 2))
            -- as a word, unless the id holds other characters than a word's (then as text)
            AND (list_contains(regexp_split_to_array(refused.raw, '[^0-9A-Za-z_]+'),
                               split_part(mentions.mention_id, ':', 2))
                 OR NOT regexp_full_match(split_part(mentions.mention_id, ':', 2), '[0-9A-Za-z_]+'))
      )
),

first_noticed AS (
    SELECT
        mention_id,
        min(load_finished_at) AS noticed_at,
        arg_min(load_id, load_finished_at) AS noticed_load_id,
        min(period_end) AS evident_at
    FROM missing_from
    GROUP BY mention_id
),

final AS (
    SELECT
        mentions.mention_id,
        mentions.platform,
        mentions.brand,
        mentions.page,
        mentions.is_brand,
        mentions.author_id,
        mentions.created_at,
        first_noticed.noticed_at,
        first_noticed.noticed_load_id,
        first_noticed.evident_at,
        scores.sentiment_label = 'negative' AS is_negative
    FROM first_noticed
    JOIN mentions USING (mention_id)
    LEFT JOIN stg_mention_scores AS scores USING (mention_id)
)

SELECT * FROM final
