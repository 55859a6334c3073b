/**
 * Errors an HTTP client sees. Only ApiError messages (written by us, never containing input values
 * that could be secrets, nor SQL) reach a response body; anything else becomes a generic 500 with the
 * request id, and its details go to the log only.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The offending field, for validation errors (`from`, `data.job`, `query.limit`). */
    readonly field?: string,
    /** Every validation problem as `field: reason`, when there are several. */
    readonly problems?: string[],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function badRequest(field: string, reason: string): ApiError {
  return new ApiError(400, 'invalid_request', `${field}: ${reason}`, field);
}

export function notFound(code: string, message: string): ApiError {
  return new ApiError(404, code, message);
}

/** The JSON body of every error response. */
export interface ErrorBody {
  error: string;
  message: string;
  field?: string;
  problems?: string[];
  request_id: string;
}

/**
 * Fastify's own 4xx errors, mapped to fixed messages: their texts can quote the request (a JSON
 * parser error shows part of the body), so none of them is passed through.
 */
const FASTIFY_4XX: Record<string, { code: string; message: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'invalid_json', message: 'body is not valid JSON' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'invalid_json', message: 'body is empty' },
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'body_too_large', message: 'body exceeds the size limit' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'unsupported_media_type', message: 'unsupported Content-Type' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'invalid_request', message: 'Content-Length does not match the body' },
  FST_ERR_CTP_EMPTY_TYPE: { code: 'unsupported_media_type', message: 'Content-Type is empty' },
  FST_ERR_CTP_INVALID_TYPE: { code: 'unsupported_media_type', message: 'Content-Type is invalid' },
  FST_ERR_BAD_URL: { code: 'invalid_request', message: 'the URL is malformed' },
  FST_ERR_ASYNC_CONSTRAINT: { code: 'invalid_request', message: 'the request is invalid' },
};

/** Status and safe body for any thrown value. */
export function toErrorResponse(e: unknown, requestId: string): { status: number; body: ErrorBody } {
  if (e instanceof ApiError) {
    return {
      status: e.status,
      body: {
        error: e.code,
        message: e.message,
        ...(e.field ? { field: e.field } : {}),
        ...(e.problems && e.problems.length > 1 ? { problems: e.problems } : {}),
        request_id: requestId,
      },
    };
  }
  const err = e as { statusCode?: unknown; code?: unknown };
  const status = typeof err?.statusCode === 'number' ? err.statusCode : 500;
  if (status >= 400 && status < 500) {
    const known = typeof err.code === 'string' ? FASTIFY_4XX[err.code] : undefined;
    // A JSON syntax error thrown by a content-type parser carries a SyntaxError message: never echoed.
    const mapped = known ?? (e instanceof SyntaxError ? FASTIFY_4XX.FST_ERR_CTP_INVALID_JSON_BODY! : undefined);
    return {
      status,
      body: {
        error: mapped?.code ?? 'invalid_request',
        message: mapped?.message ?? 'the request is invalid',
        request_id: requestId,
      },
    };
  }
  return {
    status: status >= 500 && status < 600 ? status : 500,
    body: {
      error: 'internal',
      message: 'internal error; see the server log for this request id',
      request_id: requestId,
    },
  };
}
