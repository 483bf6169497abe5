-- A finished run is a record: its result and resultSha256, what it ran on (pack, ledger commit,
-- pattern version, inputs), its status, charge and times may not change once it left RUNNING —
-- an export or a client comparing hashes must get what was computed. The one change a finished
-- run still takes is the release of its idempotency key by a new attempt (a run FAILED for the
-- server's reasons). Hand-written; the schema diff sees no change. A column added to executions
-- later must be added to the list below.
CREATE FUNCTION "freshgate_execution_before_update"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD."status" = 'RUNNING' THEN
    RETURN NEW;
  END IF;
  -- json has no equality operator: the result is compared as its text (the canonical bytes).
  IF (NEW."id", NEW."tenant_id", NEW."user_id", NEW."pattern_id", NEW."pattern_version", NEW."portfolio_id", NEW."status",
      NEW."pack_id", NEW."ledger_commit_hash", NEW."asof_date", NEW."require_fresh", NEW."pack_fresh", NEW."inputs",
      NEW."result"::text, NEW."result_sha256", NEW."confidence", NEW."attributions", NEW."errors", NEW."warnings",
      NEW."duration_ms", NEW."trace_id", NEW."request_id", NEW."request_sha256", NEW."retry_of", NEW."credits",
      NEW."created_at", NEW."finished_at")
     IS DISTINCT FROM
     (OLD."id", OLD."tenant_id", OLD."user_id", OLD."pattern_id", OLD."pattern_version", OLD."portfolio_id", OLD."status",
      OLD."pack_id", OLD."ledger_commit_hash", OLD."asof_date", OLD."require_fresh", OLD."pack_fresh", OLD."inputs",
      OLD."result"::text, OLD."result_sha256", OLD."confidence", OLD."attributions", OLD."errors", OLD."warnings",
      OLD."duration_ms", OLD."trace_id", OLD."request_id", OLD."request_sha256", OLD."retry_of", OLD."credits",
      OLD."created_at", OLD."finished_at")
     OR (NEW."idempotency_key" IS DISTINCT FROM OLD."idempotency_key" AND NEW."idempotency_key" IS NOT NULL) THEN
    RAISE EXCEPTION 'execution % is % and immutable: only its idempotency key may be released', OLD."id", lower(OLD."status"::text)
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER "executions_finished_frozen" BEFORE UPDATE ON "executions"
  FOR EACH ROW EXECUTE FUNCTION "freshgate_execution_before_update"();
