-- A private temporary weekly_snapshots (this cursor only, never the warehouse file) holding the
-- previous week's values, so etl.snapshot.compute_week can take week-over-week deltas on a
-- read-only connection exactly as `python -m etl snapshot` would. It shadows the stored table.
CREATE TEMP TABLE weekly_snapshots (
    week              VARCHAR NOT NULL,
    brand             VARCHAR NOT NULL,
    mentions          BIGINT,
    requests          BIGINT,
    complaint_share   DOUBLE,
    net_sentiment     DOUBLE,
    ghost_town_rate   DOUBLE,
    sla_rate          DOUBLE,
    km_median_minutes DOUBLE,
    deflection_rate   DOUBLE,
    deleted_comments  BIGINT
)
