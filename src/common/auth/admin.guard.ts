import { CanActivate, ExecutionContext, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { AdminKeys } from './admin-keys';
import { IS_PUBLIC } from './public.decorator';

/** Marks a request that carried a valid admin key, for public routes that show more to admins. */
export function isAdminRequest(request: Request): boolean {
  return (request as Request & { podiumAdmin?: boolean }).podiumAdmin === true;
}

/**
 * Global guard: every route needs `Authorization: Bearer <admin key>` unless marked @Public().
 * Public routes still get the admin flag set when a valid key is presented.
 */
@Injectable()
export class AdminGuard implements CanActivate {
  private readonly keys: AdminKeys;

  constructor(
    private readonly reflector: Reflector,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.keys = new AdminKeys(config.adminApiKeys);
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<Request>();
    const presented = AdminKeys.fromHeader(request.headers.authorization);
    const admin = presented !== null && this.keys.matches(presented);
    (request as Request & { podiumAdmin?: boolean }).podiumAdmin = admin;

    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()]);
    if (isPublic || admin) return true;
    throw new UnauthorizedException(
      this.keys.configured
        ? 'This needs an admin key: send Authorization: Bearer <key>'
        : 'No admin keys are configured (ADMIN_API_KEYS), so admin routes are closed',
    );
  }
}
