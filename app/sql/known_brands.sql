-- Every brand in the database, whether or not its mentions name a page or handle (SPEC 3: a
-- page may be empty), from the sidebar's mart rather than a scan of every mention.
SELECT DISTINCT brand
FROM dash_filter_options
WHERE brand IS NOT NULL
ORDER BY brand
