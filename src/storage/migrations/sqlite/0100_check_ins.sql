-- Check-ins: what the check-ins list and idempotent scans need beyond 0001.

-- `ordering=created_at` over a million check-ins without a sort.
CREATE INDEX check_ins_org_created ON check_ins (org_id, created_at, id);

-- Idempotency keys are purged by age.
CREATE INDEX idempotency_keys_created ON idempotency_keys (org_id, created_at);
