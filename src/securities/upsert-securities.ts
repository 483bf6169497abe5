import type { DataLayer } from '../data/data-layer';
import type { SecurityRecord } from '../data/reference/security-repository';
import type { Actor } from '../shared/actor';
import { badInput, type InputIssue } from '../shared/errors';
import { checkSecurities, SYMBOL_PATTERN, type SecurityInput } from './security-rules';

/** More issues than this are summed up: enough to fix a payload, never a megabyte of them. */
const MAX_REPORTED_ISSUES = 100;

/**
 * upsertSecurities: registers new securities and updates the names, asset classes and exchanges
 * of known ones — all of them or none, in one transaction with its audit entry. The symbols are
 * locked first, so two upserts of one symbol apply one after the other and the currency check
 * sees the row it guards.
 */
export async function upsertSecurities(data: DataLayer, actor: Actor, inputs: readonly SecurityInput[]): Promise<SecurityRecord[]> {
  // The shape is checked before anything is read: a refused list costs no lock.
  const shaped = checkSecurities(inputs, new Map());
  if (shaped.issues.length > 0) throw invalid(shaped.issues);
  return data.transaction(async (tx) => {
    const current = await tx.securities.lockBySymbols(shaped.securities.map((s) => s.symbol));
    const registered = new Map(current.map((s) => [s.symbol, s]));
    const { securities, issues } = checkSecurities(inputs, registered);
    if (issues.length > 0) throw invalid(issues);
    const written = await tx.securities.upsertMany(securities);
    const created = securities.filter((s) => !registered.has(s.symbol)).map((s) => s.symbol);
    const updated = securities.filter((s) => registered.has(s.symbol) && !sameSecurity(s, registered.get(s.symbol)!)).map((s) => s.symbol);
    await tx.audit.append({
      actorId: actor.userId,
      tenantId: actor.tenantId,
      action: 'securities.upsert',
      resource: 'securities',
      changes: { created, updated, unchanged: securities.length - created.length - updated.length },
      result: 'OK',
      traceId: actor.traceId,
      requestId: actor.requestId,
    });
    return written;
  });
}

/** The symbol prefix a listing may filter on: the symbol alphabet only, so nothing in it is a pattern. */
export function checkSymbolPrefix(prefix: string | null | undefined): string | null {
  if (prefix === null || prefix === undefined || prefix === '') return null;
  if (!SYMBOL_PATTERN.test(prefix)) {
    throw badInput('symbolPrefix must be 1–32 letters, digits or . - ^ =', [{ path: 'filter.symbolPrefix', message: 'invalid prefix' }]);
  }
  return prefix;
}

function sameSecurity(a: SecurityRecord, b: SecurityRecord): boolean {
  return a.name === b.name && a.currency === b.currency && a.assetClass === b.assetClass && a.exchange === b.exchange;
}

function invalid(issues: InputIssue[]) {
  const reported = issues.slice(0, MAX_REPORTED_ISSUES);
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
  return badInput(`Invalid securities: ${issues[0].path}: ${issues[0].message}${more}`, reported);
}
