/**
 * Store errors, classified by ClickHouse's numeric error codes (never by message text).
 */
export const STORE_ERROR_CODES = {
  CH_ERR_QUERY: 'CH_ERR_QUERY',
  CH_ERR_UNAVAILABLE: 'CH_ERR_UNAVAILABLE',
  CH_ERR_RESOURCE: 'CH_ERR_RESOURCE',
  CH_ERR_LOCKED: 'CH_ERR_LOCKED',
  CH_ERR_MIGRATION: 'CH_ERR_MIGRATION',
  CH_ERR_AUDIT_BROKEN: 'CH_ERR_AUDIT_BROKEN',
  /** A key or checkpoint given to the store is unusable. */
  CH_ERR_CONFIG: 'CH_ERR_CONFIG',
} as const;
export type StoreErrorCode = keyof typeof STORE_ERROR_CODES;

/** ClickHouse codes for exhausted resources: MEMORY_LIMIT_EXCEEDED, TIMEOUT_EXCEEDED, TOO_MANY_SIMULTANEOUS_QUERIES. */
const RESOURCE_CODES = new Set([241, 159, 202]);

/**
 * Codes that say the store cannot take writes now, whatever the rows hold: UNKNOWN_TABLE, UNKNOWN_DATABASE,
 * SOCKET_TIMEOUT, NETWORK_ERROR, ABORTED, TABLE_IS_READ_ONLY, TOO_MANY_PARTS, READONLY, TOO_FEW_LIVE_REPLICAS,
 * UNKNOWN_STATUS_OF_INSERT, QUERY_WAS_CANCELLED, ACCESS_DENIED, AUTHENTICATION_FAILED, KEEPER_EXCEPTION. A batch
 * refused with one of them waits; any other refusal is about the data, and the writer isolates the rows at fault.
 */
const NOT_WRITABLE_CODES = new Set([60, 81, 209, 210, 236, 242, 252, 164, 285, 319, 394, 497, 516, 999]);

export class StoreError extends Error {
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    readonly clickhouseCode?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StoreError';
  }

  /** Whether a write may succeed later (the server is unreachable or busy), as opposed to a bad query. */
  get retryable(): boolean {
    return this.code === 'CH_ERR_UNAVAILABLE' || this.code === 'CH_ERR_RESOURCE';
  }

  /** Whether ClickHouse refused an insert for what the rows hold (as opposed to not taking writes at all). */
  get refusedData(): boolean {
    return this.code === 'CH_ERR_QUERY' && !(this.clickhouseCode !== undefined && NOT_WRITABLE_CODES.has(this.clickhouseCode));
  }
}

export function classifyClickHouseError(error: unknown): StoreError {
  if (error instanceof StoreError) return error;
  const e = error as { clickhouseCode?: number; code?: string | number; message?: string };
  const chCode = typeof e.clickhouseCode === 'number' ? e.clickhouseCode : typeof e.code === 'string' && /^\d+$/.test(e.code) ? Number(e.code) : undefined;
  const message = String(e.message ?? error);
  if (chCode !== undefined && RESOURCE_CODES.has(chCode)) return new StoreError('CH_ERR_RESOURCE', message, chCode, { cause: error });
  if (chCode !== undefined) return new StoreError('CH_ERR_QUERY', message, chCode, { cause: error });
  const sys = typeof e.code === 'string' ? e.code : '';
  if (/^(ECONN|EHOSTUNREACH|ETIMEDOUT|EPIPE|ENOTFOUND|UND_ERR|ECONNRESET)/.test(sys) || /socket hang up|ECONNREFUSED|Timeout/i.test(message)) {
    return new StoreError('CH_ERR_UNAVAILABLE', message, undefined, { cause: error });
  }
  return new StoreError('CH_ERR_QUERY', message, undefined, { cause: error });
}
