-- Reproducibility of news: a run read the headlines published by the end of its as-of day, so a
-- headline written later with an earlier published_at (a late feed, a backfill) changed every
-- rerun of portfolio_news. Each item now records when it was written, a run reads only the items
-- written by its cut-off (the later of its pack's and its ledger commit's creation), and items are
-- never rewritten.

-- The items that exist were known before any run made after this migration: since always.
ALTER TABLE "news_items" ADD COLUMN "recorded_at" TIMESTAMPTZ(3) NOT NULL DEFAULT '1970-01-01T00:00:00Z';
ALTER TABLE "news_items" ALTER COLUMN "recorded_at" SET DEFAULT CURRENT_TIMESTAMP;

-- Hand-written from here; the schema diff sees only the column.
CREATE TRIGGER "news_items_append_only" BEFORE UPDATE OR DELETE ON "news_items"
  FOR EACH ROW EXECUTE FUNCTION "freshgate_reject_rewrite"();
CREATE TRIGGER "news_items_no_truncate" BEFORE TRUNCATE ON "news_items"
  FOR EACH STATEMENT EXECUTE FUNCTION "freshgate_reject_rewrite"();
