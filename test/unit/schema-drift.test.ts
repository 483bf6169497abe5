import { readFileSync } from 'node:fs';
import path from 'node:path';
import { buildFreshgateSchema, printFreshgateSchema } from '../../src/graphql/build-schema';

describe('schema/schema.graphql', () => {
  it('is exactly what the code emits (run `npm run schema` after changing the API)', async () => {
    const { schema } = await buildFreshgateSchema();
    const checkedIn = readFileSync(path.join(__dirname, '..', '..', 'schema', 'schema.graphql'), 'utf8');
    expect(printFreshgateSchema(schema)).toBe(checkedIn);
  });
});
