-- Issue 17: the freshness gate sees every committed pack write, and a pack that left WARMING is
-- immutable in fact. Hand-written; the schema diff sees only the column and the table.

-- Which transaction inserted a pack (set by the trigger below, whatever the writer sends). A bulk
-- load inserts packs with their final flags and then their rows: only that transaction may fill a
-- pack that is already fresh, failed or superseded.
ALTER TABLE "pricing_packs" ADD COLUMN "created_xact" BIGINT;

-- The gate's head: the latest pack that is not superseded, in PackRepository.findLatest's order
-- (date, then created_at, then id, newest first), with the two flags the gate reads. One row,
-- rewritten by every statement that writes pricing_packs. An execution's start statement locks it
-- FOR SHARE and re-checks it: a pack write that committed after the statement's snapshot makes
-- PostgreSQL re-evaluate the check on the new row version (and refuse), and one still in progress
-- waits for the run's row to commit, or the run waits for it. Either way one comes after the other.
CREATE TABLE "pricing_pack_head" (
    "singleton" BOOLEAN NOT NULL DEFAULT true,
    "pack_id" TEXT,
    "is_fresh" BOOLEAN NOT NULL DEFAULT false,
    "reconciliation_failed" BOOLEAN NOT NULL DEFAULT false,
    "changed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "pricing_pack_head_pkey" PRIMARY KEY ("singleton"),
    CONSTRAINT "pricing_pack_head_one_row" CHECK ("singleton")
);

CREATE FUNCTION "freshgate_pricing_pack_head_refresh"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- Lock first, read after: each statement of this (volatile) function takes a new snapshot, so
  -- the read below starts after any concurrent pack writer that held the head has committed, and
  -- never writes back a latest pack that misses that writer's.
  PERFORM 1 FROM "pricing_pack_head" WHERE "singleton" FOR UPDATE;
  UPDATE "pricing_pack_head" h
  SET "pack_id" = l."id",
      "is_fresh" = coalesce(l."is_fresh", false),
      "reconciliation_failed" = coalesce(l."reconciliation_failed", false),
      "changed_at" = clock_timestamp()
  FROM (SELECT 1) AS one
  LEFT JOIN LATERAL (
    SELECT p."id", p."is_fresh", p."reconciliation_failed" FROM "pricing_packs" p
    WHERE p."superseded_by" IS NULL
    ORDER BY p."date" DESC, p."created_at" DESC, p."id" DESC
    LIMIT 1
  ) AS l ON true
  WHERE h."singleton";
  RETURN NULL;
END $$;

INSERT INTO "pricing_pack_head" ("singleton") VALUES (true);

CREATE TRIGGER "pricing_packs_head"
  AFTER INSERT OR UPDATE OR DELETE ON "pricing_packs"
  FOR EACH STATEMENT EXECUTE FUNCTION "freshgate_pricing_pack_head_refresh"();

-- The head of the packs that exist already.
UPDATE "pricing_pack_head" h
SET "pack_id" = l."id", "is_fresh" = coalesce(l."is_fresh", false), "reconciliation_failed" = coalesce(l."reconciliation_failed", false)
FROM (SELECT 1) AS one
LEFT JOIN LATERAL (
  SELECT p."id", p."is_fresh", p."reconciliation_failed" FROM "pricing_packs" p
  WHERE p."superseded_by" IS NULL
  ORDER BY p."date" DESC, p."created_at" DESC, p."id" DESC
  LIMIT 1
) AS l ON true
WHERE h."singleton";

