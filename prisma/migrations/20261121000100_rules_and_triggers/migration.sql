-- Rules Prisma's schema language cannot express. Hand-written; the schema diff ignores them.

-- A pricing pack's status is derived from its flags by the database itself, so every writer
-- (this server, a nightly builder, psql) gets the same answer:
-- reconciliation failed → ERROR; superseded → STALE; fresh → FRESH; otherwise WARMING.
ALTER TABLE "pricing_packs"
  ADD CONSTRAINT "pricing_packs_status_check" CHECK ("status" IN ('WARMING', 'FRESH', 'ERROR', 'STALE'));

-- One current pack per (date, policy); superseded ones stay for reproducibility.
CREATE UNIQUE INDEX "pricing_packs_current_date_policy_key"
  ON "pricing_packs" ("date", "policy") WHERE "superseded_by" IS NULL;

CREATE FUNCTION "freshgate_pricing_pack_before_write"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW."status" := CASE
    WHEN NEW."reconciliation_failed" THEN 'ERROR'
    WHEN NEW."superseded_by" IS NOT NULL THEN 'STALE'
    WHEN NEW."is_fresh" THEN 'FRESH'
    ELSE 'WARMING'
  END;
  IF TG_OP = 'UPDATE' THEN
    -- A fresh pack is what results were computed on: its content hash may not change.
    IF OLD."is_fresh" AND NEW."hash" IS DISTINCT FROM OLD."hash" THEN
      RAISE EXCEPTION 'pricing pack % is fresh and immutable', OLD."id" USING ERRCODE = 'check_violation';
    END IF;
    NEW."updated_at" := clock_timestamp();
  END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER "pricing_packs_before_write"
  BEFORE INSERT OR UPDATE ON "pricing_packs"
  FOR EACH ROW EXECUTE FUNCTION "freshgate_pricing_pack_before_write"();

-- Every insert or update announces the pack's health on channel freshgate_pack_health.
-- Listeners on every instance turn it into subscription events. The payload carries the
-- health fields so a listener needs no extra read for the changed pack itself.
CREATE FUNCTION "freshgate_pricing_pack_notify"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('freshgate_pack_health', json_build_object(
    'op', TG_OP,
    'id', NEW."id",
    'date', NEW."date",
    'policy', NEW."policy",
    'status', NEW."status",
    'isFresh', NEW."is_fresh",
    'prewarmDone', NEW."prewarm_done",
    'reconciliationPassed', NEW."reconciliation_passed",
    'supersededBy', NEW."superseded_by",
    'errorMessage', left(NEW."error_message", 500),
    'updatedAt', NEW."updated_at"
  )::text);
  RETURN NULL;
END $$;

CREATE TRIGGER "pricing_packs_notify"
  AFTER INSERT OR UPDATE ON "pricing_packs"
  FOR EACH ROW EXECUTE FUNCTION "freshgate_pricing_pack_notify"();

-- Append-only tables: history is never rewritten, not even by the application's own user.
CREATE FUNCTION "freshgate_reject_rewrite"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE TRIGGER "audit_log_append_only" BEFORE UPDATE OR DELETE ON "audit_log"
  FOR EACH ROW EXECUTE FUNCTION "freshgate_reject_rewrite"();
CREATE TRIGGER "audit_log_no_truncate" BEFORE TRUNCATE ON "audit_log"
  FOR EACH STATEMENT EXECUTE FUNCTION "freshgate_reject_rewrite"();
CREATE TRIGGER "ledger_commits_append_only" BEFORE UPDATE OR DELETE ON "ledger_commits"
  FOR EACH ROW EXECUTE FUNCTION "freshgate_reject_rewrite"();
CREATE TRIGGER "ledger_entries_append_only" BEFORE UPDATE OR DELETE ON "ledger_entries"
  FOR EACH ROW EXECUTE FUNCTION "freshgate_reject_rewrite"();
CREATE TRIGGER "credit_transactions_append_only" BEFORE UPDATE OR DELETE ON "credit_transactions"
  FOR EACH ROW EXECUTE FUNCTION "freshgate_reject_rewrite"();

-- Credits can never go negative, whatever the concurrency.
ALTER TABLE "tenants" ADD CONSTRAINT "tenants_credit_balance_nonnegative" CHECK ("credit_balance" >= 0);

ALTER TABLE "users" ADD CONSTRAINT "users_roles_known"
  CHECK ("roles" <@ ARRAY['viewer', 'analyst', 'admin', 'service']::text[]);
ALTER TABLE "portfolios" ADD CONSTRAINT "portfolios_base_currency_iso" CHECK ("base_currency" ~ '^[A-Z]{3}$');
ALTER TABLE "pack_fx_rates" ADD CONSTRAINT "pack_fx_rates_positive" CHECK ("rate" > 0);
ALTER TABLE "pack_prices" ADD CONSTRAINT "pack_prices_positive" CHECK ("close" > 0);

-- Superseding swaps which pack is current for a (date, policy) inside one transaction: the old
-- pack must point at the new one before the new one may exist (partial unique index above),
-- so the reference is only checked at commit.
ALTER TABLE "pricing_packs" ALTER CONSTRAINT "pricing_packs_superseded_by_fkey" DEFERRABLE INITIALLY DEFERRED;
