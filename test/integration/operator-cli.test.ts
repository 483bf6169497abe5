import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createDataLayer } from '../../src/data/data-layer';
import { lockEmbeddedDatabase } from '../../src/db/embedded-lock';
import { migrate } from '../../src/db/migrator';
import { openPgliteDatabase } from '../../src/db/pglite-database';
import { seedDemoData } from '../../src/demo/seed-demo';
import { openTestDatabase, usingPostgres, type TestDatabase } from '../support/test-database';

/**
 * The operators' commands (tenant:create, user:create, user:roles, user:remove) as an operator
 * runs them: child processes on the configured database, judged by exit code, stdout, stderr and
 * what the database holds afterwards. On a PGlite data directory (the server stopped) always, and
 * on PostgreSQL when TEST_DATABASE_URL is set (as TEST_DATABASE_ROLE, the application's role).
 */
jest.setTimeout(180_000);

const ROOT = path.join(__dirname, '..', '..');
const COMMANDS = {
  'tenant:create': 'tenant-create.ts',
  'user:create': 'user-create.ts',
  'user:roles': 'user-roles.ts',
  'user:remove': 'user-remove.ts',
} as const;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

type Row = Record<string, unknown>;

interface Backend {
  env: Record<string, string>;
  query(sql: string, params?: unknown[]): Promise<Row[]>;
  close(): Promise<void>;
}

async function run(backend: Backend, command: keyof typeof COMMANDS, ...args: string[]): Promise<Run> {
  const file = path.join(ROOT, 'src', 'cli', COMMANDS[command]);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_OPTIONS: '',
    LOG_LEVEL: 'silent',
    JWT_SECRET: 'operator-cli-test-secret-32-bytes-long',
    ...backend.env,
  };
  if (!backend.env.DATABASE_URL) delete env.DATABASE_URL;
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', file, ...args], { cwd: ROOT, env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failed.code === 'number' ? failed.code : -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

/** A refusal: the exit code, and exactly one line on stderr naming the command (plus the usage line for a usage error). */
function expectRefused(result: Run, code: number, message: string | RegExp): void {
  expect({ code: result.code, stdout: result.stdout }).toEqual({ code, stdout: '' });
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(code === 2 ? 2 : 1);
  expect(lines[0]).toMatch(/^(tenant|user):[a-z]+: \S/);
  if (typeof message === 'string') expect(lines[0]).toContain(message);
  else expect(lines[0]).toMatch(message);
  if (code === 2) expect(lines[1]).toMatch(/^usage: npm run /);
}

