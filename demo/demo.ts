/**
 * The demo's driver: starts the local services, creates the bot's key, submits the applications as workflow runs
 * (a few at a time), and sums up what happened and where to look in the console.
 */
import { createAirlock, type AdminClient, type ProcessNode } from '@airlock/sdk';
import OpenAI from 'openai';
import { generateApplications } from './applications.js';
import { processApplication, WORKFLOW, type Outcome } from './loan-workflow.js';
import { startServices, type DemoServices } from './services.js';

export interface DemoOptions {
  readonly baseURL: string;
  readonly adminKey: string;
  readonly count: number;
  readonly concurrency: number;
  /** Where the systems listen (demo/airlock.yaml names 8090); 0 picks a free port. */
  readonly servicesPort: number;
  readonly holdTimeoutMs: number;
  readonly seed?: number;
  /** Called after each application with the number done. */
  readonly onProgress?: (done: number, outcome: Outcome | Error) => void;
  /** Receives the services before the first application, e.g. to read what they saw. */
  readonly services?: DemoServices;
}

export interface DemoResult {
  readonly outcomes: Outcome[];
  readonly errors: Error[];
  readonly services: { leaks: number; outages: number; decisions: number; loans: number; emails: number };
  readonly elapsedMs: number;
}

export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const applications = generateApplications(options.count, options.seed);
  const services = options.services ?? (await startServices(applications, { port: options.servicesPort }));
  const started = Date.now();
  try {
    const admin = createAirlock({ baseURL: options.baseURL, apiKey: options.adminKey, tracesURL: false }).admin;
    const bot = await admin.keys.create({ team: 'lending', user: 'loan-bot', roles: ['user'] });
    const airlock = createAirlock({ baseURL: options.baseURL, apiKey: bot.key });
    const openai = airlock.wrap(new OpenAI({ baseURL: `${options.baseURL}/v1`, apiKey: bot.key, maxRetries: 0 }));
    const deps = { airlock, openai, apiKey: bot.key, holdTimeoutMs: options.holdTimeoutMs };
    const outcomes: Outcome[] = [];
    const errors: Error[] = [];
    let nextIndex = 0;
    const worker = async (): Promise<void> => {
      while (nextIndex < applications.length) {
        const app = applications[nextIndex++]!;
        try {
          const outcome = await processApplication(deps, app);
          outcomes.push(outcome);
          options.onProgress?.(outcomes.length + errors.length, outcome);
        } catch (error) {
          errors.push(error as Error);
          options.onProgress?.(outcomes.length + errors.length, error as Error);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency, applications.length)) }, worker));
    outcomes.sort((a, b) => a.application.localeCompare(b.application));
    return {
      outcomes,
      errors,
      services: { leaks: services.leaks.length, outages: services.outages.length, decisions: services.decisions.size, loans: services.loans.size, emails: services.emails.length },
      elapsedMs: Date.now() - started,
    };
  } finally {
    if (!options.services) await services.close();
  }
}

/** How many runs took each branch of the workflow. */
export function branches(outcomes: readonly Outcome[]): Record<string, number> {
  const count = (pred: (o: Outcome) => boolean) => outcomes.filter(pred).length;
  return {
    'PII redacted for the model, restored in the answer': count((o) => o.piiRestored),
    'extraction fell back to the second deployment': count((o) => o.extractedBy.startsWith('openai-eu')),
    'approved by policy': count((o) => o.decision === 'approved'),
    'refused by policy': count((o) => o.decision === 'refused'),
    'held, approved by underwriters': count((o) => o.decision === 'review-approved'),
    'held, rejected by an underwriter': count((o) => o.decision === 'review-rejected'),
    'held for four eyes (two underwriters)': count((o) => o.quorum === 2),
    'held, still awaiting review': count((o) => o.decision === 'review-pending'),
    'confirmation email held, then sent': count((o) => o.email === 'held-sent'),
    'confirmation email held, then refused': count((o) => o.email === 'held-refused'),
  };
}

/** What to open in the console once the runs are in. */
export function consoleGuide(result: DemoResult, consoleURL: string, bottleneck: string | null): string[] {
  const byDecision = (d: Outcome['decision']) => result.outcomes.find((o) => o.decision === d)?.run;
  const lines = [
    `Open the console at ${consoleURL}:`,
    `  process map:  ${consoleURL}/process?workflow=${WORKFLOW}`,
    `  bottlenecks:  ${consoleURL}/bottlenecks?workflow=${WORKFLOW}${bottleneck ? `  (the most time: ${bottleneck})` : ''}`,
    `  held calls:   ${consoleURL}/calls?workflow=${WORKFLOW}&decision=hold`,
  ];
  for (const [label, run] of [
    ['an approval by policy', byDecision('approved')],
    ['a refusal', byDecision('refused')],
    ['an underwriter approval', byDecision('review-approved')],
    ['an underwriter rejection', byDecision('review-rejected')],
  ] as const) {
    if (run) lines.push(`  run with ${label}: ${consoleURL}/calls?run=${run}`);
  }
  return lines;
}

/** The activity with the most total time (count × median) across the workflow's runs, from the gateway's process map. */
export async function bottleneck(admin: AdminClient): Promise<ProcessNode | null> {
  const map = await admin.metrics.process({ workflow: WORKFLOW });
  return map.nodes.find((n) => n.kind !== 'start' && n.kind !== 'end') ?? null;
}
