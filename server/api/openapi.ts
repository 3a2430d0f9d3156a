/**
 * The OpenAPI 3.1 document, generated from the route definitions the wrapper keeps on each
 * handler (zod 4 schemas → JSON Schema with `z.toJSONSchema`), so it cannot drift from what the
 * handlers actually accept.
 */
import { z } from 'zod';
import type { RouteDefinition } from './route.js';

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;

export interface RouteModule {
  /** The App Router path, e.g. `/api/v1/users/[username]`. */
  path: string;
  module: Record<string, unknown>;
}

/** `/api/v1/users/[username]` → `/api/v1/users/{username}`. */
export function openApiPath(appPath: string): string {
  return appPath.replace(/\[(?:\.\.\.)?([^\]]+)\]/g, '{$1}');
}

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  try {
    const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
    return rest;
  } catch {
    return {}; // transforms etc. that JSON Schema cannot express: documented as "any"
  }
}

function parameters(schema: z.ZodType | undefined, where: 'path' | 'query'): unknown[] {
  if (!schema) return [];
  const s = jsonSchema(schema, 'input') as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(s.properties ?? {}).map(([name, prop]) => ({
    name,
    in: where,
    required: where === 'path' || (s.required ?? []).includes(name),
    schema: prop,
  }));
}

const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} },
    },
  },
};

export function definitionOf(handler: unknown): RouteDefinition | undefined {
  return typeof handler === 'function' ? (handler as { definition?: RouteDefinition }).definition : undefined;
}

export interface RegisteredRoute {
  method: (typeof HTTP_METHODS)[number];
  /** The App Router path, e.g. `/api/v1/users/[username]`. */
  path: string;
  definition: RouteDefinition;
}

/** The registry: every (method, path) served through `route()`, with its definition, sorted. */
export function registeredRoutes(routes: readonly RouteModule[]): RegisteredRoute[] {
  const out: RegisteredRoute[] = [];
  for (const { path, module } of [...routes].sort((a, b) => a.path.localeCompare(b.path))) {
    for (const method of HTTP_METHODS) {
      const definition = definitionOf(module[method]);
      if (definition) out.push({ method, path, definition });
    }
  }
  return out;
}

/** Non-JSON bodies are described in words: their layout is not a JSON Schema. */
function otherMediaTypes(types: Record<string, string> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [type, description] of Object.entries(types ?? {})) {
    out[type] = { schema: { type: 'string', ...(type.startsWith('text/') ? {} : { format: 'binary' }), description } };
  }
  return out;
}

export function buildOpenApi(routes: readonly RouteModule[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const { method, path, definition: def } of registeredRoutes(routes)) {
    const responses: Record<string, unknown> = {
      [String(def.status ?? 200)]: {
        description: 'success',
        ...(def.response || def.mediaTypes?.response
          ? {
              content: {
                ...(def.response ? { 'application/json': { schema: jsonSchema(def.response, 'output') } } : {}),
                ...otherMediaTypes(def.mediaTypes?.response),
              },
            }
          : {}),
      },
      default: { description: 'error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
    };
    (paths[openApiPath(path)] ??= {})[method.toLowerCase()] = {
      summary: def.summary,
      'x-sluice-role': def.role,
      ...(def.readOnly ? { 'x-sluice-read-only': true } : {}),
      ...(def.auditAction ? { 'x-sluice-audit-action': def.auditAction } : {}),
      security: def.role === 'public' ? [] : [{ session: [] }, { bearer: [] }],
      parameters: [...parameters(def.params, 'path'), ...parameters(def.query, 'query')],
      ...(def.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(def.body, 'input') }, ...otherMediaTypes(def.mediaTypes?.request) } } } : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Sluice API',
      version,
      description:
        'Every write made with the session cookie needs the x-csrf-token header (from /api/v1/auth/session). ' +
        'Automation uses an API token: Authorization: Bearer slu_…',
    },
    paths,
    components: {
      schemas: { Error: errorSchema },
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: 'sluice_session' },
        bearer: { type: 'http', scheme: 'bearer' },
      },
    },
  };
}
