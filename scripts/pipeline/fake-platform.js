// A stand-in for a deployed platform, to test the pipeline's smoke test and rollback on this
// machine (scripts/check-deployment.sh): the gateway's health, the OpenID discovery and
// token endpoint of client credentials, and the expedientes list behind a bearer token.
//   node scripts/pipeline/fake-platform.js healthy|broken <client id> <client secret>
// Listens on a free port of 127.0.0.1 and prints its URL. `broken` answers the API with 503,
// as a release whose services cannot reach their stores would.
const { Buffer } = require('node:buffer');
const http = require('node:http');
const { URL } = require('node:url');

const [mode, clientId, clientSecret] = process.argv.slice(2);
const token = 'fake-access-token';

const server = http.createServer((request, response) => {
  const url = new URL(request.url, 'http://fake');
  const base = `http://127.0.0.1:${server.address().port}`;
  const send = (status, body) => {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  };
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
    return mode === 'broken'
      ? send(503, { status: 503, title: 'Service Unavailable' })
      : send(200, { items: [], page: 1, pageSize: 1, total: 0 });
  }
  return send(404, { status: 404 });
});

server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`http://127.0.0.1:${server.address().port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
