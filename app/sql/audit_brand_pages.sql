-- The brands an audit can be run for, with each page/handle addressed, its platform and its
-- mention count (brand accounts' included), from the sidebar's mart of them rather than a
-- scan of every mention (0.1 s at 10M mentions). A page name on several platforms is audited
-- on all of them, and so names them all ('facebook and twitter'; min() named one of them).
SELECT brand, page, string_agg(DISTINCT platform, ' and ' ORDER BY platform) AS platform,
       sum(mentions)::BIGINT AS mentions
FROM dash_filter_options
WHERE brand IS NOT NULL AND page IS NOT NULL
GROUP BY brand, page
ORDER BY brand, page
