import { STATUS_CODES } from 'node:http';
import { catalogued } from '../shared/error-catalogue';
import { errorBody, type AppError, type ErrorBody } from '../shared/errors';

/** A request the edge answers itself, before any GraphQL runs, in GraphQL's error shape. */
export interface HttpRefusal {
  status: number;
  body: ErrorBody;
}

/** The error with its code's status (or the one given: fastify names some 4xx itself). */
export function refusal(error: AppError, status = catalogued(error.code).status ?? 500): HttpRefusal {
  return { status, body: errorBody(error) };
}

/** The content type of every error body the edge writes itself. */
export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/**
 * A whole HTTP/1.1 response as bytes, for sockets no HTTP response object serves: an upgrade
 * request, which Node hands over as a raw socket.
 */
export function rawResponse(status: number, headers: Readonly<Record<string, string | number>>, body: string): string {
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}`);
  return `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n${lines.join('\r\n')}\r\n\r\n${body}`;
}
