import { readFileSync } from 'node:fs';
import Ajv, { type ValidateFunction } from 'ajv';
import { sha256Hex } from '../shared/canonical-json';

/**
 * What the registry allows for one data source: viewing, exporting, the attribution it requires,
 * and whether exports carry a watermark.
 */
export interface SourceRights {
  name: string;
  canView: boolean;
  canExport: boolean;
  attributionRequired: boolean;
  attributionText: string | null;
  watermarkRequired: boolean;
}

/**
 * The rights registry in force: every listed source's rights in one environment, with the version
 * and hash of the file they came from.
 */
export interface RightsRegistry {
  version: string;
  sha256: string;
  environment: string;
  sources: SourceRights[];
  /** Rights of a source; a source the registry does not list has none. */
  rightsOf(source: string): SourceRights;
}

interface SourceEntry {
  view: boolean;
  export: boolean;
  attribution: string | null;
  watermark: boolean;
}

interface RegistryFile {
  version: string;
  sources: Record<string, SourceEntry>;
  environments?: Record<string, Record<string, Partial<SourceEntry>>>;
}

const entryProperties = {
  view: { type: 'boolean' },
  export: { type: 'boolean' },
  attribution: { type: ['string', 'null'] },
  watermark: { type: 'boolean' },
};

const registrySchema = {
  type: 'object',
  required: ['version', 'sources'],
  properties: {
    version: { type: 'string', minLength: 1 },
    description: { type: 'string' },
    sources: {
      type: 'object',
      minProperties: 1,
      additionalProperties: {
        type: 'object',
        required: ['view', 'export', 'attribution', 'watermark'],
        additionalProperties: false,
        properties: entryProperties,
      },
    },
    environments: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        additionalProperties: { type: 'object', additionalProperties: false, properties: entryProperties },
      },
    },
  },
  additionalProperties: false,
};

/** A registry file that cannot be read or is invalid; the server does not start on it. */
export class RightsRegistryError extends Error {}

let compiledValidator: ValidateFunction<RegistryFile> | undefined;

/**
 * Compiled once, on the first load: every reload validates with it. The schema is this module's
 * own (tested), so it is not first checked against JSON Schema's meta-schema, whose compilation
 * alone cost ~13 ms of start-up.
 */
function registryValidator(): ValidateFunction<RegistryFile> {
  compiledValidator ??= new Ajv({ allErrors: true, validateSchema: false }).compile<RegistryFile>(registrySchema);
  return compiledValidator;
}

/** Reads and validates the registry file; a bad file stops the server with the reason. */
export function loadRightsRegistry(file: string, environment: string): RightsRegistry {
  let text: string;
  let parsed: unknown;
  try {
    text = readFileSync(file, 'utf8');
    parsed = JSON.parse(text);
  } catch (error) {
    throw new RightsRegistryError(`rights registry ${file}: ${(error as Error).message}`);
  }
  const validate = registryValidator();
  if (!validate(parsed)) {
    const reasons = (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ');
    throw new RightsRegistryError(`rights registry ${file} is invalid: ${reasons}`);
  }
  const overrides = parsed.environments?.[environment] ?? {};
  for (const name of Object.keys(overrides)) {
    if (!parsed.sources[name]) throw new RightsRegistryError(`rights registry ${file}: ${environment} overrides unknown source ${name}`);
  }
  const sources = Object.entries(parsed.sources)
    .map(([name, base]) => effectiveRights(name, { ...base, ...overrides[name] }))
    .sort((a, b) => a.name.localeCompare(b.name));
  const byName = new Map(sources.map((s) => [s.name, s]));
  return {
    version: parsed.version,
    sha256: sha256Hex(text),
    environment,
    sources,
    rightsOf: (source) => byName.get(source) ?? noRights(source),
  };
}

function effectiveRights(name: string, entry: SourceEntry): SourceRights {
  return {
    name,
    canView: entry.view,
    canExport: entry.export,
    attributionRequired: entry.attribution !== null,
    attributionText: entry.attribution,
    watermarkRequired: entry.watermark,
  };
}

function noRights(name: string): SourceRights {
  return { name, canView: false, canExport: false, attributionRequired: false, attributionText: null, watermarkRequired: false };
}
