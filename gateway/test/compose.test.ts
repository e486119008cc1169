/**
 * The production compose file, checked as far as a machine without a Docker engine can: against the Compose
 * specification's JSON schema (vendored in deploy/, no network), for what an operator relies on (pinned images,
 * healthchecks, volumes, no secret in the file, multi-stage non-root images), and by running the gateway container's
 * exact command, with its environment, against a real ClickHouse HTTP server.
 */
import { spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { startChdbHttpServer, type ChdbHttpServer } from '../../clickhouse/test/chdb-http-server.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string): Promise<string> => readFile(join(ROOT, path), 'utf8');

interface Service {
  readonly image?: string;
  readonly build?: { readonly context: string; readonly dockerfile: string };
  readonly command?: readonly string[];
  readonly working_dir?: string;
  readonly environment?: Readonly<Record<string, string>>;
  readonly healthcheck?: { readonly test: readonly string[] };
  readonly volumes?: readonly string[];
}
let compose: { services: Record<string, Service>; volumes: Record<string, unknown> };

beforeAll(async () => {
  compose = parseYaml(await read('docker-compose.yml'));
});

describe('docker-compose.yml', () => {
  it('is valid against the Compose specification schema', async () => {
    // The schema says draft 2019-09 but keeps draft-04's `id` annotations (strings; a property named id would be an
    // object), which Ajv refuses as ids: they name no $ref target, so they go, as does the `$schema` Ajv assumes.
    const { $schema: _draft, ...schema } = JSON.parse(await read('deploy/compose-spec.schema.json'), (key, value: unknown) =>
      key === 'id' && typeof value === 'string' ? undefined : value,
    ) as Record<string, unknown>;
    const ajv = new Ajv2019({ strict: false, allErrors: true });
    const validate = ajv.compile(schema);
    expect(validate(compose), JSON.stringify(validate.errors, null, 2)).toBe(true);
    // The schema itself has teeth: an unknown service key is refused.
    expect(validate({ services: { gateway: { image: 'x', healthcheck_typo: {} } } })).toBe(false);
  });

  it('runs ClickHouse (official image, pinned), the gateway, the console and an OpenTelemetry collector, each with a healthcheck', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['clickhouse', 'console', 'gateway', 'otel-collector']);
    expect(compose.services.clickhouse!.image).toMatch(/^clickhouse\/clickhouse-server:\d+\.\d+/);
    for (const [name, s] of Object.entries(compose.services)) {
      expect(s.healthcheck?.test.length, `${name} healthcheck`).toBeGreaterThan(1);
      if (s.image) expect(s.image, `${name} image is pinned`).not.toMatch(/:latest$|^[^:]+$/);
    }
    expect(compose.services.gateway!.environment!.OTEL_EXPORTER_OTLP_ENDPOINT).toBe('http://otel-collector:4318');
    expect(compose.services.console!.environment!.AIRLOCK_URL).toBe('http://gateway:8080');
    for (const v of ['clickhouse-data', 'gateway-data']) expect(compose.volumes).toHaveProperty(v);
  });

  it('holds no secret: every credential comes from the environment (.env), and .env.example names each one', async () => {
    const example = await read('.env.example');
    for (const [name, s] of Object.entries(compose.services)) {
      for (const [key, value] of Object.entries(s.environment ?? {})) {
        if (/KEY|PASSWORD|SECRET|TOKEN/.test(key)) {
          expect(value, `${name}.${key}`).toMatch(new RegExp(`^\\$\\{${key}(:[-?][^}]*)?\\}$`));
          expect(example, `.env.example names ${key}`).toMatch(new RegExp(`^${key}=$`, 'm'));
        }
      }
    }
  });

  it('builds each of our services from a multi-stage Dockerfile that installs production dependencies and runs as non-root', async () => {
    for (const name of ['gateway', 'console']) {
      const s = compose.services[name]!;
      const dockerfile = await read(s.build!.dockerfile);
      expect(dockerfile.match(/^FROM /gm)!.length, `${name}: stages`).toBeGreaterThanOrEqual(2);
      expect(dockerfile).toMatch(/^RUN npm ci --omit=dev /m);
      expect(dockerfile).toMatch(/^USER node$/m);
      // The compose command is the image's own CMD: what CI runs below is what the container runs.
      const cmd = JSON.parse(/^CMD (\[.*\])$/m.exec(dockerfile)![1]!) as string[];
      expect(cmd, `${name}: compose command = Dockerfile CMD`).toEqual(s.command);
      // Every file the image copies exists.
      for (const [, src] of dockerfile.matchAll(/^COPY (?!--from)(\S+) /gm)) await expect(readFile(join(ROOT, src!)).catch((e: NodeJS.ErrnoException) => (e.code === 'EISDIR' ? '' : Promise.reject(e)))).resolves.toBeDefined();
    }
  });
});

