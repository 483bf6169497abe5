-- AlterTable
ALTER TABLE "executions" ADD COLUMN     "pack_fresh" BOOLEAN NOT NULL DEFAULT true;
