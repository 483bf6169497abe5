/**
 * The rate-limiter-flexible classes freshgate uses, each from its own file: the package's index
 * loads every store it supports (Redis, Mongo, DynamoDB, etcd, SQLite, …), ~30 ms of every
 * start-up for code that is never called. The package has no exports map, so these are its
 * published files; their types are the index's (the same classes, re-exported there).
 */
/* eslint-disable @typescript-eslint/no-require-imports */
import type * as Flexible from 'rate-limiter-flexible';

/** In-process budgets (an embedded database belongs to one process). */
export const RateLimiterMemory = require('rate-limiter-flexible/lib/RateLimiterMemory') as typeof Flexible.RateLimiterMemory;
/** Budgets shared by every instance, in PostgreSQL. */
export const RateLimiterPostgres = require('rate-limiter-flexible/lib/RateLimiterPostgres') as typeof Flexible.RateLimiterPostgres;
/** What a limiter answers, and rejects with when a budget is spent. */
export const RateLimiterRes = require('rate-limiter-flexible/lib/RateLimiterRes') as typeof Flexible.RateLimiterRes;
/** An instance of RateLimiterRes. */
export type RateLimiterRes = Flexible.RateLimiterRes;
/** What every limiter is. */
export type RateLimiterAbstract = Flexible.RateLimiterAbstract;
