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

describe('LeasedBudget', () => {
  it('asks the shared store once per block and allows exactly the granted points', async () => {
    const { store, calls } = countingStore(100);
    const budget = new LeasedBudget(store, 10);
    const answers = [];
    for (let i = 0; i < 100; i++) answers.push(await budget.consume('k'));
    expect(answers.every((a) => a.kind === 'allowed')).toBe(true);
    expect(calls()).toBe(10);
    const over = await budget.consume('k');
    expect(over.kind).toBe('limited');
    expect(over.kind === 'limited' && over.msBeforeNext).toBeGreaterThan(0);
  });

  it('remembers a refusal until the window resets instead of asking again', async () => {
    const { store, calls } = countingStore(5);
    const budget = new LeasedBudget(store, 5);
    for (let i = 0; i < 5; i++) expect((await budget.consume('k')).kind).toBe('allowed');
    const before = calls();
    for (let i = 0; i < 20; i++) expect((await budget.consume('k')).kind).toBe('limited');
    expect(calls()).toBe(before + 1);
  });

  it('lets concurrent requests for one key share a single refill', async () => {
    const { store, calls } = countingStore(1000);
    const budget = new LeasedBudget(store, 20);
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
