import { RateLimiterMemory } from 'rate-limiter-flexible';
import { leaseBlock, LeasedBudget } from '../../../src/ratelimit/leased-budget';

/** A real rate-limiter-flexible store that counts how often it is asked. */
function countingStore(points: number, duration = 60) {
  const store = new RateLimiterMemory({ points, duration });
  let calls = 0;
  const consume = store.consume.bind(store);
  store.consume = (key, n) => {
    calls++;
    return consume(key, n);
  };
  return { store, calls: () => calls };
}

/** Resolves after the answers already due (a store answering at once) have settled. */
const later = () => new Promise<'later'>((resolve) => setTimeout(() => resolve('later'), 20));

describe('LeasedBudget', () => {
  it('asks the shared store once per block and allows exactly the granted points', async () => {
    const { store, calls } = countingStore(100);
    const budget = new LeasedBudget(store, 10);
    const answers = [];
    for (let i = 0; i < 100; i++) answers.push(await budget.consume('k'));
    expect(answers.every((a) => a.kind === 'allowed')).toBe(true);
    // Ten blocks granted, and the eleventh, asked for ahead while the tenth still had points, refused.
    expect(calls()).toBe(11);
    const over = await budget.consume('k');
    expect(over.kind).toBe('limited');
    expect(over.kind === 'limited' && over.msBeforeNext).toBeGreaterThan(0);
  });

  it('remembers a refusal until the window resets instead of asking again', async () => {
    const { store, calls } = countingStore(5);
    const budget = new LeasedBudget(store, 5);
    for (let i = 0; i < 5; i++) expect((await budget.consume('k')).kind).toBe('allowed');
    // The refusal was learned by the block asked for ahead, while the last point was still held.
    expect(calls()).toBe(2);
    for (let i = 0; i < 20; i++) expect((await budget.consume('k')).kind).toBe('limited');
    expect(calls()).toBe(2);
  });

  it('lets concurrent requests for one key share a single refill', async () => {
    const { store, calls } = countingStore(1000);
    const budget = new LeasedBudget(store, 40);
    const answers = await Promise.all(Array.from({ length: 20 }, () => budget.consume('k')));
    expect(answers.every((a) => a.kind === 'allowed')).toBe(true);
    expect(calls()).toBe(1);
  });

  it('keeps keys apart', async () => {
    const { store } = countingStore(2);
    const budget = new LeasedBudget(store, 1);
    expect((await budget.consume('a')).kind).toBe('allowed');
    expect((await budget.consume('a')).kind).toBe('allowed');
    expect((await budget.consume('a')).kind).toBe('limited');
    expect((await budget.consume('b')).kind).toBe('allowed');
  });

  it('asks for the next block while a quarter of this one is left, and no request waits for it', async () => {
    const { store, calls } = countingStore(1000);
    const consume = store.consume.bind(store);
    let answer: () => void = () => {};
    const budget = new LeasedBudget(store, 20);
    expect((await budget.consume('k')).kind).toBe('allowed');
    // From now on the store answers only when told to.
    store.consume = (key, n) => {
      const result = consume(key, n);
      return new Promise((resolve, reject) => (answer = () => void result.then(resolve, reject)));
    };
    for (let i = 1; i < 14; i++) expect((await budget.consume('k')).kind).toBe('allowed');
    expect(calls()).toBe(1);
    expect((await budget.consume('k')).kind).toBe('allowed'); // 5 left: the next block is asked for
    expect(calls()).toBe(2);
    // The five left are spent while the store has not answered: no one waits.
    for (let i = 0; i < 5; i++) expect(await Promise.race([budget.consume('k'), later()])).toEqual({ kind: 'allowed' });
    // The next request waits for the block in flight (not a new one), and gets it.
    const waiting = budget.consume('k');
    expect(await Promise.race([waiting, later()])).toBe('later');
    answer();
    expect(await waiting).toEqual({ kind: 'allowed' });
    for (let i = 0; i < 13; i++) expect((await budget.consume('k')).kind).toBe('allowed');
    expect(calls()).toBe(2);
  });

  it('spends the points it holds when the block asked for ahead is refused, then refuses', async () => {
    const { store, calls } = countingStore(30);
    const budget = new LeasedBudget(store, 20);
    const answers = [];
    for (let i = 0; i < 25; i++) answers.push((await budget.consume('k')).kind);
    expect(answers).toEqual(Array(20).fill('allowed').concat(Array(5).fill('limited')));
    expect(calls()).toBe(2);
  });

  it('asks for a block under 4 points only when it is spent (small budgets stay exact)', async () => {
    const { store, calls } = countingStore(6);
    const budget = new LeasedBudget(store, 3);
    for (let i = 0; i < 3; i++) await budget.consume('k');
    expect(calls()).toBe(1);
  });

  it('passes a store failure to the caller', async () => {
    const { store } = countingStore(10);
    store.consume = () => Promise.reject(new Error('store down'));
    await expect(new LeasedBudget(store, 2).consume('k')).rejects.toThrow('store down');
  });

  it('sizes blocks at 2 % of the budget, between 1 and 100', () => {
    expect(leaseBlock(5)).toBe(1);
    expect(leaseBlock(600)).toBe(12);
    expect(leaseBlock(3000)).toBe(60);
    expect(leaseBlock(1_000_000)).toBe(100);
  });
});
