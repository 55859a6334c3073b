-- How many of the graph's labels (3) and indexes (6) exist: 9 when the graph is ready.
SELECT (SELECT count(*) FROM ag_catalog.ag_label l JOIN ag_catalog.ag_graph g ON g.graphid = l.graph
         WHERE g.name = $1 AND l.name IN ('Resource', 'CALLS', 'STRUCT'))
     + (SELECT count(*) FROM pg_catalog.pg_indexes
         WHERE schemaname = $1
           AND indexname IN ('Resource_props_gin', 'Resource_key', 'Resource_id', 'CALLS_ends', 'CALLS_end',
                             'STRUCT_ends_relation')) AS ready
