import { describe, expect, it } from 'vitest';
import { Engine } from '../index.js';
import { signV4 } from './providers.js';

// AWS's published SigV4 test suite, case "get-vanilla".
const vanilla = {
  method: 'GET',
  url: 'https://example.amazonaws.com/',
  headers: new Map<string, string>(),
  body: '',
  service: 'service',
  accessKey: 'AKIDEXAMPLE',
  secretKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  region: 'us-east-1',
  sessionToken: '',
  timeNs: BigInt(Date.UTC(2015, 7, 30, 12, 36, 0)) * 1_000_000n,
  unsignedPayload: false,
};

describe('providers.aws.sign_req', () => {
  it('matches the AWS test suite signature', () => {
    const { authorization, awsHeaders } = signV4(vanilla);
    expect(authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request,SignedHeaders=host;x-amz-date,Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
    );
    expect(Object.fromEntries(awsHeaders)).toEqual({ host: 'example.amazonaws.com', 'x-amz-date': '20150830T123600Z' });
  });

  it('leaves proxy-rewritten headers out of the signature but keeps them on the request', () => {
    const e = Engine.compile([
      {
        file: 'a.rego',
        source: `package a

signed := providers.aws.sign_req(
	{"method": "GET", "url": "https://example.amazonaws.com/a b?x=1", "headers": {"User-Agent": "opa", "X-Custom": "v"}},
	{"aws_access_key": "AK", "aws_secret_access_key": "SK", "aws_service": "execute-api", "aws_region": "eu-west-1"},
	0,
)
`,
      },
    ]);
    const headers = (e.document(['a', 'signed']) as { headers: Record<string, string> }).headers;
    expect(headers['User-Agent']).toBe('opa');
    expect(headers.Authorization).toContain('SignedHeaders=host;x-amz-date;x-custom,');
    expect(headers['x-amz-date']).toBe('19700101T000000Z');
    expect(headers['x-amz-content-sha256']).toBeUndefined();
  });
});
