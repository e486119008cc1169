/**
 * The pipeline, in order. Adding a stage is one line here (and one id in stage.ts).
 */
import { authenticateStage } from './authenticate.js';
import { contextStage } from './context.js';
import { policyStage } from './policy.js';
import { recordStage } from './record.js';
import { redactStage } from './redact.js';
import { routeStage } from './route.js';
import type { Stage } from './stage.js';

export const STAGES: readonly Stage[] = [authenticateStage, contextStage, policyStage, redactStage, routeStage, recordStage];
