/**
 * Builds src/redaction/gazetteer/data.json — the person-name and place lists behind the PERSON and LOCATION
 * recognisers — from @faker-js/faker's locale data (77 locales). Run with `npm run gazetteer -w gateway`;
 * the output is committed so the gateway needs no faker at run time.
 */
import { writeFileSync } from 'node:fs';
import { allLocales } from '@faker-js/faker';

const flat = (v: unknown): string[] =>
  Array.isArray(v) ? v.flatMap(flat) : v && typeof v === 'object' ? Object.values(v).flatMap(flat) : typeof v === 'string' ? [v] : [];

const sets = { first: new Set<string>(), last: new Set<string>(), city: new Set<string>(), country: new Set<string>(), state: new Set<string>(), street: new Set<string>(), streetSuffix: new Set<string>() };
const add = (set: Set<string>, values: unknown): void => {
  for (const v of flat(values)) {
    const s = v.trim().toLowerCase();
    if (s && !s.includes('{') && s.length > 1) set.add(s);
  }
};

for (const locale of Object.values(allLocales) as Record<string, Record<string, unknown> | undefined>[]) {
  add(sets.first, locale.person?.first_name);
  add(sets.first, locale.person?.middle_name);
  add(sets.last, locale.person?.last_name);
  add(sets.city, locale.location?.city_name);
  add(sets.country, locale.location?.country);
  add(sets.state, locale.location?.state);
  add(sets.street, locale.location?.street_name);
  add(sets.streetSuffix, locale.location?.street_suffix);
}

const out = Object.fromEntries(Object.entries(sets).map(([k, s]) => [k, [...s].sort()]));
writeFileSync(new URL('../src/redaction/gazetteer/data.json', import.meta.url), JSON.stringify(out) + '\n');
console.log(Object.entries(out).map(([k, v]) => `${k}: ${v.length}`).join(', '));
