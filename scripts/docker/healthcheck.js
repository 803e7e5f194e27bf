// The HEALTHCHECK of every Node image: healthy while this process's readiness endpoint answers
// 200, that is while its stores and the bus answer too. Node's own http client, so the image
// needs no curl or wget.
const http = require('node:http');

const port = process.env.PORT || '8080';
const path = process.argv[2] || '/health/ready';

const request = http.get({ host: '127.0.0.1', port, path, timeout: 3000 }, (response) => {
  response.resume();
  process.exit(response.statusCode === 200 ? 0 : 1);
});
request.on('timeout', () => request.destroy(new Error('timed out')));
request.on('error', () => process.exit(1));
