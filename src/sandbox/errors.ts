// GHL error bodies. GHL runs NestJS, so errors look like Nest's HttpException output; the exact
// texts come from common-schemas.json, the v3 common schemas and observed responses (see
// shared/reference/ghl-api-notes.md §4.2).

/** Thrown by handlers; the server turns it into the response as-is. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`HTTP ${status}`);
  }
}

export function badRequest(message: string, extra: Record<string, unknown> = {}): HttpError {
  return new HttpError(400, { statusCode: 400, message, ...extra });
}

export function invalidToken(): HttpError {
  return new HttpError(401, {
    statusCode: 401,
    message: "Invalid token: access token is invalid",
    error: "Unauthorized",
  });
}

export function missingScope(): HttpError {
  return new HttpError(401, {
    statusCode: 401,
    message: "The token is not authorized for this scope.",
    error: "Unauthorized",
  });
}

export function forbiddenLocation(): HttpError {
  return new HttpError(403, {
    statusCode: 403,
    message: "The token does not have access to this location.",
    error: "Forbidden",
  });
}

export function notFound(message: string): HttpError {
  return new HttpError(404, { statusCode: 404, message });
}

/** Nest's answer for a path/method no controller handles. */
export function routeNotFound(method: string, path: string): HttpError {
  return new HttpError(404, { statusCode: 404, message: `Cannot ${method} ${path}`, error: "Not Found" });
}

/** class-validator output: `message` is always an array of strings for 422. */
export function unprocessable(messages: string[]): HttpError {
  return new HttpError(422, { statusCode: 422, message: messages, error: "Unprocessable Entity" });
}

export function tooManyRequests(): HttpError {
  return new HttpError(429, { statusCode: 429, message: "Too Many Requests" });
}

const STATUS_TEXT: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  408: "Request Timeout",
  409: "Conflict",
  413: "Payload Too Large",
  422: "Unprocessable Entity",
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

/** The body GHL would send for a bare status, used by injected faults without a body. */
export function defaultErrorBody(status: number): unknown {
  const text = STATUS_TEXT[status] ?? "Error";
  if (status === 401) return invalidToken().body;
  if (status === 422) return { statusCode: 422, message: [text], error: text };
  return { statusCode: status, message: text };
}
