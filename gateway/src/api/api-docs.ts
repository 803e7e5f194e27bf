import { dirname } from 'node:path';
import express from 'express';

/** The page's settings: our document, no calls to any outside validator. */
const initializer = (documentUrl: string): string => `window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: ${JSON.stringify(documentUrl)},
    dom_id: '#swagger-ui',
    deepLinking: true,
    persistAuthorization: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    plugins: [SwaggerUIBundle.plugins.DownloadUrl],
    layout: 'StandaloneLayout',
  });
};
`;

/**
 * Interactive documentation (Swagger UI) of the OpenAPI document at `documentUrl` (relative
 * to the docs' own address), served from swagger-ui-dist in node_modules: no CDN.
 */
export function apiDocs(documentUrl: string): express.Router {
  const assets = dirname(require.resolve('swagger-ui-dist/package.json'));
  const script = initializer(documentUrl);
  const router = express.Router({ strict: true });
  // Without the trailing slash the page's relative asset addresses would miss.
  router.get('/', (req, res, next) => {
    if (req.originalUrl.split('?')[0].endsWith('/')) next();
    else res.redirect(301, `${req.baseUrl}/`);
  });
  router.get('/swagger-initializer.js', (_req, res) => {
    res.type('application/javascript').send(script);
  });
  router.use(express.static(assets, { index: 'index.html', maxAge: '1h' }));
  return router;
}
