/**
 * The load balancer of `npm run test:scale`: a small round-robin HTTP proxy (node:http) in its own process, in front
 * of the `bridgedesk server` processes. Each incoming request goes to the next server in turn over keep-alive
 * connections; a server that cannot be reached answers 502 (counted by the load generator as an error).
 *
 * Started by test/scale/scale.ts with an IPC channel and SCALE_UPSTREAMS=port,port,...: reports { port } once
 * listening; answers 'stats' with the number of requests sent to each server; exits when told to stop or when the
 * parent goes away.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const upstreams = (process.env.SCALE_UPSTREAMS ?? '').split(',').filter(Boolean).map(Number);
if (!upstreams.length || !process.send) {
  process.stderr.write('test/scale/round-robin-proxy.ts is started by test/scale/scale.ts\n');
  process.exit(2);
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 64, maxFreeSockets: 64 });
const sent = upstreams.map(() => 0);
let next = 0;

const server = http.createServer((req, res) => {
  const i = next;
  next = (next + 1) % upstreams.length;
  sent[i]! += 1;
  const upstream = http.request({ host: '127.0.0.1', port: upstreams[i], method: req.method, path: req.url, headers: req.headers, agent }, (up) => {
    res.writeHead(up.statusCode ?? 502, up.headers);
    up.pipe(res);
  });
  upstream.on('error', (err) => {
    if (res.headersSent) res.destroy();
    else {
      res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'bad_gateway', message: `upstream 127.0.0.1:${upstreams[i]}: ${err.message}` } }));
    }
  });
  req.pipe(upstream);
});
server.keepAliveTimeout = 60_000;

server.listen(0, '127.0.0.1', () => {
  process.send!({ port: (server.address() as AddressInfo).port });
});

const stop = () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
  agent.destroy();
};
process.on('message', (m) => {
  if (m === 'stats') process.send!({ sent: Object.fromEntries(upstreams.map((p, k) => [p, sent[k]])) });
  else if (m === 'stop') stop();
});
process.on('disconnect', stop);
process.on('SIGTERM', stop);
process.on('SIGINT', () => {}); // the parent handles Ctrl-C and stops us
