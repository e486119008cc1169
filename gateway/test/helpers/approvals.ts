/** What the approval suites share: their policy bundle (steps named pay* and writes through /api are held). */
export const APPROVALS_BUNDLE = new URL('../fixtures/approvals-bundle/', import.meta.url).pathname;
