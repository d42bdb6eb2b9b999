import { BadRequestException, CanActivate, ExecutionContext, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { AdminKeys } from './admin-keys';
import { IS_PUBLIC } from './public.decorator';
import { readReasonHeader } from './reason-header';

type AuthenticatedRequest = Request & { podiumAdmin?: boolean; podiumActor?: string | null; podiumReason?: string | null };

/** Marks a request that carried a valid admin key, for public routes that show more to admins. */
export function isAdminRequest(request: Request): boolean {
  return (request as AuthenticatedRequest).podiumAdmin === true;
}

/** Who made the request, as the audit log names them: the admin key's holder, or null (public). */
export function actorOf(request: Request): string | null {
  return (request as AuthenticatedRequest).podiumActor ?? null;
}

/** The reason given for a change in the `X-Reason` header (already checked by the guard), or null. */
export function reasonOf(request: Request): string | null {
  return (request as AuthenticatedRequest).podiumReason ?? null;
}

/**
 * Global guard: every route needs `Authorization: Bearer <admin key>` unless marked @Public().
 * Public routes still get the admin flag set when a valid key is presented. The key's holder is
 * kept on the request as the actor the audit log records.
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
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const presented = AdminKeys.fromHeader(request.headers.authorization);
    const holder = presented === null ? null : this.keys.holderOf(presented);
    request.podiumAdmin = holder !== null;
    request.podiumActor = holder;

    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()]);
    if (!isPublic && holder === null) {
      throw new UnauthorizedException(
        this.keys.configured
          ? 'This needs an admin key: send Authorization: Bearer <key>'
          : 'No admin keys are configured (ADMIN_API_KEYS), so admin routes are closed',
      );
    }
    const reason = readReasonHeader(request.headers['x-reason']);
    if (reason.problem) throw new BadRequestException(reason.problem);
    request.podiumReason = reason.text;
    return true;
  }
}
