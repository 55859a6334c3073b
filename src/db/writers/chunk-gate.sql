-- Would writing rows of [$2, $3) into hypertable $1 (in our schema, the first on the search_path)
-- create a chunk? True when no chunk covers the window's first or last instant.
SELECT NOT EXISTS (SELECT 1 FROM timescaledb_information.chunks c
                    WHERE c.hypertable_schema = current_schema() AND c.hypertable_name = $1
                      AND c.range_start <= $2::timestamptz AND c.range_end > $2::timestamptz)
    OR NOT EXISTS (SELECT 1 FROM timescaledb_information.chunks c
                    WHERE c.hypertable_schema = current_schema() AND c.hypertable_name = $1
                      AND c.range_start <= $3::timestamptz - interval '1 microsecond'
                      AND c.range_end > $3::timestamptz - interval '1 microsecond') AS creates_chunk
