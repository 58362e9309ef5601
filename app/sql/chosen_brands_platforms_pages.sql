-- The sidebar's brands, platforms and pages ($brands, $platforms, $pages; an empty list: all)
-- as a WHERE on rows with brand, platform and page columns: a fragment, not a query, put in by
-- app.queries.sql_text where a query names it on a line alone after its FROM; a query's own
-- conditions (its dates) follow it with AND. One filter for the Trends and Overview queries
-- (customer_mentions_chosen.sql, chosen_slots.sql, overview_volume.sql,
-- trends_negative_counts_slots.sql, trends_brand_starts.sql), the care lists'
-- (care_selection.sql), the deleted comments (care_deleted.sql), the complete exports' pages
-- (complete_export_pages.sql) and the influencer complaints (risk_influencers.sql).
    WHERE (len($brands) = 0 OR list_contains($brands, brand))
      AND (len($platforms) = 0 OR list_contains($platforms, platform))
      AND (len($pages) = 0 OR list_contains($pages, page))
