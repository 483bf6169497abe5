import type { DataLayer, Repositories } from '../data/data-layer';
import type { PortfolioRecord } from '../data/portfolios/portfolio-repository';
import { computeCommitHash } from '../ledger/commit-hash';
import { baseCurrencyOf } from '../packs/pack-input';
import type { Actor } from '../shared/actor';
import { badInput, type InputIssue } from '../shared/errors';
import { newPortfolioId } from './portfolio-id';
import { checkBaseCurrency, checkDescription, checkName, type ConvertibleCurrencies } from './portfolio-input';

/** What createPortfolio takes; the id is the server's to choose. */
export interface CreatePortfolioInput {
  name: string;
  baseCurrency: string;
  description?: string | null;
}

/** The message of every portfolio's root commit. */
export const ROOT_COMMIT_MESSAGE = 'Portfolio created';

/**
 * createPortfolio: a new portfolio of the actor's tenant with its root ledger commit (seq 1, no
 * parent, no entries) as its head, so `appendLedgerEntries` and `executePattern` can use it at
 * once. The portfolio, the commit and the audit entry commit together or not at all; invalid
 * input → BAD_USER_INPUT with the path of each problem, and nothing written.
 */
export async function createPortfolio(data: DataLayer, actor: Actor, input: CreatePortfolioInput): Promise<PortfolioRecord> {
  const issues: InputIssue[] = [];
  const name = checkName(input.name, 'input.name', issues);
  const description = checkDescription(input.description ?? null, 'input.description', issues);
  const baseCurrency = checkBaseCurrency(input.baseCurrency, await convertibleCurrencies(data), 'input.baseCurrency', issues);
  if (name === null || description === undefined || baseCurrency === null)
    throw badInput(`The portfolio is invalid: ${summary(issues)}`, issues);

  const id = newPortfolioId();
  const root = { portfolioId: id, parentHash: null, seq: 1, message: ROOT_COMMIT_MESSAGE, entries: [] };
  const hash = computeCommitHash(root);
  return data.transaction(async (tx: Repositories) => {
    const portfolio = await tx.portfolios.insert({ id, tenantId: actor.tenantId, name, baseCurrency, description, ledgerHead: hash });
    await tx.ledger.insertCommit({ ...root, hash, authorId: actor.userId });
    await tx.audit.append({
      actorId: actor.userId,
      tenantId: actor.tenantId,
      action: 'portfolio.create',
      resource: `portfolio:${id}`,
      changes: { name, baseCurrency, description, ledgerHead: hash },
      result: 'OK',
      traceId: actor.traceId,
      requestId: actor.requestId,
    });
    return portfolio;
  });
}

/**
 * What the packs can value: a portfolio in another currency than the pack's goes through a cross
 * rate (see the agents' FxConverter), so the latest pack's base currency and the currencies it
 * has a rate for. No pack yet: no constraint beyond ISO 4217.
 */
async function convertibleCurrencies(data: DataLayer): Promise<ConvertibleCurrencies> {
  const pack = await data.packs.findLatest();
  if (!pack) return { currencies: null, packId: null };
  const rates = await data.packs.fxRates(pack.id);
  return { currencies: new Set([baseCurrencyOf(pack.policy), ...rates.map((r) => r.currency)]), packId: pack.id };
}

function summary(issues: readonly InputIssue[]): string {
  return issues.map((i) => `${i.path}: ${i.message}`).join('; ');
}
