import { RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * The headers of an API's answers (JSON, a document's bytes): nothing in them runs, frames
 * them or is sniffed into another type, and no referrer leaves with a link from them.
 */
export const apiSecurityHeaders = (): RequestHandler =>
  helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'none'"],
      },
    },
    crossOriginResourcePolicy: { policy: 'same-origin' },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
  });

/**
 * The headers of an authorization server's answers, pages among them: never framed, never
 * sniffed, no referrer, nothing loaded from elsewhere. Inline scripts and styles stay allowed
 * for the provider's own pages (its form_post page submits itself with a script); pages of
 * ours send a stricter policy of their own.
 */
export const authorizationServerSecurityHeaders = (): RequestHandler =>
  helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'", "'unsafe-inline'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
      },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
  });
