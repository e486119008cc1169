/**
 * providers.aws.sign_req(request, aws_config, time_ns): the http.send request object with AWS Signature V4
 * headers added (Authorization, host, x-amz-date, and x-amz-content-sha256 for s3/glacier). The canonical
 * request is built from the URL exactly as given, the way OPA's Go URL parsing sees it (no path normalisation).
 */
import { createHash, createHmac } from 'node:crypto';
import { BuiltinError, OperandTypeError, operandTypeError } from './errors.js';
import { goMarshal } from './gojson.js';
import { REQUIRED_REQUEST_KEYS, checkRequestKeys } from './http.js';
import type { BuiltinDef } from './types.js';
import { formatValue, isNumber, isObject, RObject, RSet, type Value } from '../values.js';

const REQUIRED_AWS_KEYS = ['aws_access_key', 'aws_region', 'aws_secret_access_key', 'aws_service'];
/** Headers a proxy may rewrite, so they stay out of the signature (as in the AWS SDKs). */
const IGNORED_HEADERS = new Set(['authorization', 'user-agent', 'x-amzn-trace-id']);
const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

const operandError = (pos: number, message: string) => new OperandTypeError(`operand ${pos} ${message}`);
const setText = (names: string[]) => formatValue(new RSet(names));
const str = (v: Value | undefined): string => (typeof v === 'string' ? v : '');

/** Host, escaped path and raw query of a URL as Go's net/url reports them. */
function splitURL(raw: string): { host: string; path: string; query: string } {
  let rest = raw.split('#')[0]!;
  let query = '';
  const q = rest.indexOf('?');
  if (q >= 0) [rest, query] = [rest.slice(0, q), rest.slice(q + 1)];
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(rest);
  if (!scheme && /^[^/]*:/.test(rest)) throw new BuiltinError(`parse ${JSON.stringify(raw)}: missing protocol scheme`);
  if (scheme) rest = rest.slice(scheme[0].length);
  let host = '';
  if (rest.startsWith('//')) {
    const slash = rest.indexOf('/', 2);
    [host, rest] = slash < 0 ? [rest.slice(2), ''] : [rest.slice(2, slash), rest.slice(slash)];
    const at = host.lastIndexOf('@');
    if (at >= 0) host = host.slice(at + 1);
  }
  return { host, path: escapedPath(rest), query };
}

const PATH_SAFE = /[A-Za-z0-9\-_.~$&+,/:;=@]/;

/** Go's URL.EscapedPath: the path as written when that is a valid encoding, else re-escaped. */
function escapedPath(raw: string): string {
  if ([...raw].every((c) => PATH_SAFE.test(c) || "!'()*[]%".includes(c)) && !/%(?![0-9A-Fa-f]{2})/.test(raw)) return raw;
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    throw new BuiltinError(`parse ${JSON.stringify(raw)}: invalid URL escape`);
  }
  return [...Buffer.from(decoded, 'utf8')].map((b) => (b < 0x80 && PATH_SAFE.test(String.fromCharCode(b)) ? String.fromCharCode(b) : '%' + b.toString(16).toUpperCase().padStart(2, '0'))).join('');
}

const sha256Hex = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();

interface SignInput {
  readonly method: string;
  readonly url: string;
  readonly headers: ReadonlyMap<string, string>;
  readonly body: string;
  readonly service: string;
  readonly accessKey: string;
  readonly secretKey: string;
  readonly region: string;
  readonly sessionToken: string;
  readonly timeNs: bigint;
  readonly unsignedPayload: boolean;
}

