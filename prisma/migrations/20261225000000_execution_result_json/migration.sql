-- A run's result is stored as the canonical JSON text its result_sha256 hashes, byte for byte
-- (json keeps the text; jsonb parsed and re-laid it out on every finish, the costliest part of
-- that statement after the flush). Existing results keep the text jsonb gave them.
ALTER TABLE "executions" ALTER COLUMN "result" SET DATA TYPE JSON;
