-- Metric history of the datasources' containers: one row per 10 s sample (kept a day), and rows
-- rolled up from them per 5 minutes and per hour (kept 30 days) so that a long range reads few
-- rows. Rates are per second over the row's interval.
CREATE TABLE IF NOT EXISTS metric_samples (
    datasource_id      INTEGER NOT NULL REFERENCES datasources (id) ON DELETE CASCADE,
    -- Seconds each row covers: 10 (a sample), 300 or 3600 (roll-ups).
    resolution         INTEGER NOT NULL CHECK (resolution IN (10, 300, 3600)),
    -- Unix seconds at the start of the row's interval.
    at                 INTEGER NOT NULL,
    cpu_percent        REAL    NOT NULL,
    memory_bytes       REAL    NOT NULL,
    memory_limit_bytes REAL    NOT NULL,
    net_rx_rate        REAL    NOT NULL,
    net_tx_rate        REAL    NOT NULL,
    block_read_rate    REAL    NOT NULL,
    block_write_rate   REAL    NOT NULL,
    PRIMARY KEY (datasource_id, resolution, at)
) WITHOUT ROWID;
