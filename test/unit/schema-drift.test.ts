import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isNonNullType } from 'graphql';
import { buildFreshgateSchema, printFreshgateSchema } from '../../src/graphql/build-schema';

describe('schema/schema.graphql', () => {
  it('is exactly what the code emits (run `npm run schema` after changing the API)', async () => {
    const { schema } = await buildFreshgateSchema();
    const checkedIn = readFileSync(path.join(__dirname, '..', '..', 'schema', 'schema.graphql'), 'utf8');
    expect(printFreshgateSchema(schema)).toBe(checkedIn);
  });

  it('declares every Mutation field nullable, so one failed mutation does not null the others in its document', async () => {
    const { schema } = await buildFreshgateSchema();
    const fields = Object.values(schema.getMutationType()!.getFields());
    expect(fields.length).toBeGreaterThan(0);
    expect(fields.filter((field) => isNonNullType(field.type)).map((field) => `${field.name}: ${String(field.type)}`)).toEqual([]);
  });
});