/** AWS SigV4: returns the Authorization header and the headers the signature covers that the request lacks. */
export function signV4(r: SignInput): { authorization: string; awsHeaders: Map<string, string> } {
  const { host, path, query } = splitURL(r.url);
  const contentHash = r.unsignedPayload ? UNSIGNED_PAYLOAD : sha256Hex(Buffer.from(r.body, 'utf8'));
  // Floor to milliseconds (Go's time.Unix rounds toward the past for negative times); only seconds are printed.
  const ms = r.timeNs / 1_000_000n - (r.timeNs % 1_000_000n < 0n ? 1n : 0n);
  const iso = new Date(Number(ms)).toISOString();
  const date = iso.slice(0, 10).replace(/-/g, '');
  const stamp = `${date}T${iso.slice(11, 19).replace(/:/g, '')}Z`;

  const awsHeaders = new Map([['host', host], ['x-amz-date', stamp]]);
  if (r.service === 's3' || r.service === 'glacier') awsHeaders.set('x-amz-content-sha256', contentHash);
  if (r.sessionToken !== '') awsHeaders.set('x-amz-security-token', r.sessionToken);

  const toSign = new Map(awsHeaders);
  for (const [k, v] of r.headers) if (!IGNORED_HEADERS.has(k.toLowerCase())) toSign.set(k.toLowerCase(), v);
  const names = [...toSign.keys()].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  const signedHeaders = names.join(';');
  const canonical = [r.method, path, query, ...names.map((k) => `${k}:${toSign.get(k)}`), '', signedHeaders, contentHash].join('\n');

  const scope = `${date}/${r.region}/${r.service}/aws4_request`;
  const stringToSign = `AWS4-HMAC-SHA256\n${stamp}\n${scope}\n${sha256Hex(canonical)}`;
  let key = hmac(`AWS4${r.secretKey}`, date);
  for (const part of [r.region, r.service, 'aws4_request']) key = hmac(key, part);
  const signature = hmac(key, stringToSign).toString('hex');
  return { authorization: `AWS4-HMAC-SHA256 Credential=${r.accessKey}/${scope},SignedHeaders=${signedHeaders},Signature=${signature}`, awsHeaders };
}

function signReq(args: readonly Value[]): Value {
  const [req, config, time] = args as [Value, Value, Value];
  if (!isObject(req)) throw operandTypeError(1, 'object', req);
  // OPA reports a non-object config as operand 1 too.
  if (!isObject(config)) throw operandTypeError(1, 'object', config);
  const missing = REQUIRED_AWS_KEYS.filter((k) => !config.has(k));
  if (missing.length) throw operandError(2, `missing required AWS config parameters(s): ${setText(missing)}`);
  const invalid = REQUIRED_AWS_KEYS.filter((k) => typeof config.get(k) !== 'string');
  if (invalid.length) throw operandError(2, `invalid values for required AWS config parameters(s): ${setText(invalid)}`);

  if (!isNumber(time)) throw operandTypeError(1, 'number', time);
  const ns = typeof time === 'bigint' ? time : Number.isInteger(time) ? BigInt(time) : null;
  if (ns === null || ns < INT64_MIN || ns > INT64_MAX) throw operandError(3, 'could not convert time_ns value into a unix timestamp');

  checkRequestKeys(req);

  const headers = req.get('headers') ?? new RObject();
  if (!isObject(headers)) throw operandTypeError(0, 'object', headers);
  const invalidReq = REQUIRED_REQUEST_KEYS.filter((k) => typeof req.get(k) !== 'string');
  if (invalidReq.length) throw operandError(1, `invalid values for required request parameters(s): ${setText(invalidReq)}`);

  const rawBody = req.get('raw_body');
  const body = req.get('body');
  const bodyText = rawBody !== undefined ? str(rawBody) : body !== undefined ? goMarshal(body) : '';
  const disable = config.get('disable_payload_signing');
  if (disable !== undefined && typeof disable !== 'boolean') throw operandError(2, "invalid value for 'disable_payload_signing' in AWS config");

  const headerMap = new Map<string, string>();
  for (const [k, v] of headers) headerMap.set(str(k), str(v));
  const { authorization, awsHeaders } = signV4({
    method: str(req.get('method')),
    url: str(req.get('url')),
    headers: headerMap,
    body: bodyText,
    service: str(config.get('aws_service')),
    accessKey: str(config.get('aws_access_key')),
    secretKey: str(config.get('aws_secret_access_key')),
    region: str(config.get('aws_region')),
    sessionToken: str(config.get('aws_session_token')),
    timeNs: ns,
    unsignedPayload: disable === true,
  });

  const signed = new RObject();
  for (const [k, v] of headerMap) signed.set(k, v);
  signed.set('Authorization', authorization);
  for (const [k, v] of awsHeaders) signed.set(k, v);
  const out = new RObject(req.entries());
  out.set('headers', signed);
  return out;
}

export const builtins: readonly BuiltinDef[] = [
  {
    decl: {
      name: 'providers.aws.sign_req',
      args: [
        { name: 'request', type: { kind: 'object' } },
        { name: 'aws_config', type: { kind: 'object' } },
        { name: 'time_ns', type: { kind: 'number' } },
      ],
      result: { kind: 'object' },
      categories: ['providers.aws'],
    },
    impl: signReq,
  },
];
