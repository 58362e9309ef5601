-- What the sidebar filters can choose from: every brand, platform and page with its date span.
SELECT brand, platform, page,
       min(created_at) AS first_at,
       max(created_at) AS last_at,
       count(*) AS mentions
FROM mentions
GROUP BY brand, platform, page
ORDER BY brand, platform, page
