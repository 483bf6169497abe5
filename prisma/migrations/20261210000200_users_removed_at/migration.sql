-- AlterTable
-- Removing a user sets removed_at instead of deleting the row: executions, ledger commits, credit
-- entries and the audit log name users by id, and a removed id must never sign in again as
-- someone else (tokens carry only the id).
ALTER TABLE "users" ADD COLUMN     "removed_at" TIMESTAMPTZ(3);
