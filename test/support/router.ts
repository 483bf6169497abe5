import { composeServices } from '@apollo/composition';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse, print, type DocumentNode } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { createClient, type Client as WsClient } from 'graphql-ws';
import WebSocket from 'ws';
import type { GraphQLResponse } from './test-server';

const root = path.join(__dirname, '..', '..');
/** The checked-in configuration platform teams are pointed to (README, Federation). */
export const HIVE_GATEWAY_CONFIG = path.join(root, 'ops', 'hive-gateway', 'gateway.config.ts');
const HIVE_GATEWAY_BIN = path.join(root, 'node_modules', '@graphql-hive', 'gateway', 'dist', 'bin.js');

export interface Subgraph {
  name: string;
  url: string;
  typeDefs: DocumentNode;
}

/** Composes the subgraphs with @apollo/composition, as `rover supergraph compose` would. */
export function composeSupergraph(subgraphs: Subgraph[]): string {
  const composed = composeServices(subgraphs.map((s) => ({ name: s.name, url: s.url, typeDefs: s.typeDefs })));
  if (composed.errors?.length) throw new Error(`composition failed: ${composed.errors.map((e) => e.message).join('; ')}`);
  return composed.supergraphSdl!;
}

/**
 * The second subgraph of the suite: it knows portfolios only by id and adds a field to them
 * (`note`), and lists portfolios it has notes on (`notedPortfolios`), among them one of
 * another tenant, as any subgraph holding ids from elsewhere may.
 */
export const NOTES: Record<string, string> = {
  'pf-demo-growth': 'Rebalance in Q1',
  'pf-other-income': 'Another tenant: must never show through freshgate',
};

/** Runs the notes subgraph has pinned, by id (the test fills it): freshgate's tenant data too. */
export const PINNED_EXECUTIONS: string[] = [];

export async function startNotesSubgraph(): Promise<Subgraph & { stop(): Promise<void> }> {
  const typeDefs = parse(`
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
    type Portfolio @key(fields: "id") {
      id: ID!
      note: String
    }
    type PatternExecution @key(fields: "id") {
      id: ID!
      pinned: Boolean
    }
    type Query {
      notedPortfolios: [Portfolio]!
      pinnedExecutions: [PatternExecution]!
    }
  `);
  const resolvers = {
    Query: {
      notedPortfolios: () => Object.keys(NOTES).map((id) => ({ id })),
      pinnedExecutions: () => PINNED_EXECUTIONS.map((id) => ({ id })),
    },
    Portfolio: {
      __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
      note: (portfolio: { id: string }) => NOTES[portfolio.id] ?? null,
    },
    PatternExecution: {
      __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
      pinned: () => true,
    },
  };
  // Inline tracing is for Apollo's own router; on, it logs that it is enabled.
  const server = new ApolloServer({
    schema: buildSubgraphSchema([{ typeDefs, resolvers }]),
    plugins: [ApolloServerPluginInlineTraceDisabled()],
  });
  const { url } = await startStandaloneServer(server, { listen: { host: '127.0.0.1', port: 0 } });
  return { name: 'notes', url, typeDefs, stop: () => server.stop() };
}

