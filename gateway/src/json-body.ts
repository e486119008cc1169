/**
 * JSON request bodies: Fastify's own parser (prototype-poisoning checks included), behind a nesting limit. Every
 * walker of a body (validation, PII scan, policy input, the store's encoder) recurses, so a body nested thousands
 * deep would overflow the stack somewhere; it is refused here as a 400 before anything builds it.
 */
import type { FastifyBodyParser, FastifyInstance } from 'fastify';
import { GatewayError } from './errors.js';

/** Far beyond any real request (a tool's JSON schema nested ten objects deep is about 25 levels). */
export const MAX_JSON_DEPTH = 128;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;

/**
 * The deepest nesting of a JSON text, stopping once past `limit`. Strings are skipped with indexOf, so the cost is
 * in the structure, not in the (usually much longer) text of messages.
 */
export function jsonDepthExceeds(text: string, limit: number): boolean {
  // Each level needs an opening and a closing character.
  if (text.length <= limit * 2) return false;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      let end = text.indexOf('"', i + 1);
      while (end !== -1) {
        let slashes = 0;
        while (text.charCodeAt(end - 1 - slashes) === BACKSLASH) slashes++;
        if (slashes % 2 === 0) break;
        end = text.indexOf('"', end + 1);
      }
      if (end === -1) return false; // unterminated: the parser reports it
      i = end;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > limit) return true;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
    }
  }
  return false;
}

/** Replaces the app's application/json parser with the same parser behind the nesting limit. */
export function limitJsonDepth(app: FastifyInstance, limit = MAX_JSON_DEPTH): void {
  const parse = app.getDefaultJsonParser('error', 'ignore');
  const parser: FastifyBodyParser<string> = (request, body, done) => {
    if (jsonDepthExceeds(body, limit)) {
      done(new GatewayError('GW_ERR_INVALID_REQUEST', `The request body nests JSON deeper than ${limit} levels.`), undefined);
      return;
    }
    parse(request, body, done);
  };
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, parser);
}