describe('the gateway container command against a real ClickHouse server', () => {
  let server: ChdbHttpServer;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'airlock-compose-'));
    server = await startChdbHttpServer(join(dir, 'clickhouse'));
    // What the ClickHouse image does for CLICKHOUSE_DB on its first start.
    const created = await fetch(`${server.url}/?query=${encodeURIComponent('CREATE DATABASE IF NOT EXISTS airlock')}`, { method: 'POST' });
    expect(created.status).toBe(200);
  }, 60_000);
  afterAll(async () => {
    await server?.kill();
    await rm(dir, { recursive: true, force: true });
  });

  it('starts, records a call in ClickHouse and answers its healthcheck', async () => {
    const s = compose.services.gateway!;
    // The container's /app is the repository and /app/data the gateway-data volume. The config is the container's
    // but for three addresses: compose's network name `clickhouse` is the test server here, /app/data a temp
    // folder, and port 8080 (free in a container, perhaps not on this machine) a free one.
    const app = join(dir, 'app');
    await mkdir(join(app, 'gateway', 'examples'), { recursive: true });
    await cp(join(ROOT, 'gateway', 'bin'), join(app, 'gateway', 'bin'), { recursive: true });
    const config = (await read('gateway/examples/compose.yaml'))
      .replace('http://clickhouse:8123', server.url)
      .replaceAll('/app/data/', join(dir, 'data') + '/')
      .replace('port: 8080', 'port: 0');
    expect(config.split('\n').filter((l) => !l.startsWith('#')).join('\n')).not.toMatch(/clickhouse:8123|\/app\/|port: 8080/);
    await writeFile(join(app, 'gateway', 'examples', 'compose.yaml'), config);
    await cp(join(ROOT, 'gateway', 'src'), join(app, 'gateway', 'src'), { recursive: true });
    await writeFile(join(app, 'gateway', 'package.json'), await read('gateway/package.json'));
    await symlinkModules(app);

    const [exe, ...args] = s.command!;
    expect(exe).toBe('node');
    const env = Object.fromEntries(Object.entries(s.environment!).map(([k, v]) => [k, v.startsWith('${') ? '' : v]));
    const child = spawn(process.execPath, args, { cwd: app, env: { PATH: process.env.PATH, HOME: dir, ...env, OTEL_EXPORTER_OTLP_ENDPOINT: '', AIRLOCK_URL: '' } });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no start:\n${out}`)), 50_000);
        child.stdout.on('data', () => {
          const m = /gateway listening on (\S+)\n[\s\S]*(alk_\S+)\n/.exec(out);
          if (m) {
            clearTimeout(timer);
            resolve(m[1]!);
          }
        });
        child.once('exit', (code) => reject(new Error(`exited ${code}:\n${out}`)));
      });
      const key = /\n {4}(alk_\S+)\n/.exec(out)![1]!;
      const health = s.healthcheck!.test;
      expect(health.slice(0, 3)).toEqual(['CMD', 'node', '-e']);
      const probe = spawn(process.execPath, ['-e', health[3]!.replace('http://127.0.0.1:8080', url.replace('0.0.0.0', '127.0.0.1'))]);
      expect(await new Promise((r) => probe.once('exit', r))).toBe(0);
      const base = url.replace('0.0.0.0', '127.0.0.1');
      const res = await fetch(`${base}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'demo-1', messages: [{ role: 'user', content: 'hello from compose' }] }),
      });
      expect(res.status).toBe(200);
      const callId = res.headers.get('x-airlock-call-id')!;
      let rows = '';
      for (let i = 0; i < 100 && !rows.includes(callId); i++) {
        await new Promise((r) => setTimeout(r, 200));
        rows = await (await fetch(`${server.url}/?query=${encodeURIComponent('SELECT call_id FROM airlock.calls FORMAT TSV')}`, { method: 'POST' })).text();
      }
      expect(rows).toContain(callId);
    } finally {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
  }, 90_000);
});

/** The image's node_modules, policies, clickhouse and sdk workspaces: the repository's own, linked. */
async function symlinkModules(app: string): Promise<void> {
  const { symlink } = await import('node:fs/promises');
  for (const name of ['node_modules', 'policies', 'clickhouse', 'sdk', 'package.json']) await symlink(join(ROOT, name), join(app, name));
}
