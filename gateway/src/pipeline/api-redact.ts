/**
 * API calls' redaction: PII in what the system will receive (a JSON body's strings, a text body, the query string's
 * names and values) is rewritten by the call's plan (the policy's, else the config's) with the scan stage's
 * findings, before the forward stage sends it; placeholders in the system's textual answer are put back for the
 * caller. A system configured with `redact: false` (one of the operator's own that needs the real values, say a
 * CRM) gets the call as sent; what any call leaves in its record is scrubbed all the same (storeScrubber).
 */
import { StringDecoder } from 'node:string_decoder';
import { Transform } from 'node:stream';
import { PlaceholderRestorer, Vault, redactStrings, redactText } from '../redaction/index.js';
import type { CallContext } from './call-context.js';
import type { StageDeps } from './deps.js';
import { anyFound, planFor, rewritten } from './redact.js';
import { TEXT_BODY } from './scan.js';
import { isPending, type Answer, type Next, type Stage } from './stage.js';

/** The path with its query's names and values rewritten; unchanged (byte for byte) when nothing in it was. */
function redactQuery(path: string, redact: (text: string) => string): string {
  const q = path.indexOf('?');
  if (q < 0) return path;
  let changed = false;
  const pairs: [string, string][] = [];
  for (const [name, value] of new URLSearchParams(path.slice(q + 1))) {
    const pair: [string, string] = [redact(name), redact(value)];
    if (pair[0] !== name || pair[1] !== value) changed = true;
    pairs.push(pair);
  }
  return changed ? `${path.slice(0, q)}?${new URLSearchParams(pairs).toString()}` : path;
}

function contentType(headers: Readonly<Record<string, string | string[] | undefined>>): string {
  const type = headers['content-type'];
  return typeof type === 'string' ? type : '';
}

/** A textual answer with the originals back in place of its placeholders (a placeholder split across chunks too). */
function restoreAnswer(answer: Answer, vault: Vault): Answer {
  const type = contentType(answer.headers);
  if (!answer.stream || !(TEXT_BODY.test(type) || /^application\/json\b/i.test(type))) return answer;
  const decoder = new StringDecoder('utf8');
  const restorer = new PlaceholderRestorer(vault);
  const restored = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      done(null, restorer.push(decoder.write(chunk)));
    },
    flush(done) {
      done(null, restorer.push(decoder.end()) + restorer.flush());
    },
  });
  // The length changes with the text.
  const { 'content-length': _length, ...headers } = answer.headers;
  return { ...answer, headers, stream: rewritten(answer.stream, restored) };
}

export function apiRedactStage(deps: Pick<StageDeps, 'config'>): Stage {
  return {
    id: 'redact',
    run(ctx: CallContext, next: Next) {
      const chosen = ctx.redactionPlan ?? deps.config.redaction?.plan;
      if (!chosen || chosen.entities.size === 0 || !ctx.target!.system.redact || !anyFound(ctx.pii)) return next();
      const plan = planFor(ctx, deps, chosen);
      const vault = new Vault();
      const redact = (text: string): string => redactText(text, plan, vault, ctx.piiFindings).text;
      const raw = ctx.rawBody;
      let body = raw;
      if (typeof raw === 'string') body = redact(raw);
      else if (Buffer.isBuffer(raw)) {
        if (TEXT_BODY.test(contentType(ctx.headers))) body = Buffer.from(redact(raw.toString('utf8')));
      } else if (raw !== null && typeof raw === 'object') {
        body = redactStrings(raw, (text) => ({ text: redact(text) }));
      }
      // The body and path as the system will receive them (approvals edit the body the same way, hold.ts).
      (ctx as { rawBody: unknown }).rawBody = body;
      ctx.target = { ...ctx.target!, path: redactQuery(ctx.target!.path, redact) };
      ctx.redaction = { plan, vault };
      if (vault.size === 0) return next();
      const answer = next();
      return isPending(answer) ? answer.then((a) => restoreAnswer(a, vault)) : restoreAnswer(answer, vault);
    },
  };
}