-- The pack row's rules (replaces the rules_and_triggers version). Status as before. A pack that
-- left WARMING keeps its hash, and one that was fresh or failed never goes back to WARMING (its
-- prices would become writable again).
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
    -- What results were computed on: its content hash may not change.
    IF OLD."status" <> 'WARMING' AND NEW."hash" IS DISTINCT FROM OLD."hash" THEN
      RAISE EXCEPTION 'pricing pack % is % and immutable', OLD."id", lower(OLD."status") USING ERRCODE = 'check_violation';
    END IF;
    IF (OLD."is_fresh" OR OLD."reconciliation_failed") AND NOT (NEW."is_fresh" OR NEW."reconciliation_failed") THEN
      RAISE EXCEPTION 'pricing pack % was % and cannot become warming again', OLD."id", lower(OLD."status") USING ERRCODE = 'check_violation';
    END IF;
    NEW."updated_at" := clock_timestamp();
  END IF;
  RETURN NEW;
END $$;

-- A pack's prices and FX rates are written only while it is WARMING (or by the transaction that
-- inserted it). The pack's row is locked FOR SHARE, so a concurrent markPackFresh (which locks it
-- FOR NO KEY UPDATE) and a write of its rows happen one after the other: the write either comes first
-- (and the mark's hash check sees it) or is refused.
CREATE FUNCTION "freshgate_pack_rows_guard"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  targets text[];
  target text;
  pack record;
BEGIN
  IF TG_OP = 'INSERT' THEN
    targets := ARRAY[NEW."pack_id"];
  ELSIF TG_OP = 'DELETE' THEN
    targets := ARRAY[OLD."pack_id"];
  ELSE
    targets := ARRAY[OLD."pack_id", NEW."pack_id"];
  END IF;
  FOREACH target IN ARRAY targets LOOP
    SELECT p."status", p."created_xact" INTO pack FROM "pricing_packs" p WHERE p."id" = target FOR SHARE;
    -- Not found: the pack itself is being deleted (a cascade) or never existed (the foreign key says so).
    IF FOUND AND pack."status" <> 'WARMING' AND pack."created_xact" IS DISTINCT FROM txid_current() THEN
      RAISE EXCEPTION 'pricing pack % is % and immutable: % on % is not allowed', target, lower(pack."status"), TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'check_violation';
    END IF;
  END LOOP;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER "pack_prices_frozen" BEFORE INSERT OR UPDATE OR DELETE ON "pack_prices"
  FOR EACH ROW EXECUTE FUNCTION "freshgate_pack_rows_guard"();
CREATE TRIGGER "pack_fx_rates_frozen" BEFORE INSERT OR UPDATE OR DELETE ON "pack_fx_rates"
  FOR EACH ROW EXECUTE FUNCTION "freshgate_pack_rows_guard"();

-- Deleting a pack that left WARMING would delete its rows by cascade: refused too.
CREATE FUNCTION "freshgate_pricing_pack_before_delete"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD."status" <> 'WARMING' AND OLD."created_xact" IS DISTINCT FROM txid_current() THEN
    RAISE EXCEPTION 'pricing pack % is % and immutable: DELETE is not allowed', OLD."id", lower(OLD."status")
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN OLD;
END $$;

CREATE TRIGGER "pricing_packs_before_delete" BEFORE DELETE ON "pricing_packs"
  FOR EACH ROW EXECUTE FUNCTION "freshgate_pricing_pack_before_delete"();

-- TRUNCATE skips row triggers: refused while any pack has left WARMING.
CREATE FUNCTION "freshgate_pack_truncate_guard"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM "pricing_packs" WHERE "status" <> 'WARMING') THEN
    RAISE EXCEPTION '% holds immutable packs: TRUNCATE is not allowed', TG_TABLE_NAME USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER "pack_prices_no_truncate" BEFORE TRUNCATE ON "pack_prices"
  FOR EACH STATEMENT EXECUTE FUNCTION "freshgate_pack_truncate_guard"();
CREATE TRIGGER "pack_fx_rates_no_truncate" BEFORE TRUNCATE ON "pack_fx_rates"
  FOR EACH STATEMENT EXECUTE FUNCTION "freshgate_pack_truncate_guard"();
CREATE TRIGGER "pricing_packs_no_truncate" BEFORE TRUNCATE ON "pricing_packs"
  FOR EACH STATEMENT EXECUTE FUNCTION "freshgate_pack_truncate_guard"();
