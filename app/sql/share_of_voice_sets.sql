-- The comparison sets of share of voice and each brand's share within its set: a fragment, not
-- a query, the rest of a WITH whose first part is `volume` (bucket, brand, mentions), put in by
-- app.queries.sql_text where trends_share_of_voice.sql and trends_share_of_voice_slots.sql name
-- it on a line alone, so the two read the sets and shares alike. The set is the selected brands
-- plus, when $by_industry, every brand of the same industry (share computed within each
-- industry); with no brand selected, every brand.
industries AS (
    SELECT brand, industry FROM brands WHERE industry IS NOT NULL
),

chosen_industries AS (
    SELECT DISTINCT industry FROM industries WHERE list_contains($brands, brand)
),

labelled AS (
    SELECT volume.*, coalesce(industries.industry, 'no industry: ' || volume.brand) AS industry,
           list_contains($brands, volume.brand) AS selected
    FROM volume LEFT JOIN industries USING (brand)
),

in_set AS (
    SELECT * FROM labelled
    WHERE len($brands) = 0 OR selected
       OR ($by_industry AND industry IN (SELECT industry FROM chosen_industries))
)

SELECT bucket, brand, industry, selected, mentions,
       mentions / sum(mentions) OVER (
           PARTITION BY bucket, CASE WHEN $by_industry THEN industry ELSE '' END) AS share
FROM in_set
ORDER BY bucket, brand
