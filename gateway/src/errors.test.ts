import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, GatewayError, renderError, type ErrorCode } from './errors.js';

describe('error codes', () => {
  it('every code is documented in ERRORS.md with its status', () => {
    const doc = readFileSync(new URL('../ERRORS.md', import.meta.url), 'utf8');
    for (const [code, spec] of Object.entries(ERROR_CODES)) {
      expect(doc).toMatch(new RegExp(`\\| \`${code}\` \\| ${spec.status} \\|`));
    }
  });

  it('renders both API shapes', () => {
    const error = new GatewayError('GW_ERR_UNAUTHENTICATED' satisfies ErrorCode, 'Invalid API key.');
    expect(renderError(error, 'openai')).toEqual({ error: { message: 'Invalid API key.', type: 'invalid_request_error', param: null, code: 'GW_ERR_UNAUTHENTICATED' } });
    expect(renderError(error, 'anthropic')).toEqual({ type: 'error', error: { type: 'authentication_error', message: 'Invalid API key.' } });
  });
});
