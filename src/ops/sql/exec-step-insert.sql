INSERT INTO ops_exec_step
  (case_id, plan_id, step_index, attempt, action, status, exit_code, dry_run, output_ref, output_bytes,
   output_sha256, output_head, error, started_at, finished_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14::timestamptz, $15::timestamptz)
RETURNING id
