import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { loadRightsRegistry, RightsRegistryError } from '../../../src/rights/rights-registry';
import { RightsRegistrySource } from '../../../src/rights/rights-registry-source';
import { sourcesLacking, watermarkRequired } from '../../../src/rights/rights-check';

const dir = mkdtempSync(path.join(tmpdir(), 'freshgate-registry-'));
function file(name: string, content: unknown): string {
  const full = path.join(dir, name);
  writeFileSync(full, typeof content === 'string' ? content : JSON.stringify(content));
  return full;
}

const base = {
  version: '1',
  sources: {
    NewsAPI: { view: true, export: false, attribution: 'News by NewsAPI', watermark: false },
    FMP: { view: true, export: true, attribution: 'FMP', watermark: true },
    Internal: { view: true, export: true, attribution: null, watermark: false },
  },
  environments: { production: { FMP: { export: false } }, development: { NewsAPI: { export: true } } },
};

describe('rights registry', () => {
  it('applies the overrides of its environment only', () => {
    const f = file('a.json', base);
    expect(loadRightsRegistry(f, 'production').rightsOf('FMP').canExport).toBe(false);
    expect(loadRightsRegistry(f, 'development').rightsOf('NewsAPI').canExport).toBe(true);
    expect(loadRightsRegistry(f, 'staging').rightsOf('FMP').canExport).toBe(true);
    expect(loadRightsRegistry(f, 'staging').rightsOf('NewsAPI').canExport).toBe(false);
  });

  it('reports the version and the SHA-256 of the file bytes', () => {
    const f = file('b.json', base);
    const registry = loadRightsRegistry(f, 'test');
    expect(registry.version).toBe('1');
    expect(registry.sha256).toBe(createHash('sha256').update(JSON.stringify(base)).digest('hex'));
  });

  it('gives a source it does not list no rights at all', () => {
    const registry = loadRightsRegistry(file('c.json', base), 'test');
    expect(registry.rightsOf('Bloomberg')).toMatchObject({ canView: false, canExport: false });
    expect(sourcesLacking(registry, ['FMP', 'Bloomberg', 'NewsAPI', 'FMP'], 'canExport')).toEqual(['Bloomberg', 'NewsAPI']);
    expect(sourcesLacking(registry, ['FMP', 'Internal'], 'canView')).toEqual([]);
    expect(watermarkRequired(registry, ['Internal', 'NewsAPI'])).toBe(false);
    expect(watermarkRequired(registry, ['Internal', 'FMP'])).toBe(true);
  });

  it.each([
    ['not JSON', '{ "version": '],
    ['a missing right', { version: '1', sources: { X: { view: true, export: true, attribution: null } } }],
    ['an unknown field', { version: '1', sources: { X: { view: true, export: true, attribution: null, watermark: false, resell: true } } }],
    ['an override of an unknown source', { ...base, environments: { production: { Bloomberg: { export: true } } } }],
  ])('refuses a file with %s, naming the file', (_name, content) => {
    const f = file('bad.json', content);
    expect(() => loadRightsRegistry(f, 'production')).toThrow(RightsRegistryError);
    expect(() => loadRightsRegistry(f, 'production')).toThrow(/bad\.json/);
  });

  it('a source keeps the previous registry when the file turns invalid, and picks up a valid change', () => {
    const f = file('live.json', base);
    const errors: Error[] = [];
    const source = new RightsRegistrySource(f, 'staging', (e) => errors.push(e));
    writeFileSync(f, '{ broken');
    expect(source.reload()).toBe(false);
    expect(errors).toHaveLength(1);
    expect(source.current().rightsOf('FMP').canExport).toBe(true);
    writeFileSync(f, JSON.stringify({ ...base, version: '2', environments: { staging: { FMP: { export: false } } } }));
    expect(source.reload()).toBe(true);
    expect(source.current().version).toBe('2');
    expect(source.current().rightsOf('FMP').canExport).toBe(false);
  });
});
