// Rewrites the README's configuration reference from the zod config schema (gateway/src/config/reference.ts).
import { readFile, writeFile } from 'node:fs/promises';
import { renderConfigReference, withReference } from '../gateway/src/config/reference.js';

const readme = new URL('../README.md', import.meta.url);
const before = await readFile(readme, 'utf8');
const after = withReference(before, renderConfigReference());
await writeFile(readme, after);
console.log(after === before ? 'README config reference: up to date' : 'README config reference: rewritten');
