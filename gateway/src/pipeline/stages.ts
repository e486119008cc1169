/**
 * The two pipelines, in order: each stage wraps the ones after it (stage.ts). Adding a stage is one line here.
 *
 * Model calls (/v1/chat/completions, /v1/responses, /v1/embeddings, /v1/messages):
 *   record → authenticate → context → resolve → scan → policy → redact → route
 * API calls (/api/:system/*):
 *   record → authenticate → target → scan → policy → redact → forward
 * MCP requests (/mcp/:server, /mcp):
 *   record → authenticate → message → scan → policy → redact → dispatch
 *
 * MCP has its own list rather than the API list's: its innermost stage is an MCP session, not an HTTP forward, and
 * its redaction works on tool arguments and results (both ways, per session) rather than on a model's body.
 */
import { apiRedactStage } from './api-redact.js';
import { authenticateStage } from './authenticate.js';
import { contextStage } from './context.js';
import type { StageDeps } from './deps.js';
import { forwardStage, type Forwarder } from './forward.js';
import { mcpDispatchStage } from './mcp-dispatch.js';
import { mcpMessageStage } from './mcp-message.js';
import { mcpRedactStage } from './mcp-redact.js';
import { policyStage } from './policy.js';
import { recordStage } from './record.js';
import { redactStage } from './redact.js';
import { resolveStage } from './resolve.js';
import { routeStage } from './route.js';
import { scanStage } from './scan.js';
import type { Stage } from './stage.js';
import { targetStage } from './target.js';

export function modelStages(deps: StageDeps): Stage[] {
  return [
    recordStage(deps),
    authenticateStage(deps),
    contextStage,
    resolveStage(deps),
    scanStage(deps, 'body'),
    policyStage(deps),
    redactStage(deps),
    routeStage(deps),
  ];
}

export function apiStages(deps: StageDeps, forwarder: Forwarder): Stage[] {
  return [recordStage(deps), authenticateStage(deps), targetStage(deps), scanStage(deps, 'rawBody'), policyStage(deps), apiRedactStage(deps), forwardStage(forwarder)];
}

export function mcpStages(deps: StageDeps): Stage[] {
  return [recordStage(deps), authenticateStage(deps), mcpMessageStage(deps), scanStage(deps, 'body'), policyStage(deps), mcpRedactStage(deps), mcpDispatchStage(deps)];
}
