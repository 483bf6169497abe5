-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "LedgerEntryKind" AS ENUM ('BUY', 'SELL', 'DEPOSIT', 'WITHDRAWAL', 'DIVIDEND', 'FEE');

-- CreateEnum
CREATE TYPE "ExecutionStatus" AS ENUM ('RUNNING', 'SUCCESS', 'PARTIAL', 'FAILED');

-- CreateEnum
CREATE TYPE "CreditTransactionKind" AS ENUM ('DEBIT', 'REFUND', 'GRANT');

-- CreateTable
CREATE TABLE "pricing_packs" (
    "id" TEXT NOT NULL,
    "date" DATE NOT NULL,
    "policy" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "superseded_by" TEXT,
    "sources" JSONB NOT NULL DEFAULT '[]',
    "status" TEXT NOT NULL DEFAULT 'WARMING',
    "is_fresh" BOOLEAN NOT NULL DEFAULT false,
    "prewarm_done" BOOLEAN NOT NULL DEFAULT false,
    "reconciliation_passed" BOOLEAN NOT NULL DEFAULT false,
    "reconciliation_failed" BOOLEAN NOT NULL DEFAULT false,
    "reconciliation_error_bps" DOUBLE PRECISION,
    "error_message" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "pricing_packs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "pack_prices" (
    "pack_id" TEXT NOT NULL,
    "symbol" TEXT NOT NULL,
    "close" DOUBLE PRECISION NOT NULL,
    "currency" TEXT NOT NULL,
    "source" TEXT NOT NULL,

    CONSTRAINT "pack_prices_pkey" PRIMARY KEY ("pack_id","symbol")
);

-- CreateTable
CREATE TABLE "pack_fx_rates" (
    "pack_id" TEXT NOT NULL,
    "currency" TEXT NOT NULL,
    "rate" DOUBLE PRECISION NOT NULL,
    "source" TEXT NOT NULL,

    CONSTRAINT "pack_fx_rates_pkey" PRIMARY KEY ("pack_id","currency")
);

-- CreateTable
CREATE TABLE "securities" (
    "symbol" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "currency" TEXT NOT NULL,
    "asset_class" TEXT NOT NULL,
    "exchange" TEXT,

    CONSTRAINT "securities_pkey" PRIMARY KEY ("symbol")
);

