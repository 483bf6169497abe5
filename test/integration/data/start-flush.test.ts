// A SYNC run's start commits without waiting for the disk (its finish's flush covers it); that
// setting must reach the start's own commit and nothing after it on the same connection.
import { ExecutionRepository, type NewExecution } from '../../../src/data/executions/execution-repository';
import { openTestDatabase, type TestDatabase } from '../../support/test-database';

let test: TestDatabase;

beforeAll(async () => {
  test = await openTestDatabase();
});
afterAll(async () => {
  await test?.close();
});

/** A run the start refuses (no such pack): the statement still runs whole, and writes nothing. */
const RUN: NewExecution = {
  tenantId: 'no-tenant',
  userId: 'no-user',
  patternId: 'portfolio_overview',
  patternVersion: '1.0.0',
  portfolioId: null,
  packId: 'PP_NONE',
  ledgerCommitHash: null,
  asofDate: '2030-01-01',
  requireFresh: true,
  packFresh: true,
  inputs: {},
  traceId: 'start-flush',
  requestId: 'start-flush',
  credits: 1,
  idempotencyKey: null,
  requestSha256: null,
  retryOf: null,
  pinnedPack: false,
};

/** synchronous_commit inside the start's transaction, and on the connection once it has ended. */
async function settingsAround(flush: 'now' | 'with-finish'): Promise<{ inside: string; after: string }> {
  return test.db.withConnection(async (sql) => {
    const executions = new ExecutionRepository({ prisma: test.db.prisma, sql });
    const show = async () => (await sql.query<{ synchronous_commit: string }>('SHOW synchronous_commit'))[0].synchronous_commit;
    await sql.exec('BEGIN');
    let inside: string;
    try {
      expect(await executions.start(RUN, { mode: 'SYNC', flush })).toEqual({ refused: 'pack' });
      inside = await show();
    } finally {
      await sql.exec('ROLLBACK');
    }
    // On its own (autocommit), as the server runs it: the setting ends with the statement's transaction.
    await executions.start(RUN, { mode: 'SYNC', flush });
    return { inside, after: await show() };
  });
}

describe('the flush of a run’s start', () => {
  it('with-finish: off for the start’s own transaction only', async () => {
    expect(await settingsAround('with-finish')).toEqual({ inside: 'off', after: 'on' });
  });

  it('now: the connection’s own setting throughout', async () => {
    expect(await settingsAround('now')).toEqual({ inside: 'on', after: 'on' });
  });
});
