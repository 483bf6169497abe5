import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

/**
 * The README's import rules are ESLint rules (eslint.config.mjs). This lints small sources as if
 * they sat at given paths, with the project's own configuration, and checks which are refused:
 * a rule that stopped matching (a renamed folder, a new Prisma entry point) fails here.
 */
const ROOT = path.resolve(__dirname, '../..');

interface Sample {
  file: string;
  code: string;
}

const LINT_SAMPLES = `
import { ESLint } from 'eslint';
const samples = JSON.parse(process.argv[1]);
const eslint = new ESLint({ cwd: process.cwd() });
const out = [];
for (const { file, code } of samples) {
  const [result] = await eslint.lintText(code, { filePath: file });
  out.push(result.messages.filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-syntax').map((m) => m.ruleId));
}
process.stdout.write(JSON.stringify(out));
`;

async function refusals(samples: Sample[]): Promise<string[][]> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', LINT_SAMPLES, JSON.stringify(samples)], {
    cwd: ROOT,
    maxBuffer: 10 * 1024 * 1024,
  });
  return JSON.parse(stdout) as string[][];
}

const PRISMA_IMPORT = "import { PrismaClient } from '../generated/prisma/client';\nexport const client = PrismaClient;\n";
const PG_IMPORT = "import { Pool } from 'pg';\nexport const pool = Pool;\n";
const PRISMA_CALL =
  'export async function count(deps: { prisma: { execution: { count(): Promise<number> } } }) {\n  return deps.prisma.execution.count();\n}\n';
const RAW_SQL =
  "export async function ids(db: { sql: { query(q: string): Promise<unknown[]> } }) {\n  return db.sql.query('SELECT id FROM executions');\n}\n";
const GRAPHQL_IMPORT = "import { GraphQLError } from 'graphql';\nexport const failure = GraphQLError;\n";
const GRAPHQL_LAYER_IMPORT = "import { buildSchema } from '../graphql/build-schema';\nexport const build = buildSchema;\n";
const HTTP_IMPORT = "import { startServer } from '../http/server';\nexport const start = startServer;\n";
const PLAIN = "import { AppError } from '../shared/errors';\nexport const error = AppError;\n";

describe('import boundaries (eslint.config.mjs)', () => {
  let results: string[][];
  const cases: Array<{ name: string; sample: Sample; refused: boolean }> = [
    { name: 'Prisma client imported by a use-case', sample: { file: 'src/execution/sample.ts', code: PRISMA_IMPORT }, refused: true },
    { name: 'pg imported by the orchestrator', sample: { file: 'src/orchestrator/sample.ts', code: PG_IMPORT }, refused: true },
    {
      name: 'a Prisma model reached through an object in an agent',
      sample: { file: 'src/agents/sample.ts', code: PRISMA_CALL },
      refused: true,
    },
    { name: 'raw SQL in a resolver', sample: { file: 'src/graphql/sample.ts', code: RAW_SQL }, refused: true },
    { name: 'Prisma client imported by the edge', sample: { file: 'src/http/sample.ts', code: PRISMA_IMPORT }, refused: true },
    { name: 'graphql-js imported by a use-case', sample: { file: 'src/execution/sample.ts', code: GRAPHQL_IMPORT }, refused: true },
    {
      name: 'the GraphQL layer imported by the data layer',
      sample: { file: 'src/data/sample.ts', code: GRAPHQL_LAYER_IMPORT },
      refused: true,
    },
    { name: 'the edge imported by the GraphQL layer', sample: { file: 'src/graphql/sample.ts', code: HTTP_IMPORT }, refused: true },
    { name: 'Prisma client in a repository', sample: { file: 'src/data/sample.ts', code: PRISMA_IMPORT }, refused: false },
    { name: 'raw SQL in a repository', sample: { file: 'src/data/sample.ts', code: RAW_SQL }, refused: false },
    { name: 'graphql-js in the GraphQL layer', sample: { file: 'src/graphql/sample.ts', code: GRAPHQL_IMPORT }, refused: false },
    { name: 'the shared kernel from a use-case', sample: { file: 'src/execution/sample.ts', code: PLAIN }, refused: false },
  ];

  beforeAll(async () => {
    results = await refusals(cases.map((c) => c.sample));
  }, 120_000);

  it.each(cases.map((c, i) => [c.name, c.refused, i] as const))('%s: refused = %s', (_name, refused, index) => {
    expect(results[index].length > 0).toBe(refused);
  });
});
