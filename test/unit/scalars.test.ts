import { GraphQLError, Kind, parseValue as parseLiteralText } from 'graphql';
import { DateScalar, DateTimeScalar } from '../../src/graphql/scalars';

function refusal(parse: () => unknown): GraphQLError {
  try {
    parse();
  } catch (error) {
    expect(error).toBeInstanceOf(GraphQLError);
    return error as GraphQLError;
  }
  throw new Error('expected a refusal');
}

describe('Date and DateTime scalars: years 1900–9999', () => {
  it.each(['1900-01-01', '2026-02-28', '2024-02-29', '9999-12-31'])('Date accepts %s', (text) => {
    expect(DateScalar.parseValue(text)).toEqual(new Date(`${text}T00:00:00Z`));
    expect(DateScalar.parseLiteral(parseLiteralText(JSON.stringify(text)))).toEqual(new Date(`${text}T00:00:00Z`));
  });

  it.each(['0000-01-01', '0001-01-01', '1899-12-31', '10000-01-01', '2026-02-30', '2026-13-01', 'not a date', '2026-01-01T00:00:00Z'])(
    'Date refuses %s',
    (text) => {
      const error = refusal(() => DateScalar.parseValue(text));
      expect(error.message).toBe('Date must be a date YYYY-MM-DD in the years 1900–9999');
      expect(refusal(() => DateScalar.parseLiteral(parseLiteralText(JSON.stringify(text)))).message).toBe(error.message);
    },
  );

  it.each(['1900-01-01T00:00:00Z', '9999-12-31T23:59:59.999Z', '9999-12-31T23:00:00-05:00', '1900-01-01T00:30:00+01:00'])(
    'DateTime accepts %s (the year as written)',
    (text) => {
      expect(DateTimeScalar.parseValue(text)).toEqual(new Date(text));
    },
  );

  it.each(['0000-01-01T00:00:00Z', '1899-12-31T23:59:59Z', '10000-01-01T00:00:00Z', '2026-02-30T00:00:00Z', '2026-01-01'])(
    'DateTime refuses %s',
    (text) => {
      expect(refusal(() => DateTimeScalar.parseValue(text)).message).toBe(
        'DateTime must be an RFC 3339 date-time such as 2026-01-31T16:00:00Z in the years 1900–9999',
      );
    },
  );

  it('refuses other types without echoing them or suggesting anything', () => {
    for (const value of [20260101, null, { when: 2026 }, ['2026-01-01'], 'x'.repeat(10_000)]) {
      expect(refusal(() => DateScalar.parseValue(value)).message).toBe('Date must be a date YYYY-MM-DD in the years 1900–9999');
    }
    const literal = refusal(() => DateTimeScalar.parseLiteral({ kind: Kind.INT, value: '20260101' }));
    expect(literal.message).toMatch(/^DateTime must be/);
  });

  it('says which years it takes in its description', () => {
    expect(DateScalar.description).toMatch(/Years 1900–9999\.$/);
    expect(DateTimeScalar.description).toMatch(/Years 1900–9999\.$/);
  });
});
