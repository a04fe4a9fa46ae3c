/** Domain errors. Each has a stable code; server/ maps codes to HTTP statuses in one place. */

export type ErrorCode =
  | 'bad_request'
  | 'validation_failed'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'payload_too_large'
  | 'rate_limited'
  | 'unprocessable'
  /** The body's bytes are not what its name says (an attachment whose type lies about itself). */
  | 'unsupported_media_type'
  /** A Range that starts past the end of the file. */
  | 'range_not_satisfiable'
  /** A system we depend on (Kustomer) could not be reached or failed. */
  | 'upstream_unavailable';

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const notFound = (what: string) => new AppError('not_found', `${what} not found`);
export const forbidden = (message = 'You are not allowed to do this') => new AppError('forbidden', message);
export const conflict = (message: string, details?: unknown) => new AppError('conflict', message, details);
/** Well-formed input that breaks a rule of the domain (unknown service, bad field value, ...). */
export const unprocessable = (message: string, details?: unknown) => new AppError('unprocessable', message, details);
