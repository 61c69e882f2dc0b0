/**
 * @module Typed errors with API codes. Handlers throw these; one mapper in functions/http writes the
 * `{ error: { code, message, issues? } }` envelope. Anything else is a logged 500.
 */
export const ERROR_CODES = [
  'invalid_spec',
  'invalid_request',
  'not_found',
  'conflict',
  'too_large',
  'unauthorized',
  'rate_limited',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface Issue {
  path: string;
  message: string;
}

export interface SolventErrorOptions extends ErrorOptions {
  issues?: Issue[];
  limit?: number;
}

export class SolventError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly issues?: Issue[];
  readonly limit?: number;
  constructor(code: ErrorCode, status: number, message: string, options: SolventErrorOptions = {}) {
    super(message, options);
    this.name = 'SolventError';
    this.code = code;
    this.status = status;
    if (options.issues) this.issues = options.issues;
    if (options.limit !== undefined) this.limit = options.limit;
  }
  toJSON(): { error: { code: ErrorCode; message: string; issues?: Issue[]; limit?: number } } {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.issues ? { issues: this.issues } : {}),
        ...(this.limit !== undefined ? { limit: this.limit } : {}),
      },
    };
  }
}

export class InvalidSpecError extends SolventError {
  constructor(message: string, issues: Issue[], options: SolventErrorOptions = {}) {
    super('invalid_spec', 400, message, { ...options, issues });
    this.name = 'InvalidSpecError';
  }
}
export class InvalidRequestError extends SolventError {
  constructor(message: string, options: SolventErrorOptions = {}) {
    super('invalid_request', 400, message, options);
    this.name = 'InvalidRequestError';
  }
}
export class NotFoundError extends SolventError {
  constructor(message = 'not found', options: SolventErrorOptions = {}) {
    super('not_found', 404, message, options);
    this.name = 'NotFoundError';
  }
}
export class ConflictError extends SolventError {
  constructor(message: string, options: SolventErrorOptions = {}) {
    super('conflict', 409, message, options);
    this.name = 'ConflictError';
  }
}
export class TooLargeError extends SolventError {
  constructor(message: string, limit: number, options: SolventErrorOptions = {}) {
    super('too_large', 413, message, { ...options, limit });
    this.name = 'TooLargeError';
  }
}
export class UnauthorizedError extends SolventError {
  constructor(message = 'missing or invalid API key', options: SolventErrorOptions = {}) {
    super('unauthorized', 401, message, options);
    this.name = 'UnauthorizedError';
  }
}
export class RateLimitedError extends SolventError {
  constructor(message: string, limit: number, options: SolventErrorOptions = {}) {
    super('rate_limited', 429, message, { ...options, limit });
    this.name = 'RateLimitedError';
  }
}

/** A solver-side failure with a reason that ends the job `failed` (not an API error). */
export class SolverError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SolverError';
  }
}
