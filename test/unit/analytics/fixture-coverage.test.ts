import { fixture } from './returns-vectors';

// The vector tests look vectors up by id; this makes a vector added to the fixture without a test fail.
describe('returns-vectors.json coverage', () => {
  it('has exactly the vectors the analytics tests reproduce', () => {
    expect(fixture.twr.map((v) => v.id)).toEqual(['T1', 'T2', 'T2b', 'T3']);
    expect(fixture.modified_dietz.map((v) => v.id)).toEqual(['M1', 'M2']);
    expect(fixture.xirr.map((v) => v.id)).toEqual(['X1', 'X2a', 'X2c']);
    expect(fixture.currency.map((v) => v.id)).toEqual(['C1', 'C3']);
    // The risk tests iterate over every expectation; the count pins them.
    expect(fixture.risk.expected).toHaveLength(7);
  });
});
