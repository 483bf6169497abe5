/** Who did something, for the audit log: the caller and the request it came in. */
export interface Actor {
  userId: string;
  tenantId: string;
  traceId: string;
  requestId: string;
}
