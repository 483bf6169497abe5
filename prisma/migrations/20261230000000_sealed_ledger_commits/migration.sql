-- A ledger commit is sealed once its transaction has committed: its entries are what its hash was
-- computed from and what a run pinned to it replays. UPDATE and DELETE were refused already; an
-- INSERT of a new entry into an existing commit was not, and would change every rerun pinned to
-- it (the same hole the frozen packs closed for pack rows). Only the transaction that inserted a
-- commit may add its entries (a large append streams them in after the commit row).

-- Which transaction inserted the commit (set by the trigger below, whatever the writer sends).
ALTER TABLE "ledger_commits" ADD COLUMN "created_xact" BIGINT;

-- Hand-written from here; the schema diff sees only the column.
CREATE FUNCTION "freshgate_ledger_commit_before_insert"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW."created_xact" := txid_current();
  RETURN NEW;
END $$;

CREATE TRIGGER "ledger_commits_created_xact" BEFORE INSERT ON "ledger_commits"
  FOR EACH ROW EXECUTE FUNCTION "freshgate_ledger_commit_before_insert"();

-- Once per statement over the rows it inserted (a bulk load inserts thousands of entries at once).
CREATE FUNCTION "freshgate_ledger_entries_sealed"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  sealed text;
BEGIN
  SELECT c."hash" INTO sealed
    FROM inserted i JOIN "ledger_commits" c ON c."hash" = i."commit_hash"
   WHERE c."created_xact" IS DISTINCT FROM txid_current()
   LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'ledger commit % is sealed: only the transaction that wrote it may add its entries', sealed
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER "ledger_entries_sealed" AFTER INSERT ON "ledger_entries"
  REFERENCING NEW TABLE AS inserted
  FOR EACH STATEMENT EXECUTE FUNCTION "freshgate_ledger_entries_sealed"();
