// Closed-loop GraphQL client: `concurrency` loops posting the same operation for durationS,
// timing each request (keep-alive node:http). Checks every answer: `expect` is 'data' or an
// error code; a wrong answer fails the run rather than counting as fast.
import http from 'node:http';

const options = JSON.parse(process.argv[2]);
const { url, headers = {}, body, concurrency = 1, durationS = 5, warmupS = 1, expect = 'data', collectSteps = false } = options;
const target = new URL(url);
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
const payload = Buffer.from(body);

function post() {
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': payload.length, ...headers },
      },
      (response) => {
        const chunks = [];
        response.on('data', (c) => chunks.push(c));
        response.on('end', () => resolve({ status: response.statusCode, text: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    request.on('error', reject);
    request.end(payload);
  });
}

function check(answer) {
  const json = JSON.parse(answer.text);
  if (expect === 'data') {
    if (answer.status !== 200 || json.errors) throw new Error(`unexpected answer ${answer.status}: ${answer.text.slice(0, 300)}`);
  } else if (json.errors?.[0]?.extensions?.code !== expect) {
    throw new Error(`expected ${expect}, got ${answer.status}: ${answer.text.slice(0, 300)}`);
  }
  return json;
}

const latencies = [];
const steps = new Map();
async function loop(until, record) {
  while (performance.now() < until) {
    const started = performance.now();
    const json = check(await post());
    if (!record) continue;
    latencies.push(performance.now() - started);
    if (collectSteps) {
      const execution = Object.values(json.data)[0];
      for (const step of execution.steps ?? []) {
        if (!steps.has(step.stepId)) steps.set(step.stepId, []);
        steps.get(step.stepId).push(step.durationMs);
      }
    }
  }
}

const warmupEnd = performance.now() + warmupS * 1000;
await Promise.all(Array.from({ length: concurrency }, () => loop(warmupEnd, false)));
const started = performance.now();
const end = started + durationS * 1000;
await Promise.all(Array.from({ length: concurrency }, () => loop(end, true)));
const elapsedS = (performance.now() - started) / 1000;
process.stdout.write(JSON.stringify({ latencies, rps: latencies.length / elapsedS, steps: Object.fromEntries(steps) }));
agent.destroy();
