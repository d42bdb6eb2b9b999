import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'podium:public';

/** Opts a route out of the admin guard. Every route is admin-only unless it says this. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);
