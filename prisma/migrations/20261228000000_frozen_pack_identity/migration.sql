-- Issue 17, the same class as the frozen rows: what a result was computed on may not change after
-- the fact. A pack that left WARMING keeps every column its hash or its place among the packs
-- comes from — id, date, policy, hash, sources, created_at (the latest pack and every series order
-- packs by date and created_at, and a pinned run uses no pack created after its own) — while its
-- flags (fresh, failed, superseded, the reconciliation figures) still move as before.
-- Hand-written; the schema diff sees no change.
CREATE OR REPLACE FUNCTION "freshgate_pricing_pack_before_write"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW."status" := CASE
    WHEN NEW."reconciliation_failed" THEN 'ERROR'
    WHEN NEW."superseded_by" IS NOT NULL THEN 'STALE'
    WHEN NEW."is_fresh" THEN 'FRESH'
    ELSE 'WARMING'
  END;
  IF TG_OP = 'INSERT' THEN
    NEW."created_xact" := txid_current();
  ELSE
    NEW."created_xact" := OLD."created_xact";
    IF OLD."status" <> 'WARMING' AND (NEW."hash", NEW."id", NEW."date", NEW."policy", NEW."sources", NEW."created_at")
        IS DISTINCT FROM (OLD."hash", OLD."id", OLD."date", OLD."policy", OLD."sources", OLD."created_at") THEN
      RAISE EXCEPTION 'pricing pack % is % and immutable: its id, date, policy, hash, sources and created_at may not change',
        OLD."id", lower(OLD."status") USING ERRCODE = 'check_violation';
    END IF;
    IF (OLD."is_fresh" OR OLD."reconciliation_failed") AND NOT (NEW."is_fresh" OR NEW."reconciliation_failed") THEN
      RAISE EXCEPTION 'pricing pack % was % and cannot become warming again', OLD."id", lower(OLD."status") USING ERRCODE = 'check_violation';
    END IF;
    NEW."updated_at" := clock_timestamp();
  END IF;
  RETURN NEW;
END $$;

-- TRUNCATE skips the row triggers that keep history append-only: refused on every history table
-- (audit_log had it already).
CREATE TRIGGER "ledger_commits_no_truncate" BEFORE TRUNCATE ON "ledger_commits"
  FOR EACH STATEMENT EXECUTE FUNCTION "freshgate_reject_rewrite"();
CREATE TRIGGER "ledger_entries_no_truncate" BEFORE TRUNCATE ON "ledger_entries"
  FOR EACH STATEMENT EXECUTE FUNCTION "freshgate_reject_rewrite"();
CREATE TRIGGER "credit_transactions_no_truncate" BEFORE TRUNCATE ON "credit_transactions"
  FOR EACH STATEMENT EXECUTE FUNCTION "freshgate_reject_rewrite"();
