-- Bench data: `$3` five-minute buckets of every edge, ending at $2 (exclusive). Each row's latency
-- sketch is one of a few prebuilt DDSketches ($4) with its p50/p95 ($5, $6), so the read path merges
-- real sketches; calls and errors vary by bucket and edge.
-- $1 tenant_id, $2 end (aligned), $3 buckets, $4 sketches, $5 p50s, $6 p95s, $7 src ids, $8 dst ids
INSERT INTO service_call_5m (bucket, tenant_id, src_resource_id, dst_resource_id, rps, err_rate, p50_ms, p95_ms,
                             calls, errors, latency_sketch)
SELECT $2::timestamptz - (b + 1) * interval '5 minutes', $1, e.src, e.dst,
       x.calls / 300.0, x.errors::double precision / x.calls,
       ($5::float8[])[x.k], ($6::float8[])[x.k], x.calls, x.errors, ($4::bytea[])[x.k]
FROM generate_series(0, $3::int - 1) AS b
CROSS JOIN unnest($7::bigint[], $8::bigint[]) WITH ORDINALITY AS e(src, dst, n)
CROSS JOIN LATERAL (
  SELECT 50 + ((b * 7919 + e.n * 104729) % 450) AS calls,
         ((b * 31 + e.n * 17) % 97) % 7 AS errors,
         1 + ((b + e.n)::int % array_length($4::bytea[], 1)) AS k
) x
