-- A pattern version is what its runs were computed by and what a rerun of them runs again: once
-- published it is never rewritten (a changed definition is a new version). The application only
-- ever inserted versions; now the database holds it for every role, the owner included.
-- Hand-written; the schema diff sees no change.
CREATE TRIGGER "patterns_append_only" BEFORE UPDATE OR DELETE ON "patterns"
  FOR EACH ROW EXECUTE FUNCTION "freshgate_reject_rewrite"();
CREATE TRIGGER "patterns_no_truncate" BEFORE TRUNCATE ON "patterns"
  FOR EACH STATEMENT EXECUTE FUNCTION "freshgate_reject_rewrite"();
