-- depends: stg_mentions, stg_mention_scores
-- materialized: table
-- incremental: thread mention_id
-- The dashboard's list of customer complaint mentions (not by a brand account, not a share,
-- scored a complaint) with the columns its influencer list filters and ranks on, most-followed
-- authors first: app/sql/risk_influencers.sql reads the top of it instead of joining every
-- mention with its scores on each filter change. The text stays in mentions (read for the
-- rows shown only).
WITH final AS (
    SELECT
        m.mention_id, m.brand, m.platform, m.page, m.author_id, m.author_handle,
        m.author_followers, m.created_at, m.kind, scores.complaint_reason
    FROM stg_mentions AS m
    JOIN stg_mention_scores AS scores USING (mention_id)
    WHERE NOT m.is_brand AND scores.is_complaint
      AND m.kind <> 'share'
)

SELECT * FROM final
ORDER BY author_followers DESC NULLS LAST, created_at DESC, mention_id