export interface HiveGateway {
  url: string;
  wsUrl: string;
  child: ChildProcess;
  /** POSTs an operation to the gateway as a client would, with `authorization: Bearer <token>` when given. */
  request<T, V>(
    document: TypedDocumentNode<T, V> | string,
    variables?: V,
    options?: { token?: string; authorization?: string },
  ): Promise<GraphQLResponse<T>>;
  /** A graphql-ws client of the gateway (no retries); `authorization` goes in connectionParams. */
  wsClient(options?: { token?: string }): WsClient;
  /** Everything the gateway logged so far. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Hive Gateway as platform teams run it: the CLI in its own process, serving the supergraph with
 * ops/hive-gateway/gateway.config.ts. Its logs are kept in memory (a failing test prints them).
 */
export async function startHiveGateway(supergraphSdl: string, env: Record<string, string>): Promise<HiveGateway> {
  const dir = mkdtempSync(path.join(tmpdir(), 'freshgate-router-'));
  const supergraphPath = path.join(dir, 'supergraph.graphql');
  writeFileSync(supergraphPath, supergraphSdl);
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      HIVE_GATEWAY_BIN,
      'supergraph',
      supergraphPath,
      '--config-path',
      HIVE_GATEWAY_CONFIG,
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--fork',
      '1',
    ],
    {
      cwd: root,
      // NODE_OPTIONS from jest (--experimental-vm-modules) would only add warnings; the gateway reads
      // PORT, HOST and LOG_LEVEL too, which must not come from freshgate's test environment.
      env: { ...process.env, NODE_OPTIONS: '', NODE_ENV: 'production', PORT: '', HOST: '', LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}/graphql`;
  const wsUrl = `ws://127.0.0.1:${port}/graphql`;
  const clients: WsClient[] = [];
  const stop = async () => {
    await Promise.all(clients.splice(0).map((c) => c.dispose()));
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForReadiness(`http://127.0.0.1:${port}/readiness`, child);
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n${out}`, { cause: error });
  }
  return {
    url,
    wsUrl,
    child,
    async request(document, variables, options = {}) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      const authorization = options.authorization ?? (options.token ? `Bearer ${options.token}` : undefined);
      if (authorization) headers.authorization = authorization;
      const query = typeof document === 'string' ? document : print(document);
      const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
      return { status: response.status, ...((await response.json()) as Omit<GraphQLResponse<never>, 'status'>) };
    },
    wsClient(options = {}) {
      const client = createClient({
        url: wsUrl,
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        connectionParams: options.token ? { authorization: `Bearer ${options.token}` } : {},
      });
      clients.push(client);
      return client;
    },
    output: () => out,
    stop,
  };
}

async function waitForReadiness(url: string, child: ChildProcess, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`hive-gateway exited with ${child.exitCode}`);
    try {
      const response = await fetch(url);
      await response.arrayBuffer();
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`hive-gateway not ready after ${timeoutMs} ms`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface StreamMessage {
  data?: Record<string, unknown> | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

/**
 * One subscription's whole life as a client sees it: every `next` (data or errors), then how it
 * ended — `complete`, or an `error` (a close the client could not recover from).
 */
export class StreamRecorder {
  readonly messages: StreamMessage[] = [];
  readonly ended: Promise<{ how: 'complete' } | { how: 'error'; error: unknown }>;
  private readonly listeners = new Set<() => void>();
  private readonly unsubscribe: () => void;

  constructor(
    client: WsClient,
    document: TypedDocumentNode<unknown, Record<string, unknown>> | string,
    variables: Record<string, unknown> = {},
  ) {
    const query = typeof document === 'string' ? document : print(document);
    let end!: (how: { how: 'complete' } | { how: 'error'; error: unknown }) => void;
    this.ended = new Promise((resolve) => (end = resolve));
    this.unsubscribe = client.subscribe<Record<string, unknown>>(
      { query, variables },
      {
        next: (message) => {
          this.messages.push(message as StreamMessage);
          this.listeners.forEach((notify) => notify());
        },
        complete: () => end({ how: 'complete' }),
        error: (error) => end({ how: 'error', error }),
      },
    );
  }

  /** Resolves with the first message (seen or to come) that matches; fails after timeoutMs. */
  next(predicate: (message: StreamMessage) => boolean, timeoutMs = 10_000): Promise<StreamMessage> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const match = this.messages.find(predicate);
        if (!match) return false;
        this.listeners.delete(notify);
        clearTimeout(timer);
        resolve(match);
        return true;
      };
      const notify = () => void check();
      const timer = setTimeout(() => {
        this.listeners.delete(notify);
        reject(new Error(`no matching message within ${timeoutMs} ms; got ${JSON.stringify(this.messages)}`));
      }, timeoutMs);
      if (!check()) this.listeners.add(notify);
    });
  }

  close(): void {
    this.unsubscribe();
  }
}
