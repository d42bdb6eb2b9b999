import { HttpStatus } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';

/**
 * Errors from reading a request (Express's body parsers, raw-body) and the PostgreSQL errors
 * that hostile input would cause if it ever got past validation. Each becomes a 4xx that says
 * what to change; anything else is left to the caller (a 500).
 */
export interface RequestErrorAnswer {
  status: number;
  message: string;
}

/** http-errors as body-parser throws them: `expose` marks a message safe for the client. */
interface ParserError {
  type?: string;
  status?: number;
  expose?: boolean;
  limit?: number;
  charset?: string;
  encoding?: string;
  message: string;
}

const PARSER_MESSAGES: Record<string, (err: ParserError) => string> = {
  'entity.too.large': (err) => `The request body is larger than ${err.limit} bytes`,
  'charset.unsupported': (err) => `The body's charset "${err.charset}" is not supported; send UTF-8`,
  'encoding.unsupported': (err) => `Content-Encoding "${err.encoding}" is not supported; send gzip, deflate, br or no encoding`,
  'entity.parse.failed': (err) => `The body is not valid JSON: ${err.message}`,
  'parameters.too.many': () => 'The form has too many fields',
  'request.aborted': () => 'The request was aborted before its body arrived',
  'request.size.invalid': () => 'The body is not as long as its Content-Length says',
};

/** PostgreSQL errors a request's values caused: validation should stop them first; this is the net. */
const PG_INPUT_ERRORS: Record<string, string> = {
  '22021': 'A value is not valid text (it holds a NUL character or an invalid byte sequence)',
  '54001': 'A value is nested too deeply to be stored',
};

export function requestErrorAnswer(exception: unknown): RequestErrorAnswer | null {
  if (exception instanceof QueryFailedError) {
    const message = PG_INPUT_ERRORS[(exception.driverError as { code?: string }).code ?? ''];
    return message ? { status: HttpStatus.BAD_REQUEST, message } : null;
  }
  if (!isClientParserError(exception)) return null;
  const describe = exception.type ? PARSER_MESSAGES[exception.type] : undefined;
  if (describe) return { status: exception.status, message: describe(exception) };
  // A zlib error on a body that claims gzip or deflate but is not: no type, status 400.
  return { status: exception.status, message: `The request body could not be decoded (${exception.message})` };
}

function isClientParserError(err: unknown): err is ParserError & { status: number } {
  if (!(err instanceof Error)) return false;
  const { status, expose } = err as ParserError;
  return expose === true && typeof status === 'number' && status >= 400 && status < 500;
}
