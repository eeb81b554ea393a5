import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { DomainError, ErrorCode } from '../../common/src/domain.error.js';
import { ApiKeyService } from './api-key.service.js';
import { type AuthContext, IS_PUBLIC } from './auth-context.js';

/** Global guard: every route needs `Authorization: Bearer <key>` unless marked @Public(). */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeyService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) return true;
    const req = context.switchToHttp().getRequest<Request & { auth?: AuthContext }>();
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const auth = match ? await this.keys.authenticate(match[1]) : null;
    if (!auth) {
      throw new DomainError(
        ErrorCode.Unauthorized,
        header ? 'The API key is unknown or revoked' : 'Missing Authorization: Bearer <API key> header',
      );
    }
    req.auth = auth;
    return true;
  }
}
