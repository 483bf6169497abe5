/**
 * The one vocabulary of symbols: what a security may be registered as, and the check packs and
 * ledgers make against the registry. Pure: the callers look the securities up.
 */
import { isIsoCurrency } from '../ledger/entry-validation';
import type { InputIssue } from '../shared/errors';
import { isOneLineText } from '../shared/one-line-text';

/** Letters, digits and `. - ^ =` (RY.TO, BRK-B, ^GSPC, EURUSD=X), 1–32 characters: the symbols packs and ledgers accept. */
export const SYMBOL_PATTERN = /^[A-Za-z0-9.\-^=]{1,32}$/;

/**
 * The asset classes a security may have: a closed set, so charts and filters group by them
 * without spelling variants ("Equity", "equities") splitting a class.
 */
export const ASSET_CLASSES = [
  'EQUITY',
  'ETF',
  'FUND',
  'FIXED_INCOME',
  'CASH_EQUIVALENT',
  'COMMODITY',
  'CRYPTO',
  'DERIVATIVE',
  'REAL_ESTATE',
  'OTHER',
] as const;

/** Longest name accepted: a full legal name fits, a document does not. */
export const MAX_NAME_LENGTH = 200;
/** Longest exchange accepted (NYSE Arca, an MIC, a full market name). */
export const MAX_EXCHANGE_LENGTH = 64;

/** Most securities one upsert may register: a pack's worth of new listings, far below the body limit. */
export const MAX_SECURITIES_PER_UPSERT = 5_000;

/** A security as a caller sends it: untrusted. */
export interface SecurityInput {
  symbol: string;
  name: string;
  currency: string;
  assetClass: string;
  exchange?: string | null;
}

/** What is already registered about a symbol, for the checks that compare with it. */
export interface RegisteredSecurity {
  symbol: string;
  currency: string;
}

/** A valid security, trimmed: `exchange` empty or absent becomes null. */
export interface CheckedSecurity {
  symbol: string;
  name: string;
  currency: string;
  assetClass: string;
  exchange: string | null;
}

/**
 * Checks securities to register, each problem at its path (`input.3.currency`). A registered
 * security keeps its currency: ledgers hold it and packs price it in that currency, so changing
 * it would make their history mean something else.
 */
export function checkSecurities(
  inputs: readonly SecurityInput[],
  registered: ReadonlyMap<string, RegisteredSecurity>,
  path = 'input',
): { securities: CheckedSecurity[]; issues: InputIssue[] } {
  const issues: InputIssue[] = [];
  const add = (at: string, message: string) => issues.push({ path: at, message });
  if (inputs.length === 0) add(path, 'at least one security');
  if (inputs.length > MAX_SECURITIES_PER_UPSERT) add(path, `at most ${MAX_SECURITIES_PER_UPSERT} securities per call`);
  const seen = new Set<string>();
  const securities = inputs.map((input, i): CheckedSecurity => {
    const at = `${path}.${i}`;
    const name = input.name.trim();
    const exchange = input.exchange?.trim() || null;
    if (!SYMBOL_PATTERN.test(input.symbol)) add(`${at}.symbol`, 'must be 1–32 letters, digits or . - ^ = (like RY.TO)');
    else if (seen.has(input.symbol)) add(`${at}.symbol`, `duplicate symbol ${input.symbol}`);
    seen.add(input.symbol);
    if (!isOneLineText(name, MAX_NAME_LENGTH)) add(`${at}.name`, `must be 1–${MAX_NAME_LENGTH} characters on one line`);
    if (!isIsoCurrency(input.currency)) add(`${at}.currency`, 'must be an ISO 4217 currency code like USD');
    else {
      const current = registered.get(input.symbol);
      if (current && current.currency !== input.currency)
        add(`${at}.currency`, `${input.symbol} is registered in ${current.currency}; a security's currency cannot change`);
    }
    if (!(ASSET_CLASSES as readonly string[]).includes(input.assetClass))
      add(`${at}.assetClass`, `must be one of ${ASSET_CLASSES.join(', ')}`);
    if (exchange !== null && !isOneLineText(exchange, MAX_EXCHANGE_LENGTH))
      add(`${at}.exchange`, `must be at most ${MAX_EXCHANGE_LENGTH} characters on one line`);
    return { symbol: input.symbol, name, currency: input.currency, assetClass: input.assetClass, exchange };
  });
  return { securities, issues };
}

/**
 * Symbols a pack's prices or a ledger's entries name must be registered, in the security's
 * currency: one vocabulary for both. `items` are the rows in the caller's order, `path` their
 * list (`prices`, `entries`). Rows without a symbol (cash entries) are skipped.
 */
export function unregisteredSymbolIssues(
  items: readonly { symbol?: string | null; currency: string }[],
  registered: ReadonlyMap<string, RegisteredSecurity>,
  path: string,
): InputIssue[] {
  const issues: InputIssue[] = [];
  items.forEach((item, i) => {
    if (!item.symbol) return;
    const security = registered.get(item.symbol);
    if (!security)
      issues.push({ path: `${path}.${i}.symbol`, message: `unknown symbol ${item.symbol}; register it first (upsertSecurities)` });
    else if (security.currency !== item.currency)
      issues.push({ path: `${path}.${i}.currency`, message: `${item.symbol} trades in ${security.currency}, not ${item.currency}` });
  });
  return issues;
}
