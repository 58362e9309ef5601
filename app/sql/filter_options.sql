-- What the sidebar filters can choose from: every brand, platform and page with its date span
-- (the dash_filter_options mart).
SELECT brand, platform, page, first_at, last_at, mentions
FROM dash_filter_options
ORDER BY brand, platform, page
