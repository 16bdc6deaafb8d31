// GET /ui: one self-contained page (see ui-page.ts).
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { UI_HTML } from '../ui-page.js';

const uiRoutes: FastifyPluginAsync<Record<string, never>> = async (app) => {
  app.get('/ui', { schema: { hide: true } }, async (_request, reply) => {
    reply
      .type('text/html; charset=utf-8')
      .header(
        'Content-Security-Policy',
        "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'",
      )
      .header('X-Content-Type-Options', 'nosniff')
      .header('Referrer-Policy', 'no-referrer');
    return UI_HTML;
  });
};

export default fp(uiRoutes, { name: 'weft-ui' });
