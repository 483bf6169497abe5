-- Reproducibility: a result may read a security's reference data (its name and asset class in
-- holdings_detail, the allocation and exposure by asset class), and upsertSecurities may change
-- that data. Every version of a security is kept here, written by a trigger whoever changes
-- `securities`, and a run reads the version that stood when the later of its pack and its ledger
-- commit was written: the same pack + ledger commit read the same reference data, however it has
-- changed since.
CREATE TABLE "security_versions" (
    "id" BIGSERIAL NOT NULL,
    "symbol" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "currency" TEXT NOT NULL,
    "asset_class" TEXT NOT NULL,
    "exchange" TEXT,
    "recorded_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "security_versions_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "security_versions_symbol_recorded_at_id_idx" ON "security_versions"("symbol", "recorded_at" DESC, "id" DESC);

-- Hand-written from here; the schema diff sees only the table and its index.

-- The time a version took effect is the clock at the write, in the precision packs and ledger
-- commits record theirs (created_at is timestamptz(3) there too), so "written before" compares like
-- with like.
CREATE FUNCTION "freshgate_security_version"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND (NEW."symbol", NEW."name", NEW."currency", NEW."asset_class", NEW."exchange")
      IS NOT DISTINCT FROM (OLD."symbol", OLD."name", OLD."currency", OLD."asset_class", OLD."exchange") THEN
    RETURN NULL;
  END IF;
  INSERT INTO "security_versions" ("symbol", "name", "currency", "asset_class", "exchange", "recorded_at")
  VALUES (NEW."symbol", NEW."name", NEW."currency", NEW."asset_class", NEW."exchange", clock_timestamp());
  RETURN NULL;
END $$;

CREATE TRIGGER "securities_versions" AFTER INSERT OR UPDATE ON "securities"
  FOR EACH ROW EXECUTE FUNCTION "freshgate_security_version"();

CREATE TRIGGER "security_versions_append_only" BEFORE UPDATE OR DELETE ON "security_versions"
  FOR EACH ROW EXECUTE FUNCTION "freshgate_reject_rewrite"();
CREATE TRIGGER "security_versions_no_truncate" BEFORE TRUNCATE ON "security_versions"
  FOR EACH STATEMENT EXECUTE FUNCTION "freshgate_reject_rewrite"();

-- The securities registered before versions were kept: in effect since always, so the runs before
-- this migration read what they read then.
INSERT INTO "security_versions" ("symbol", "name", "currency", "asset_class", "exchange", "recorded_at")
SELECT "symbol", "name", "currency", "asset_class", "exchange", '1970-01-01T00:00:00Z' FROM "securities";
