-- Portfolios users create: a description, and archiving (the ledger and executions stay).
ALTER TABLE "portfolios" ADD COLUMN     "archived_at" TIMESTAMPTZ(3),
ADD COLUMN     "description" TEXT;

-- The API's bounds, held by the table too, whoever writes the row.
ALTER TABLE "portfolios"
  ADD CONSTRAINT "portfolios_name_length" CHECK (char_length("name") BETWEEN 1 AND 200),
  ADD CONSTRAINT "portfolios_description_length" CHECK (char_length("description") <= 2000);
