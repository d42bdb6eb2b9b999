import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { Request } from 'express';
import { Observable } from 'rxjs';
import { UnsupportedFileError } from './import-errors';

/**
 * Multer hands any multipart body to busboy, which throws a bare error (a 500) for a subtype
 * other than form-data (multipart/mixed, /related...). Runs before the file interceptor and
 * refuses those with a 415; a body that is not multipart at all is left to the "no file" 400.
 */
@Injectable()
export class FormDataOnlyInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<Request>();
    if (request.is('multipart/*') && !request.is('multipart/form-data')) {
      throw new UnsupportedFileError('Send the spreadsheet as multipart/form-data (the "file" part)');
    }
    return next.handle();
  }
}
