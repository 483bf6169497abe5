-- AlterTable
ALTER TABLE "executions" ADD COLUMN     "retry_of" UUID;

-- Pack ids, policies and error messages travel in every pack NOTIFY, whose payload PostgreSQL
-- caps at 8,000 bytes: bounded here, whoever writes the row (the API validates the same).
ALTER TABLE "pricing_packs"
  ADD CONSTRAINT "pricing_packs_id_length" CHECK (char_length("id") <= 128),
  ADD CONSTRAINT "pricing_packs_policy_length" CHECK (char_length("policy") <= 64);
