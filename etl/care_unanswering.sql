-- The brands with mentions in the data and not one of them by one of the brand's own accounts
-- (is_brand, by an account brand_accounts gives that brand): a file of customers' posts alone,
-- or a brand whose handle never posts in it. Their requests can only count as ignored, which is
-- the data's silence, not the brand's. (Another brand's account posting under its name, as
-- @JetBlue under the airline file's "Delta", answers nothing of it.)
SELECT m.brand
FROM mentions AS m
LEFT JOIN brand_accounts AS a
    ON a.platform = m.platform AND a.account_id = m.author_id AND a.brand = m.brand
WHERE m.brand IS NOT NULL
GROUP BY m.brand
HAVING NOT bool_or(m.is_brand AND a.brand IS NOT NULL)
ORDER BY m.brand
