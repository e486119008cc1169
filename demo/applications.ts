/**
 * The loan applications the demo submits: seeded, so every run submits the same ones, and cycled through ten
 * profiles so that any ten in a row reach every branch of the workflow (auto-approval, a refusal below the minimum
 * score, underwriter reviews that end approved and rejected, four eyes on a large loan, confirmation emails held
 * because they leave the company, and a model outage the gateway falls back from).
 */
import { random } from '../gateway/bench/prompts.js';

export type Channel = 'branch' | 'online';

export interface Applicant {
  readonly name: string;
  readonly ssn: string;
  readonly email: string;
  readonly phone: string;
  readonly iban: string;
}

export interface Application {
  readonly id: string;
  readonly applicant: Applicant;
  /** USD. */
  readonly amount: number;
  readonly incomeAnnual: number;
  readonly termMonths: number;
  readonly purpose: string;
  /** Branch customers get their confirmation through the branch (an internal address); online ones by email. */
  readonly channel: Channel;
  /** What the credit bureau will answer for this applicant. */
  readonly bureauScore: number;
  /** The primary model deployment is down when this application's fields are extracted. */
  readonly outage: boolean;
  /** The text the applicant submitted. */
  readonly text: string;
}

const FIRST = ['Maria', 'James', 'Aisha', 'Chen', 'Olivia', 'Mateo', 'Priya', 'Lukas', 'Fatima', 'Noah', 'Elena', 'Kwame', 'Sofia', 'Daniel', 'Yuki', 'Omar'];
const LAST = ['Lopez', 'Walker', 'Khan', 'Wei', 'Brennan', 'Rossi', 'Sharma', 'Becker', 'Haddad', 'Okafor', 'Novak', 'Mensah', 'Moreau', 'Fischer', 'Tanaka', 'Farouk'];
const MAIL = ['gmail.com', 'outlook.com', 'yahoo.com', 'proton.me', 'icloud.com'];
/** Throwaway mailboxes: the compliance reviewer refuses to send a loan document there. */
export const DISPOSABLE_MAIL = ['mailinator.com', 'guerrillamail.com', 'yopmail.com'];
const PURPOSES = ['home renovation', 'a used car', 'debt consolidation', 'tuition', 'a small business', 'medical bills'];
const AREA_CODES = ['212', '312', '415', '617', '713', '206'];

/** The credit policy's thresholds (policies/bundles/default/data.json, governance.credit), for the profiles below. */
const MIN_SCORE = 500;
const REVIEW_BELOW = 660;
const FOUR_EYES_FROM = 50_000;

interface Profile {
  readonly score: readonly [number, number];
  readonly amount: readonly [number, number];
  /** The loan as a multiple of annual income: the underwriter rejects above 3. */
  readonly incomeMultiple: readonly [number, number];
  readonly channel: Channel;
  readonly disposableMail?: boolean;
  readonly outage?: boolean;
}

const PROFILES: readonly Profile[] = [
  { score: [REVIEW_BELOW + 20, 820], amount: [5_000, 30_000], incomeMultiple: [0.2, 0.6], channel: 'branch' }, // auto-approved
  { score: [380, MIN_SCORE - 10], amount: [5_000, 30_000], incomeMultiple: [0.3, 1], channel: 'branch' }, // refused by policy
  { score: [MIN_SCORE + 80, REVIEW_BELOW - 10], amount: [8_000, 35_000], incomeMultiple: [0.3, 1.5], channel: 'branch' }, // review → approved
  { score: [MIN_SCORE + 10, REVIEW_BELOW - 30], amount: [20_000, 45_000], incomeMultiple: [3.5, 6], channel: 'branch' }, // review → rejected
  { score: [REVIEW_BELOW + 10, 800], amount: [FOUR_EYES_FROM + 10_000, 150_000], incomeMultiple: [0.8, 2], channel: 'branch' }, // four eyes → approved
  { score: [REVIEW_BELOW + 20, 820], amount: [3_000, 20_000], incomeMultiple: [0.1, 0.5], channel: 'online' }, // email held → sent
  { score: [REVIEW_BELOW + 20, 820], amount: [3_000, 20_000], incomeMultiple: [0.1, 0.5], channel: 'online', disposableMail: true }, // email held → refused
  { score: [REVIEW_BELOW + 20, 820], amount: [5_000, 30_000], incomeMultiple: [0.2, 0.6], channel: 'branch', outage: true }, // model fallback
  { score: [REVIEW_BELOW + 20, 820], amount: [5_000, 30_000], incomeMultiple: [0.2, 0.8], channel: 'branch' },
  { score: [MIN_SCORE + 80, REVIEW_BELOW - 10], amount: [5_000, 25_000], incomeMultiple: [0.2, 1], channel: 'online' },
];

const digits = (next: () => number, n: number): string => Array.from({ length: n }, () => Math.floor(next() * 10)).join('');

/** A German IBAN with a valid mod-97 check, grouped in fours as people write it. */
function iban(next: () => number): string {
  const bban = digits(next, 18);
  // Letters as numbers (D=13, E=14), the country and 00 moved to the end.
  const remainder = BigInt(`${bban}131400`) % 97n;
  const check = String(98n - remainder).padStart(2, '0');
  return `DE${check}${bban}`.replace(/(.{4})/g, '$1 ').trim();
}

function ssn(next: () => number): string {
  const area = 100 + Math.floor(next() * 565); // 100–664: never 000, 666 or 9xx
  const group = 10 + Math.floor(next() * 89);
  const serial = 1000 + Math.floor(next() * 8999);
  return `${area}-${group}-${serial}`;
}

export function generateApplications(count: number, seed = 42): Application[] {
  const next = random(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  const between = ([lo, hi]: readonly [number, number]): number => lo + next() * (hi - lo);
  const out: Application[] = [];
  for (let i = 0; i < count; i++) {
    const profile = PROFILES[i % PROFILES.length]!;
    const first = pick(FIRST);
    const last = pick(LAST);
    const domain = profile.disposableMail ? pick(DISPOSABLE_MAIL) : pick(MAIL);
    const applicant: Applicant = {
      name: `${first} ${last}`,
      ssn: ssn(next),
      email: `${first}.${last}${Math.floor(next() * 90 + 10)}@${domain}`.toLowerCase(),
      phone: `(${pick(AREA_CODES)}) ${Math.floor(next() * 800 + 200)}-${digits(next, 4)}`,
      iban: iban(next),
    };
    const amount = Math.round(between(profile.amount) / 500) * 500;
    const incomeAnnual = Math.round(amount / between(profile.incomeMultiple) / 1000) * 1000;
    const termMonths = pick([24, 36, 48, 60, 72]);
    const purpose = pick(PURPOSES);
    const id = `APP-${String(i + 1).padStart(4, '0')}`;
    const text = [
      `Loan application ${id}.`,
      `Applicant: ${applicant.name}, SSN ${applicant.ssn}, email ${applicant.email}, phone ${applicant.phone}.`,
      `Pay-out account IBAN ${applicant.iban}.`,
      `Requests ${amount.toLocaleString('en-US')} USD over ${termMonths} months for ${purpose}; annual income ${incomeAnnual.toLocaleString('en-US')} USD.`,
      `Applied ${profile.channel === 'online' ? 'online' : 'at a branch'}.`,
    ].join('\n');
    out.push({ id, applicant, amount, incomeAnnual, termMonths, purpose, channel: profile.channel, bureauScore: Math.round(between(profile.score)), outage: profile.outage ?? false, text });
  }
  return out;
}
