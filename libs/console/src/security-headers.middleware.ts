import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

/**
 * The console's pages have no inline script or style and load only the app's own stylesheet, so the CSP
 * forbids everything else; no page may be framed; pages are not cached (they show private data).
 */
export const CONSOLE_CSP =
  "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

@Injectable()
export class SecurityHeadersMiddleware implements NestMiddleware {
  use(req: Request, res: Response, next: NextFunction): void {
    res.set({
      'Content-Security-Policy': CONSOLE_CSP,
      'X-Frame-Options': 'DENY',
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'same-origin',
      'Cross-Origin-Opener-Policy': 'same-origin',
    });
    if (!req.path.startsWith('/console/assets/')) res.set('Cache-Control', 'no-store');
    next();
  }
}
