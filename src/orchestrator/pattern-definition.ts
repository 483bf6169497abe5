import Ajv, { type FormatDefinition, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { fullFormats } from 'ajv-formats/dist/formats';
import { isAcceptedYear } from '../shared/dates';
import { contentHash } from '../shared/canonical-json';
import { planSteps, PlanError, type Plan } from './plan';
import { templateReferences, TemplateError } from './templates';

/**
 * One step of a pattern: the capability it calls with templated arguments, and whether it may fail
 * without failing the run, its time limit and its retries.
 */
export interface PatternStepDefinition {
  id: string;
  capability: string;
  args: Record<string, unknown>;
  optional?: boolean;
  timeoutMs?: number;
  retries?: number;
}

/** A pattern file in patterns/: what runs, on what inputs, producing what. */
export interface PatternDefinition {
  id: string;
  version: string;
  description: string;
  cost: number;
  /** Data sources the result may use; attributions always list these. */
  sources: string[];
  inputSchema: Record<string, unknown>;
  outputSchema: Record<string, unknown>;
  steps: PatternStepDefinition[];
  /** The result: a template over inputs, state and ctx. */
  output: Record<string, unknown>;
}

/**
 * A pattern ready to run: its checked definition, content hash, step plan and the compiled
 * validators of its inputs and output.
 */
export interface CompiledPattern {
  definition: PatternDefinition;
  /** sha256 of the canonical JSON of the definition; also the pattern's etag. */
  sha256: string;
  plan: Plan;
  validateInputs: ValidateFunction;
  validateOutput: ValidateFunction;
}

/** A pattern definition that cannot run; the message says what is wrong and where. */
export class PatternDefinitionError extends Error {}

const definitionSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'version', 'description', 'cost', 'sources', 'inputSchema', 'outputSchema', 'steps', 'output'],
  properties: {
    $comment: { type: 'string' },
    id: { type: 'string', pattern: '^[a-z][a-z0-9_]{0,63}$' },
    version: { type: 'string', pattern: '^\\d+\\.\\d+\\.\\d+$' },
    description: { type: 'string', minLength: 1 },
    cost: { type: 'number', minimum: 0 },
    sources: { type: 'array', items: { type: 'string', minLength: 1 }, uniqueItems: true },
    inputSchema: { type: 'object' },
    outputSchema: { type: 'object' },
    output: { type: 'object' },
    steps: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'capability', 'args'],
        properties: {
          id: { type: 'string', pattern: '^[a-z][a-zA-Z0-9_]{0,63}$' },
          capability: { type: 'string', pattern: '^[a-z_]+\\.[a-z_]+$' },
          args: { type: 'object' },
          optional: { type: 'boolean' },
          timeoutMs: { type: 'integer', minimum: 1, maximum: 300000 },
          retries: { type: 'integer', minimum: 0, maximum: 5 },
        },
      },
    },
  },
};

const CTX_FIELDS = new Set([
  'userId',
  'tenantId',
  'pricingPackId',
  'pricingPackCreatedAt',
  'policy',
  'packBaseCurrency',
  'baseCurrency',
  'ledgerCommitHash',
  'portfolioId',
  'asofDate',
  'defaultStart',
  'requireFresh',
  'packIsFresh',
  'traceId',
  'requestId',
]);

function newAjv(): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: false, useDefaults: true, addUsedSchema: false });
  addFormats(ajv);
  // A date in a pattern's inputs reaches PostgreSQL like any other: the same years as a Date argument.
  for (const name of ['date', 'date-time'] as const) {
    const format = fullFormats[name] as FormatDefinition<string>;
    const valid = format.validate as (value: string) => boolean;
    ajv.addFormat(name, { ...format, validate: (value: string) => valid(value) && isAcceptedYear(Number(value.slice(0, 4))) });
  }
  return ajv;
}

/**
 * One instance for every pattern: a new one compiles the JSON Schema meta-schema and the formats
 * again (~30 ms a pattern, twice per pattern at start-up). Schemas are not registered by their
 * `$id` (addUsedSchema: false), so two patterns — or two versions of one — may use the same id.
 */
const sharedAjv = newAjv();
const validateDefinitionShape = sharedAjv.compile<PatternDefinition>(definitionSchema);

/**
 * Checks a pattern completely before anything can run it: its shape, its input and output
 * schemas, that every capability exists, that every template names a real input, ctx field
 * or upstream step, and that the steps form no cycle. Every problem raises with its reason.
 */
export function compilePattern(raw: unknown, knownCapabilities: ReadonlySet<string>): CompiledPattern {
  if (!validateDefinitionShape(raw)) {
    const reasons = (validateDefinitionShape.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`);
    throw new PatternDefinitionError(`invalid pattern definition: ${reasons.join('; ')}`);
  }
  const definition = raw;
  const ajv = sharedAjv;
  let validateInputs: ValidateFunction;
  let validateOutput: ValidateFunction;
  try {
    validateInputs = ajv.compile(definition.inputSchema);
  } catch (error) {
    throw new PatternDefinitionError(`inputSchema is not a valid JSON Schema: ${(error as Error).message}`);
  }
  try {
    validateOutput = ajv.compile(definition.outputSchema);
  } catch (error) {
    throw new PatternDefinitionError(`outputSchema is not a valid JSON Schema: ${(error as Error).message}`);
  }

  for (const step of definition.steps) {
    if (!knownCapabilities.has(step.capability)) {
      throw new PatternDefinitionError(`step "${step.id}" uses unknown capability "${step.capability}"`);
    }
  }
  const inputNames = new Set(Object.keys((definition.inputSchema.properties as Record<string, unknown> | undefined) ?? {}));
  const stepIds = new Set(definition.steps.map((s) => s.id));
  const checkReferences = (where: string, value: unknown) => {
    let references;
    try {
      references = templateReferences(value);
    } catch (error) {
      if (error instanceof TemplateError) throw new PatternDefinitionError(`${where}: ${error.message}`);
      throw error;
    }
    for (const reference of references) {
      const [first] = reference.segments;
      if (reference.root === 'inputs' && !inputNames.has(first)) {
        throw new PatternDefinitionError(`${where}: {{${reference.text}}} names input "${first}", which inputSchema does not define`);
      }
      if (reference.root === 'ctx' && !CTX_FIELDS.has(first)) {
        throw new PatternDefinitionError(`${where}: {{${reference.text}}} names no context field`);
      }
      if (reference.root === 'state' && !stepIds.has(first)) {
        throw new PatternDefinitionError(`${where}: {{${reference.text}}} names step "${first}", which does not exist`);
      }
    }
  };
  definition.steps.forEach((step) => checkReferences(`step "${step.id}"`, step.args));
  checkReferences('output', definition.output);

  let plan: Plan;
  try {
    plan = planSteps(definition.steps);
  } catch (error) {
    if (error instanceof PlanError) throw new PatternDefinitionError(error.message);
    throw error;
  }
  return { definition, sha256: contentHash(definition), plan, validateInputs, validateOutput };
}
