-- Warnings of a run (issue 17): what its steps reported without failing (a missing price, a
-- carried-forward close), each with its code, message, symbol and step.
ALTER TABLE "executions" ADD COLUMN     "warnings" JSONB NOT NULL DEFAULT '[]';
