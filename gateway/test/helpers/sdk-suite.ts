/**
 * The setup the SDK suites share: a fake upstream and a gateway in front of it for the whole file, the upstream
 * reset to answering (5 ms between stream events) before each test.
 */
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from '../fake-upstream/index.js';
import type { ConfigFileInput } from '../../src/config/schema.js';
import { fakeUpstreamConfig, startGateway, type TestGateway } from './start-gateway.js';

export interface SdkSuite {
  readonly upstream: FakeUpstream;
  readonly gw: TestGateway;
}

export function useGatewayWithFakeUpstream(configure: (config: ConfigFileInput) => ConfigFileInput = (c) => c): SdkSuite {
  const suite = {} as { upstream: FakeUpstream; gw: TestGateway };
  beforeAll(async () => {
    suite.upstream = await startFakeUpstream();
    suite.gw = await startGateway(configure(fakeUpstreamConfig(suite.upstream)));
  });
  afterAll(async () => {
    await suite.gw?.close();
    await suite.upstream?.close();
  });
  beforeEach(() => {
    suite.upstream.behave({ kind: 'ok' });
    suite.upstream.setEventDelay(5);
  });
  return suite;
}
