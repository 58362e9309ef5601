-- The brands with mentions in the data and not one of them by a brand account (is_brand): a
-- file of customers' posts alone, or a brand whose handle never posts in it. Their requests can
-- only count as ignored, which is the data's silence, not the brand's. A brand account's post
-- filed under the brand counts, whichever brand the account was first registered under: the care
-- metrics take its reply as the brand's answer (care_reply_times.sql), and the note must not say
-- 100% beside a rate that is not (a review). Of the brands in $brands (empty: of all).
SELECT brand
FROM mentions
WHERE brand IS NOT NULL
  AND (len($brands) = 0 OR list_contains($brands, brand))
GROUP BY brand
HAVING NOT bool_or(is_brand)
ORDER BY brand
