INSERT INTO case_timeline
  (case_id, event, actor, reason, correlation_id, meta, from_status, to_status, version, outcome)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
RETURNING id