/** A PGlite data directory with the demo data, closed again: a stopped server's. */
async function pgliteBackend(): Promise<Backend & { dataDir: string }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'freshgate-cli-'));
  const db = await openPgliteDatabase(path.join(dataDir, 'pglite'));
  await migrate(db);
  await seedDemoData(createDataLayer(db));
  await db.close();
  return {
    dataDir,
    env: { DATA_DIR: dataDir },
    async query(sql, params = []) {
      const reopened = await openPgliteDatabase(path.join(dataDir, 'pglite'));
      try {
        return await reopened.sql.query<Row>(sql, params);
      } finally {
        await reopened.close();
      }
    },
    async close() {
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function postgresBackend(): Promise<Backend> {
  const database: TestDatabase = await openTestDatabase();
  await seedDemoData(database.data);
  return {
    env: { DATABASE_URL: database.url! },
    query: (sql, params) => database.owner.query<Row>(sql, params),
    close: () => database.close(),
  };
}

const BACKENDS: [string, () => Promise<Backend>][] = [
  ['a PGlite data directory, the server stopped', pgliteBackend],
  ...(usingPostgres ? [['PostgreSQL', postgresBackend] as [string, () => Promise<Backend>]] : []),
];

describe.each(BACKENDS)('operator CLIs on %s', (_name, open) => {
  let backend: Backend;

  beforeAll(async () => {
    backend = await open();
  });
  afterAll(async () => {
    await backend?.close();
  });

  it('create a tenant with an opening balance and its first admin, then hand admin over and remove the first — all audited as cli:<os user>', async () => {
    const tenant = await run(backend, 'tenant:create', 'acme', '--name', 'Acme Corp', '--credits', '250');
    expect(tenant).toEqual({ code: 0, stdout: 'created tenant acme ("Acme Corp") with 250 credits\n', stderr: '' });
    expect((await run(backend, 'user:create', 'alice', '--tenant', 'acme', '--roles', 'admin,analyst')).stdout).toBe(
      'created user alice in tenant acme with roles analyst,admin\n',
    );

    // The last admin keeps admin, whoever asks.
    expectRefused(
      await run(backend, 'user:roles', 'alice', '--roles', 'viewer'),
      1,
      'user:roles: alice is the last admin of tenant acme and cannot lose the admin role: make another user admin first',
    );
    expectRefused(
      await run(backend, 'user:remove', 'alice'),
      1,
      /^user:remove: alice is the last admin of tenant acme and cannot be removed/,
    );

    expect((await run(backend, 'user:create', 'bob', '--tenant', 'acme', '--roles', 'admin')).code).toBe(0);
    expect((await run(backend, 'user:roles', 'alice', '--roles', 'viewer')).stdout).toBe(
      'user alice of tenant acme now has roles viewer\n',
    );
    expect((await run(backend, 'user:remove', 'alice')).stdout).toBe('removed user alice from tenant acme\n');

    const [row] = await backend.query(`SELECT name, credit_balance::text AS balance FROM tenants WHERE id = 'acme'`);
    expect(row).toEqual({ name: 'Acme Corp', balance: '250.0000' });
    const users = await backend.query(
      `SELECT id, roles, removed_at IS NOT NULL AS removed FROM users WHERE tenant_id = 'acme' ORDER BY id`,
    );
    expect(users).toEqual([
      { id: 'alice', roles: ['viewer'], removed: true },
      { id: 'bob', roles: ['admin'], removed: false },
    ]);
    const audit = await backend.query(`SELECT actor_id, action, resource FROM audit_log WHERE tenant_id = 'acme' ORDER BY id`);
    expect(audit.map((a) => [a.action, a.resource])).toEqual([
      ['tenant.create', 'tenant:acme'],
      ['credits.grant', 'tenant:acme'],
      ['user.create', 'user:alice'],
      ['user.create', 'user:bob'],
      ['user.setRoles', 'user:alice'],
      ['user.remove', 'user:alice'],
    ]);
    expect(audit.every((a) => /^cli:.+/.test(String(a.actor_id)))).toBe(true);
  });

  it('refuse, with one line on stderr and a non-zero exit code, and write nothing', async () => {
    const before = await backend.query(`SELECT (SELECT count(*) FROM users)::int AS users, (SELECT count(*) FROM audit_log)::int AS audit`);
    expectRefused(await run(backend, 'tenant:create', 'demo'), 1, 'tenant:create: A tenant demo already exists');
    expectRefused(await run(backend, 'user:create', 'carol', '--tenant', 'nope', '--roles', 'viewer'), 1, 'user:create: No tenant nope');
    expectRefused(
      await run(backend, 'user:create', 'demo-viewer', '--tenant', 'demo', '--roles', 'viewer'),
      1,
      'The user id demo-viewer is not available',
    );
    expectRefused(await run(backend, 'user:create', 'carol', '--tenant', 'demo', '--roles', 'viewer,root'), 1, 'roles.1 not a role');
    expectRefused(await run(backend, 'user:create', 'cli:carol', '--tenant', 'demo', '--roles', 'viewer'), 1, 'userId must be 1–128');
    expectRefused(await run(backend, 'user:roles', 'ghost', '--roles', 'viewer'), 1, 'user:roles: No user ghost');
    // Usage mistakes: exit code 2 and the usage line.
    expectRefused(await run(backend, 'user:create', 'carol', '--tenant', 'demo'), 2, 'user:create: --roles is required');
    expectRefused(await run(backend, 'user:roles', 'carol', '--role', 'viewer'), 2, 'user:roles: unknown option --role');
    expectRefused(await run(backend, 'tenant:create', 'x', '--credits', 'many'), 2, 'tenant:create: --credits must be a number');
    const after = await backend.query(`SELECT (SELECT count(*) FROM users)::int AS users, (SELECT count(*) FROM audit_log)::int AS audit`);
    expect(after).toEqual(before);
  });
});

describe('operator CLIs on an embedded database a server holds', () => {
  it('refuse plainly, naming the server to stop, and write nothing', async () => {
    const backend = await pgliteBackend();
    const unlock = lockEmbeddedDatabase(path.join(backend.dataDir, 'pglite')); // this test process plays the server
    try {
      const refused = await run(backend, 'user:create', 'dave', '--tenant', 'demo', '--roles', 'viewer');
      expectRefused(refused, 1, `is in use by a running server (pid ${process.pid}): stop it first, or use PostgreSQL (DATABASE_URL)`);
    } finally {
      unlock();
    }
    expect(await backend.query(`SELECT id FROM users WHERE id = 'dave'`)).toEqual([]);
    await backend.close();
  });
});
