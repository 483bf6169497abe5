import Fastify from 'fastify';
import { Drain } from '../../../src/http/drain';
import { closeOnce, type ServerParts } from '../../../src/http/lifecycle';
import type { GraphqlWebSockets } from '../../../src/http/websocket';

async function parts(steps: string[], finallyClosers: (() => Promise<unknown>)[]): Promise<ServerParts> {
  const drain = new Drain();
  const edge = Fastify({ logger: false });
  edge.addHook('onClose', async () => void steps.push('edge closed'));
  await edge.listen({ host: '127.0.0.1', port: 0 });
  const webSockets: GraphqlWebSockets = {
    stats: { connections: () => 0, subscriptions: () => 0 },
    attach: () => {},
    shutDown: async () => void steps.push(drain.active ? 'sockets closed while draining' : 'sockets closed before draining'),
  };
  return { drain, webSockets, edge, opsServer: undefined, finally: finallyClosers };
}

describe('closeOnce (the bounded close sequence)', () => {
  it('drains, closes the sockets, then the listener, then the rest in order — once, however often it is called', async () => {
    const steps: string[] = [];
    const close = closeOnce(await parts(steps, [async () => steps.push('apollo'), async () => steps.push('limiter')]), 2_000);
    await Promise.all([close(), close({ graceMs: 50 })]);
    await close();
    expect(steps).toEqual(['sockets closed while draining', 'edge closed', 'apollo', 'limiter']);
  });

  it('gives a step that hangs at most its bound, so nothing holds shutdown', async () => {
    const steps: string[] = [];
    const close = closeOnce(await parts(steps, [() => new Promise(() => {}), async () => steps.push('limiter')]), 0);
    const started = Date.now();
    await close();
    expect(steps).toContain('limiter');
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});
