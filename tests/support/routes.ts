import type { INestApplication } from '@nestjs/common';

export interface RegisteredRoute {
  method: (typeof METHODS)[number];
  path: string;
}

const METHODS = ['get', 'post', 'patch', 'put', 'delete'] as const;

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
}

/** Every route the running Express app has registered: read from the router, never from a hand-kept list. */
export function registeredRoutes(
  app: INestApplication,
  options: { skipEveryMethod?: boolean } = {},
): RegisteredRoute[] {
  const express = app.getHttpAdapter().getInstance() as {
    router?: { stack: Layer[] };
    _router?: { stack: Layer[] };
  };
  const stack = (express.router ?? express._router)?.stack ?? [];
  const routes: RegisteredRoute[] = [];
  for (const layer of stack) {
    if (!layer.route) continue;
    // Nest's catch-all 404 handler ('{/*splat}') is not an application route.
    if (!layer.route.path.startsWith('/')) continue;
    // A wildcard ('/{*path}') is middleware bound to every path (the request logger), not a route.
    if (layer.route.path.includes('*')) continue;
    // With skipEveryMethod: a layer bound to every method is middleware given `forRoutes(... ALL)` (the
    // console's security headers on '/console'), not a route a person can reach.
    if (options.skipEveryMethod && METHODS.every((m) => layer.route!.methods[m])) continue;
    for (const [method, on] of Object.entries(layer.route.methods)) {
      if (on && (METHODS as readonly string[]).includes(method)) {
        routes.push({ method: method as RegisteredRoute['method'], path: layer.route.path });
      }
    }
  }
  return routes;
}
