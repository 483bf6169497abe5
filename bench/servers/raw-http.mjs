// The physical limit: node:http answering fixed bytes after reading the request, nothing else.
import { createServer } from 'node:http';

const body = Buffer.from(process.env.BASELINE_BODY ?? '{}');
const headers = { 'content-type': 'application/json; charset=utf-8', 'content-length': String(body.length) };
createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    response.writeHead(200, headers);
    response.end(body);
  });
}).listen(Number(process.env.PORT), '127.0.0.1');
