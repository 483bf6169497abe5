// Fallback load generator when wrk is not installed: autocannon, in its own process.
import autocannon from 'autocannon';

const { request, connections, durationS } = JSON.parse(process.argv[2]);
const result = await autocannon({
  url: request.url,
  method: request.method ?? 'GET',
  headers: request.headers,
  body: request.body,
  connections,
  duration: durationS,
});
process.stdout.write(
  JSON.stringify({
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
  }),
);
