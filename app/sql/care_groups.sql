-- The values behind the grouping codes of care_requests_scope.sql, in code order (which is
-- sorted order): grouping (brand, page, platform), code, value.
SELECT grouping, code, value
FROM dash_care_groups
ORDER BY grouping, code
