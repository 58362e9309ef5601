-- The brands with mentions in the data and not one of them by a brand account (is_brand):
-- a file of customers' posts alone, or a brand whose handle never posts in it. Their requests
-- can only count as ignored, which is the data's silence, not the brand's.
SELECT brand
FROM mentions
WHERE brand IS NOT NULL
GROUP BY brand
HAVING NOT bool_or(is_brand)
ORDER BY brand