-- CreateTable
CREATE TABLE "tenants" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "credit_balance" DECIMAL(18,4) NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "tenants_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "users" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "email" TEXT,
    "roles" TEXT[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "portfolios" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "base_currency" TEXT NOT NULL,
    "ledger_head" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "portfolios_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ledger_commits" (
    "hash" TEXT NOT NULL,
    "portfolio_id" TEXT NOT NULL,
    "parent_hash" TEXT,
    "seq" INTEGER NOT NULL,
    "message" TEXT,
    "author_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ledger_commits_pkey" PRIMARY KEY ("hash")
);

-- CreateTable
CREATE TABLE "ledger_entries" (
    "id" BIGSERIAL NOT NULL,
    "commit_hash" TEXT NOT NULL,
    "ordinal" INTEGER NOT NULL,
    "kind" "LedgerEntryKind" NOT NULL,
    "symbol" TEXT,
    "quantity" DOUBLE PRECISION,
    "price" DOUBLE PRECISION,
    "currency" TEXT NOT NULL,
    "amount" DOUBLE PRECISION,
    "trade_date" DATE NOT NULL,

    CONSTRAINT "ledger_entries_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "patterns" (
    "pattern_id" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "sha256" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "cost" DECIMAL(18,4) NOT NULL,
    "definition" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "created_by" TEXT,

    CONSTRAINT "patterns_pkey" PRIMARY KEY ("pattern_id","version")
);

-- CreateTable
CREATE TABLE "executions" (
    "id" UUID NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "pattern_id" TEXT NOT NULL,
    "pattern_version" TEXT NOT NULL,
    "portfolio_id" TEXT,
    "status" "ExecutionStatus" NOT NULL,
    "pack_id" TEXT NOT NULL,
    "ledger_commit_hash" TEXT,
    "asof_date" DATE NOT NULL,
    "require_fresh" BOOLEAN NOT NULL DEFAULT true,
    "inputs" JSONB NOT NULL,
    "result" JSONB,
    "result_sha256" TEXT,
    "confidence" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "attributions" JSONB NOT NULL DEFAULT '[]',
    "errors" JSONB NOT NULL DEFAULT '[]',
    "duration_ms" DOUBLE PRECISION,
    "trace_id" TEXT NOT NULL,
    "request_id" TEXT NOT NULL,
    "idempotency_key" TEXT,
    "request_sha256" TEXT,
    "credits" DECIMAL(18,4) NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "executions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "execution_steps" (
    "id" BIGSERIAL NOT NULL,
    "execution_id" UUID NOT NULL,
    "step_id" TEXT NOT NULL,
    "capability" TEXT NOT NULL,
    "agent" TEXT,
    "status" TEXT NOT NULL,
    "attempt" INTEGER NOT NULL DEFAULT 1,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    "duration_ms" DOUBLE PRECISION,
    "error" JSONB,

    CONSTRAINT "execution_steps_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "credit_transactions" (
    "id" BIGSERIAL NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "execution_id" UUID,
    "amount" DECIMAL(18,4) NOT NULL,
    "kind" "CreditTransactionKind" NOT NULL,
    "balance_after" DECIMAL(18,4) NOT NULL,
    "reason" TEXT,
    "actor_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "credit_transactions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_log" (
    "id" BIGSERIAL NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor_id" TEXT,
    "tenant_id" TEXT,
    "action" TEXT NOT NULL,
    "resource" TEXT,
    "changes" JSONB,
    "result" TEXT NOT NULL,
    "trace_id" TEXT,
    "request_id" TEXT,

    CONSTRAINT "audit_log_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "news_items" (
    "id" TEXT NOT NULL,
    "symbol" TEXT NOT NULL,
    "headline" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "published_at" TIMESTAMPTZ(3) NOT NULL,
    "source" TEXT NOT NULL DEFAULT 'NewsAPI',

    CONSTRAINT "news_items_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "pricing_packs_date_created_at_idx" ON "pricing_packs"("date" DESC, "created_at" DESC);

-- CreateIndex
CREATE INDEX "users_tenant_id_idx" ON "users"("tenant_id");

-- CreateIndex
CREATE INDEX "portfolios_tenant_id_id_idx" ON "portfolios"("tenant_id", "id");

-- CreateIndex
CREATE UNIQUE INDEX "ledger_commits_portfolio_id_seq_key" ON "ledger_commits"("portfolio_id", "seq");

-- CreateIndex
CREATE UNIQUE INDEX "ledger_entries_commit_hash_ordinal_key" ON "ledger_entries"("commit_hash", "ordinal");

-- CreateIndex
CREATE INDEX "patterns_pattern_id_created_at_idx" ON "patterns"("pattern_id", "created_at" DESC);

-- CreateIndex
CREATE INDEX "executions_tenant_id_created_at_id_idx" ON "executions"("tenant_id", "created_at" DESC, "id" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "executions_tenant_id_idempotency_key_key" ON "executions"("tenant_id", "idempotency_key");

-- CreateIndex
CREATE INDEX "execution_steps_execution_id_idx" ON "execution_steps"("execution_id");

-- CreateIndex
CREATE INDEX "credit_transactions_tenant_id_created_at_idx" ON "credit_transactions"("tenant_id", "created_at");

-- CreateIndex
CREATE INDEX "audit_log_tenant_id_occurred_at_id_idx" ON "audit_log"("tenant_id", "occurred_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "news_items_symbol_published_at_idx" ON "news_items"("symbol", "published_at" DESC);

-- AddForeignKey
ALTER TABLE "pricing_packs" ADD CONSTRAINT "pricing_packs_superseded_by_fkey" FOREIGN KEY ("superseded_by") REFERENCES "pricing_packs"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "pack_prices" ADD CONSTRAINT "pack_prices_pack_id_fkey" FOREIGN KEY ("pack_id") REFERENCES "pricing_packs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "pack_fx_rates" ADD CONSTRAINT "pack_fx_rates_pack_id_fkey" FOREIGN KEY ("pack_id") REFERENCES "pricing_packs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "users" ADD CONSTRAINT "users_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "portfolios" ADD CONSTRAINT "portfolios_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ledger_commits" ADD CONSTRAINT "ledger_commits_portfolio_id_fkey" FOREIGN KEY ("portfolio_id") REFERENCES "portfolios"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_commit_hash_fkey" FOREIGN KEY ("commit_hash") REFERENCES "ledger_commits"("hash") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "executions" ADD CONSTRAINT "executions_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "executions" ADD CONSTRAINT "executions_pack_id_fkey" FOREIGN KEY ("pack_id") REFERENCES "pricing_packs"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "executions" ADD CONSTRAINT "executions_pattern_id_pattern_version_fkey" FOREIGN KEY ("pattern_id", "pattern_version") REFERENCES "patterns"("pattern_id", "version") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "execution_steps" ADD CONSTRAINT "execution_steps_execution_id_fkey" FOREIGN KEY ("execution_id") REFERENCES "executions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "credit_transactions" ADD CONSTRAINT "credit_transactions_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
