/**
 * The Content-Security-Policy of freshgate's own pages: everything from this origin only. The
 * WebSocket origin is named as well as 'self' (browsers before CSP 3 do not count ws: as
 * 'self'); it is taken from the Host header only when that is a plain host[:port].
 */
export function contentSecurityPolicy(host: string | undefined, options: { inlineStyles: boolean }): string {
  const sockets =
    host !== undefined && /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/.test(host) ? ` ws://${host} wss://${host}` : '';
  return [
    "default-src 'none'",
    "script-src 'self'",
    // GraphiQL's editor (Monaco) writes <style> elements at run time; the status page needs none.
    `style-src 'self'${options.inlineStyles ? " 'unsafe-inline'" : ''}`,
    // GraphiQL's stylesheet carries its fonts and icons as data: URLs.
    "font-src 'self' data:",
    "img-src 'self' data:",
    `connect-src 'self'${sockets}`,
    "worker-src 'self'",
    "manifest-src 'self'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Headers every freshgate page is sent with. */
export function pageHeaders(host: string | undefined, options: { inlineStyles: boolean }): Record<string, string> {
  return {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': contentSecurityPolicy(host, options),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
  };
}
