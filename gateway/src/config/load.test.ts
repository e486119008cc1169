import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, resolveConfig } from './load.js';

const opts = { source: 'test', env: { KEY: 'sk-1' }, baseDir: '/tmp' };

describe('config', () => {
  it('serves the demo models with no file', async () => {
    const config = await loadConfig(undefined, { env: {}, cwd: '/tmp' });
    expect(config.models.get('demo-1')?.deployments[0]?.provider).toBe('demo');
    expect(config.models.get('demo')?.name).toBe('demo-1');
    expect(config.port).toBe(8080);
  });

  it('loads the config docker-compose.yml starts with: demo models, the ClickHouse server store', async () => {
    const file = fileURLToPath(new URL('../../examples/compose.yaml', import.meta.url));
    const config = await loadConfig(file, { env: { CLICKHOUSE_PASSWORD: 'pw' }, cwd: '/tmp' });
    expect(config.models.get('demo')?.name).toBe('demo-1');
    expect(config.host).toBe('0.0.0.0');
    expect(config.store).toMatchObject({ kind: 'server', url: 'http://clickhouse:8123', database: 'airlock', username: 'default', password: 'pw', walDir: '/app/data/wal' });
    expect(config.keysFile).toBe('/app/data/keys.json');
  });

  it('resolves credentials from the environment and defaults timeouts', () => {
    const config = resolveConfig(
      { providers: { oa: { kind: 'openai', api_key_env: 'KEY', timeouts: { idle_ms: 5 } } }, models: { m: { deployments: [{ provider: 'oa', model: 'gpt-x' }] } } },
      opts,
    );
    const d = config.models.get('m')!.deployments[0]!;
    expect(d.apiKey).toBe('sk-1');
    expect(d.baseUrl).toBe('https://api.openai.com/v1');
    expect(d.timeouts.idleMs).toBe(5);
    expect(d.timeouts.connectMs).toBe(5000);
  });

  it('names the path and the problem of every error', () => {
    const attempt = () =>
      resolveConfig({ server: { port: 'eighty' }, models: { m: { deployments: [] } }, extra: true }, opts);
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (error) {
      const problems = (error as ConfigError).problems.join('\n');
      expect(problems).toMatch(/server\.port: /);
      expect(problems).toMatch(/models\.m\.deployments: /);
      expect(problems).toMatch(/\(root\): Unrecognized key.*extra/);
    }
  });

  it('refuses unknown providers and missing environment variables', () => {
    expect(() =>
      resolveConfig({ providers: { oa: { kind: 'openai', api_key_env: 'MISSING' } }, models: { m: { deployments: [{ provider: 'oa', model: 'x' }, { provider: 'nope', model: 'y' }] } } }, opts),
    ).toThrow(/MISSING is not set[\s\S]*unknown provider "nope"/);
  });

  it('refuses duplicate names and aliases', () => {
    expect(() =>
      resolveConfig({ providers: { d: { kind: 'demo' } }, models: { a: { deployments: [{ provider: 'd', model: 'x' }] }, b: { aliases: ['a'], deployments: [{ provider: 'd', model: 'y' }] } } }, opts),
    ).toThrow(/"a" is already used/);
  });

  it('reads YAML files and reports bad syntax', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'airlock-config-'));
    await writeFile(join(dir, 'ok.yaml'), 'server:\n  port: 9090\nproviders:\n  d: { kind: demo }\nmodels:\n  m:\n    deployments: [{ provider: d, model: demo-1 }]\n');
    await writeFile(join(dir, 'bad.yaml'), 'server: [\n');
    expect((await loadConfig('ok.yaml', { env: {}, cwd: dir })).port).toBe(9090);
    await expect(loadConfig('bad.yaml', { env: {}, cwd: dir })).rejects.toThrow(/not valid YAML/);
    await expect(loadConfig('missing.yaml', { env: {}, cwd: dir })).rejects.toThrow(/cannot read file/);
  });

  it('reads MCP servers: ${ENV} in headers and env, a server is a url or a command, and what /mcp merges', () => {
    const config = resolveConfig(
      {
        mcp: {
          servers: {
            gh: { url: 'https://mcp.example.com/mcp', headers: { Authorization: 'Bearer ${KEY}' }, external: true },
            files: { command: 'npx', args: ['server-fs'], env: { TOKEN: '${KEY}' }, cwd: 'srv' },
          },
          aggregate: { teams: { support: ['files'] } },
        },
      },
      opts,
    );
    expect(config.mcp.servers.get('gh')).toMatchObject({ transport: 'http', headers: { authorization: 'Bearer sk-1' }, external: true, timeoutMs: 60_000 });
    expect(config.mcp.servers.get('files')).toMatchObject({ transport: 'stdio', command: 'npx', args: ['server-fs'], env: { TOKEN: 'sk-1' }, cwd: '/tmp/srv', external: false });
    expect(config.mcp.aggregate.default).toEqual(['gh', 'files']);
    expect(config.mcp.aggregate.teams.get('support')).toEqual(['files']);
    expect(config.mcp.pinning).toMatchObject({ unapproved: 'allow', changed: 'hide', file: expect.stringMatching(/mcp-pins\.json$/) });
  });

  it('refuses MCP servers that are both or neither, names with "__", unset variables and unknown merged servers', () => {
    const problems = (mcp: unknown): string[] => {
      try {
        resolveConfig({ mcp }, opts);
        return [];
      } catch (error) {
        return [...(error as ConfigError).problems];
      }
    };
    expect(problems({ servers: { a: { url: 'https://x/mcp', command: 'x' } } }).length).toBeGreaterThan(0);
    expect(problems({ servers: { a: {} } }).length).toBeGreaterThan(0);
    expect(problems({ servers: { a__b: { url: 'https://x/mcp' } } })[0]).toMatch(/__/);
    expect(problems({ servers: { a: { url: 'https://x/mcp', headers: { x: '${NOPE}' } } } })).toEqual(['mcp.servers.a.headers.x: environment variable NOPE is not set']);
    expect(problems({ servers: { a: { url: 'https://x/mcp' } }, aggregate: { teams: { t: ['b'] } } })).toEqual(['mcp.aggregate.teams.t: unknown MCP server "b"']);
  });
});
