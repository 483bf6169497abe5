import path from 'node:path';
import { loadPatternFiles, PatternLoadError } from '../../../src/orchestrator/pattern-catalog';

const FIXTURES = path.join(__dirname, '../../fixtures');
const dir = (name: string) => path.join(FIXTURES, name);
const CAPS = new Set(['demo.load', 'demo.sum']);
const PATTERNS_DIR = path.join(__dirname, '../../../patterns'); // the real pattern library

function loadError(folder: string, caps: ReadonlySet<string> = CAPS): PatternLoadError {
  let caught: unknown;
  try {
    loadPatternFiles(dir(folder), caps);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(PatternLoadError);
  return caught as PatternLoadError;
}

describe('loadPatternFiles', () => {
  it('loads every file of a valid folder, in file-name order, several versions of one id allowed', () => {
    const loaded = loadPatternFiles(dir('patterns-valid'), CAPS);
    expect(loaded.map((p) => `${p.definition.id}@${p.definition.version}`)).toEqual([
      'fixture_alpha@1.1.0', // alpha-1.1.json
      'fixture_alpha@1.0.0', // alpha.json
      'fixture_beta@2.0.0',
    ]);
    for (const p of loaded) expect(p.sha256).toMatch(/^sha256:[0-9a-f]{64}$/);
    // Two versions of one pattern are different definitions.
    expect(loaded[0].sha256).not.toBe(loaded[1].sha256);
    expect(loaded[1].plan.dependsOn).toEqual({ load: [], sum: ['load'] });
  });

  it('loads the real patterns/ folder with the capabilities they use', () => {
    const caps = new Set([
      'ledger.positions',
      'pricing.apply_pack',
      'pricing.valuation_series',
      'metrics.compute_twr',
      'metrics.compute_mwr',
      'metrics.risk',
      'charts.overview',
      'news.headlines',
      'attribution.currency',
      'holdings.detail',
      'metrics.drawdowns',
      'metrics.concentration',
      'ledger.cash_flows',
      'metrics.performance_periods',
      'pricing.benchmark_series',
      'metrics.benchmark_comparison',
    ]);
    expect(
      loadPatternFiles(PATTERNS_DIR, caps)
        .map((p) => p.definition.id)
        .sort(),
    ).toEqual([
      'benchmark_comparison',
      'cash_flows_income',
      'concentration',
      'currency_attribution',
      'drawdowns',
      'holdings_detail',
      'performance_periods',
      'portfolio_news',
      'portfolio_overview',
      'portfolio_risk',
    ]);
  });

  it('a valid folder with a capability the runtime lacks is rejected, naming the file', () => {
    const error = loadError('patterns-valid', new Set(['demo.load']));
    expect(error.message).toContain(path.join(dir('patterns-valid'), 'alpha-1.1.json'));
    expect(error.message).toMatch(/unknown capability "demo\.sum"/);
  });

  it('a cyclic pattern: names the cyclic file (not the valid one before it) and the cycle', () => {
    const error = loadError('patterns-cycle');
    expect(error.message).toContain('b-cyclic.json');
    expect(error.message).toContain(path.join(dir('patterns-cycle'), 'b-cyclic.json'));
    expect(error.message).not.toContain('a-valid.json');
    expect(error.message).toMatch(/"load", "sum" form a cycle/);
  });

  it('a dangling step reference: names the file, the step and the missing step', () => {
    const error = loadError('patterns-dangling');
    expect(error.message).toContain('dangling.json');
    expect(error.message).toMatch(/step "sum".*\{\{state\.loader\.rows\}\}.*"loader", which does not exist/);
  });

  it('broken JSON: names the file and says it is not JSON', () => {
    const error = loadError('patterns-badjson');
    expect(error.message).toContain(path.join(dir('patterns-badjson'), 'broken.json'));
    expect(error.message).not.toContain('a-valid.json');
    expect(error.message).toMatch(/not JSON/);
  });

  it('two files defining the same id@version: names both files and the key', () => {
    const error = loadError('patterns-duplicate');
    expect(error.message).toContain(path.join(dir('patterns-duplicate'), 'second.json'));
    expect(error.message).toContain('first.json');
    expect(error.message).toContain('fixture_dup@1.0.0');
    expect(error.message).toMatch(/also defined/);
  });

  it('a folder that does not exist fails loudly', () => {
    expect(() => loadPatternFiles(dir('patterns-does-not-exist'), CAPS)).toThrow(/ENOENT/);
  });
});
