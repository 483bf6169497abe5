import { dietzWeight, modifiedDietz } from '../../../src/analytics';
import { dietzVector, expectWithin } from './returns-vectors';

describe('Modified Dietz: published vectors', () => {
  for (const id of ['M1', 'M2']) {
    const v = dietzVector(id);
    it(`${id} — weight (CD − D) / CD (${v.source})`, () => {
      expectWithin(modifiedDietz(v.begin, v.end, v.flows, v.days, v.period_days), v.expected, v.tol, id);
    });
  }
});

describe('Modified Dietz: properties and edges', () => {
  it('weights a flow on the first day fully and one on the last day not at all', () => {
    expect(dietzWeight(0, 30)).toBe(1);
    expect(dietzWeight(30, 30)).toBe(0);
    // Deposit of 100 at the start: the 10 gained is earned on 200 of capital.
    expectWithin(modifiedDietz(100, 210, [100], [0], 30), 10 / 200, 1e-15);
    // Deposit of 100 on the last day: the 10 gained is earned on the 100 of opening capital.
    expectWithin(modifiedDietz(100, 210, [100], [30], 30), 10 / 100, 1e-15);
  });

  it('is undefined (null) without average capital', () => {
    expect(modifiedDietz(0, 0, [], [], 30)).toBeNull();
    expect(modifiedDietz(0, 5, [10], [30], 30)).toBeNull();
  });

  it('rejects flow days outside the period and mismatched lengths', () => {
    expect(() => modifiedDietz(100, 110, [10], [31], 30)).toThrow(RangeError);
    expect(() => modifiedDietz(100, 110, [10], [], 30)).toThrow(RangeError);
  });
});
