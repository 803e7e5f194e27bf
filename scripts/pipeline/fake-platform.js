// A stand-in for a deployed platform, to test the pipeline's smoke test, canary and rollback
// on this machine (scripts/check-deployment.sh): the gateway's health, the OpenID discovery
// and token endpoint of client credentials, the expedientes list behind a bearer token, and
// Prometheus's query API answering the canary's error rate (scripts/pipeline/canary-watch.js).
//   node scripts/pipeline/fake-platform.js <mode> <client id> <client secret>
// Listens on a free port of 127.0.0.1 and prints its URL. The modes:
//   healthy          everything answers; the canary's error rate is 0.2%
//   broken           the API answers 503, as a release whose services cannot reach their
//                    stores would
//   canary-broken    the same, only for requests the canary takes (X-Expedientes-Canary: always)
//   canary-erroring  everything answers the smoke test, but the canary's error rate is 25%
// A query that does not ask for the canary track (track="canary") is refused.
const { Buffer } = require('node:buffer');
const http = require('node:http');
const { URL, URLSearchParams } = require('node:url');

const [mode, clientId, clientSecret] = process.argv.slice(2);
const MODES = ['healthy', 'broken', 'canary-broken', 'canary-erroring'];
if (!MODES.includes(mode)) throw new Error(`mode: one of ${MODES.join(', ')}`);
const token = 'fake-access-token';
const canaryErrorRate = mode === 'canary-erroring' ? 0.25 : 0.002;

/** Prometheus's answer to an instant query (form-encoded body or query string). */
function prometheusQuery(query) {
  if (!query.includes('track="canary"')) {
    return [400, { status: 'error', errorType: 'bad_data', error: 'not the canary track' }];
  }
  const result = [{ metric: {}, value: [Date.now() / 1000, String(canaryErrorRate)] }];
  return [200, { status: 'success', data: { resultType: 'vector', result } }];
}

const server = http.createServer((request, response) => {
  const url = new URL(request.url, 'http://fake');
  const base = `http://127.0.0.1:${server.address().port}`;
  const send = (status, body) => {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  };
  if (url.pathname === '/api/v1/query') {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      const query = new URLSearchParams(body).get('query') ?? url.searchParams.get('query') ?? '';
      send(...prometheusQuery(query));
    });
    return undefined;
  }
  if (url.pathname === '/health/ready') return send(200, { status: 'up' });
  if (url.pathname === '/auth/.well-known/openid-configuration') {
    return send(200, { issuer: `${base}/auth`, token_endpoint: `${base}/auth/token` });
  }
  if (url.pathname === '/auth/token' && request.method === 'POST') {
    const basic = Buffer.from(`${clientId}:${clientSecret}`).toString('base64');
    return request.headers.authorization === `Basic ${basic}`
      ? send(200, { access_token: token, token_type: 'Bearer', expires_in: 900 })
      : send(401, { error: 'invalid_client' });
  }
  if (url.pathname === '/api/v1/expedientes') {
    if (request.headers.authorization !== `Bearer ${token}`) return send(401, { status: 401 });
    const toCanary = request.headers['x-expedientes-canary'] === 'always';
    return mode === 'broken' || (mode === 'canary-broken' && toCanary)
      ? send(503, { status: 503, title: 'Service Unavailable' })
      : send(200, { items: [], page: 1, pageSize: 1, total: 0 });
  }
  return send(404, { status: 404 });
});

server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`http://127.0.0.1:${server.address().port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
