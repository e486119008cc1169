import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { text as readText } from 'node:stream/consumers';
import { DEFAULT_PHONE_REGIONS, MODES, Vault, detect, redactText, ENTITY_TYPES, type Mode, type Tier } from '../../redaction/index.js';
import { getCountries, type CountryCode } from 'libphonenumber-js/max';
import type { Command } from '../command.js';

const HELP = `Usage: airlock pii <detect|redact> [options]

  airlock pii detect [--tier fast|full] [--regions US,GB,…]
      reads JSON lines with a "text" field on standard input (other fields, such as "id", are copied through) and
      writes each line back with "entities": [{type, start, end, score}] (JavaScript string offsets, end exclusive)
  airlock pii redact [--mode placeholder|mask|hash] [--tier fast|full] [--types EMAIL,SSN,…]
      reads text on standard input and writes it redacted

  --regions: where phone numbers written without a country code are checked (default ${DEFAULT_PHONE_REGIONS.join(',')}).

Types: ${ENTITY_TYPES.join(', ')}.
`;

export const piiCommand: Command = {
  name: 'pii',
  summary: 'Detect and redact personal data in text',
  help: HELP,
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options: { tier: { type: 'string', default: 'fast' }, mode: { type: 'string', default: 'placeholder' }, types: { type: 'string' }, regions: { type: 'string' } },
      allowPositionals: true,
      strict: true,
    });
    const tier = values.tier as Tier;
    if (tier !== 'fast' && tier !== 'full') throw new Error('--tier must be fast or full');
    const regions = values.regions ? values.regions.split(',').map((r) => r.trim().toUpperCase()) : [...DEFAULT_PHONE_REGIONS];
    const unknownRegions = regions.filter((r) => !(getCountries() as string[]).includes(r));
    if (unknownRegions.length) throw new Error(`unknown region(s): ${unknownRegions.join(', ')}`);
    const detectOptions = { tier, regions: regions as CountryCode[] };
    switch (positionals[0]) {
      case 'detect': {
        const lines = createInterface({ input: io.stdin, crlfDelay: Infinity });
        let n = 0;
        for await (const line of lines) {
          n++;
          if (!line.trim()) continue;
          let row: Record<string, unknown>;
          try {
            row = JSON.parse(line) as Record<string, unknown>;
          } catch {
            throw new Error(`line ${n}: not valid JSON`);
          }
          if (typeof row.text !== 'string') throw new Error(`line ${n}: "text" must be a string`);
          const entities = detect(row.text, detectOptions).map(({ type, start, end, score }) => ({ type, start, end, score }));
          io.stdout.write(JSON.stringify({ ...row, entities }) + '\n');
        }
        return 0;
      }
      case 'redact': {
        const mode = values.mode as Mode;
        if (!MODES.includes(mode)) throw new Error(`--mode must be one of ${MODES.join(', ')}`);
        const types = values.types ? values.types.split(',').map((t) => t.trim().toUpperCase()) : [...ENTITY_TYPES];
        const unknown = types.filter((t) => !(ENTITY_TYPES as readonly string[]).includes(t));
        if (unknown.length) throw new Error(`unknown type(s): ${unknown.join(', ')}`);
        if (mode === 'hash' && !io.env.AIRLOCK_HASH_SECRET) throw new Error('hash mode needs a secret in AIRLOCK_HASH_SECRET');
        const input = await readText(io.stdin);
        const plan = { entities: new Set(types as typeof ENTITY_TYPES[number][]), mode, ...detectOptions, hashKey: io.env.AIRLOCK_HASH_SECRET ?? '' };
        io.stdout.write(redactText(input, plan, new Vault()).text);
        return 0;
      }
      default:
        io.stderr.write(HELP);
        return 2;
    }
  },
};
