-- Typical query 2, second half: the event's evidence links with their OO locators (the way back to the
-- raw rows). A locator of another tenant is never joined, whatever ref_oo says.
-- $1 tenant_id, $2 event_id, $3 limit, $4 offset
SELECT ev.evidence_id, ev.dim, ev.ref_pg, ev.note,
       ol.id AS locator_id, ol.dataset, ol.bucket, ol.object_key, ol.t_from, ol.t_to, ol.query_hint, ol.attributes
FROM event_envelope e
JOIN evidence_link ev ON ev.event_id = e.event_id
LEFT JOIN oo_locator ol ON ol.id = ev.ref_oo AND ol.tenant_id = e.tenant_id
WHERE e.tenant_id = $1 AND e.event_id = $2::uuid
ORDER BY ev.evidence_id
LIMIT $3 OFFSET $4
