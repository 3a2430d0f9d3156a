import packageJson from '../../../../package.json' with { type: 'json' };
import { buildOpenApi } from '../../../../server/api/openapi.js';
import { route, type RouteHandler } from '../../../../server/api/route.js';
import { API_ROUTES } from './routes.js';

export const dynamic = 'force-dynamic';

/** GET /api/v1/openapi.json: the API description, public so tools can fetch it before signing in. */
export const GET: RouteHandler = route({
  summary: 'This OpenAPI document',
  role: 'public',
  handler: async (): Promise<Record<string, unknown>> => buildOpenApi([...API_ROUTES, { path: '/api/v1/openapi.json', module: { GET } }], packageJson.version),
});
