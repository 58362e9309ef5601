-- The brands an audit can be run for, with each page/handle addressed and its mention count.
SELECT brand, page, count(*) AS mentions
FROM mentions
WHERE brand IS NOT NULL AND page IS NOT NULL
GROUP BY brand, page
ORDER BY brand, page
