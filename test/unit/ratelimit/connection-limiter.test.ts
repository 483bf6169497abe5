import { EventEmitter } from 'node:events';
import type { WebSocket } from 'ws';
import { admitSocket, ConnectionLimiter } from '../../../src/ratelimit/connection-limiter';

describe('ConnectionLimiter', () => {
  it('admits up to max connections per user, each user on its own', () => {
    const limiter = new ConnectionLimiter(2);
    const [a, b, c, d] = [{}, {}, {}, {}];
    expect(limiter.tryAcquire('u1', a)).toBe(true);
    expect(limiter.tryAcquire('u1', b)).toBe(true);
    expect(limiter.tryAcquire('u1', c)).toBe(false);
    expect(limiter.tryAcquire('u2', d)).toBe(true);
    expect(limiter.count('u1')).toBe(2);
    expect(limiter.count('u2')).toBe(1);
  });

  it('frees a slot when a connection is released, once', () => {
    const limiter = new ConnectionLimiter(1);
    const [a, b] = [{}, {}];
    limiter.tryAcquire('u', a);
    expect(limiter.tryAcquire('u', b)).toBe(false);
    limiter.release(a);
    limiter.release(a);
    limiter.release({});
    expect(limiter.count('u')).toBe(0);
    expect(limiter.tryAcquire('u', b)).toBe(true);
    expect(limiter.count('u')).toBe(1);
  });

  it('counts one connection once', () => {
    const limiter = new ConnectionLimiter(2);
    const a = {};
    expect(limiter.tryAcquire('u', a)).toBe(true);
    expect(limiter.tryAcquire('u', a)).toBe(true);
    expect(limiter.count('u')).toBe(1);
  });

  it('does not limit with max 0', () => {
    const limiter = new ConnectionLimiter(0);
    for (let i = 0; i < 100; i++) expect(limiter.tryAcquire('u', {})).toBe(true);
  });
});

describe('admitSocket', () => {
  const OPEN = 1;
  const fakeSocket = (readyState = OPEN) => Object.assign(new EventEmitter(), { OPEN, readyState }) as unknown as WebSocket;

  it('counts an open socket until it closes', () => {
    const limiter = new ConnectionLimiter<WebSocket>(1);
    const first = fakeSocket();
    expect(admitSocket(limiter, 'u', first)).toBe(true);
    expect(admitSocket(limiter, 'u', fakeSocket())).toBe(false);
    first.emit('close');
    expect(limiter.count('u')).toBe(0);
    expect(admitSocket(limiter, 'u', fakeSocket())).toBe(true);
  });

  it('does not count a socket that closed while it was being authenticated', () => {
    const limiter = new ConnectionLimiter<WebSocket>(1);
    expect(admitSocket(limiter, 'u', fakeSocket(3))).toBe(false);
    expect(limiter.count('u')).toBe(0);
  });
});
