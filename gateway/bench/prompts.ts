/**
 * Chat prompts of a given size for the load benchmarks: ordinary work prose (numbers, code words, no PII — the common
 * case a gateway must pass cheaply), assembled from shuffled sentences by a seeded generator, so that every request
 * of a run carries a different text and no per-text cache can flatter the figures.
 */
const SENTENCES = [
  'Can you summarise the attached meeting notes in five bullet points for the weekly update?',
  'The build failed again on the release branch after we bumped the compiler to version 5.4.',
  'Please rewrite this paragraph so that it reads more clearly and keeps the technical meaning intact.',
  'Our onboarding flow has three steps and about 40 percent of new accounts drop off after the second one.',
  'Explain the difference between optimistic and pessimistic locking with a short example in SQL.',
  'The quarterly report shows revenue up 12 percent while support tickets fell by roughly a fifth.',
  'Draft a polite reply declining the invitation and suggesting we meet again next month instead.',
  'Here is the stack trace from the worker process; it times out after 30 seconds under load.',
  'What are the trade-offs of moving the cache from the application servers into a shared service?',
  'Translate the following product description into French and keep the bullet structure.',
  'We need a checklist for the data migration: backups, a dry run, a rollback plan and sign-off.',
  'The function below returns the wrong total when the list is empty; suggest a minimal fix.',
  'List the main risks of the proposal and rate each one as low, medium or high with a reason.',
  'Write unit tests for the parser that cover nested arrays, escaped quotes and trailing commas.',
  'The dashboard takes 8 seconds to load because every widget queries the database separately.',
  'Give me three names for an internal tool that schedules on-call rotations across time zones.',
  'Compare the two pricing plans and tell me which one is cheaper for a team of 25 people.',
  'Our style guide says headings use sentence case and lists end without a full stop.',
  'Rank these feature requests by impact and effort, and explain the top choice in two sentences.',
  'The nightly job processes about 2 million rows and should finish before the morning batch.',
];

/** A small deterministic generator (mulberry32): the same output on every run. */
export function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` different prompts of exactly `bytes` characters (ASCII, so characters are bytes). */
export function prompts(bytes: number, count: number, seed = 1): string[] {
  const next = random(seed);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    let text = '';
    while (text.length < bytes) text += SENTENCES[Math.floor(next() * SENTENCES.length)] + ' ';
    out.push(text.slice(0, bytes).trimEnd().padEnd(bytes, '.'));
  }
  return out;
}

/** Chat-completions bodies around those prompts. */
export function chatBodies(model: string, bytes: number, count: number): string[] {
  return prompts(bytes, count).map((content) => JSON.stringify({ model, messages: [{ role: 'user', content }] }));
}
