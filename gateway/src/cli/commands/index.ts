/**
 * Every `airlock` command, in the order `airlock --help` lists them. One line per command.
 */
import type { Command } from '../command.js';
import { auditCommand } from './audit.js';
import { keysCommand } from './keys.js';
import { piiCommand } from './pii.js';
import { policyCommand } from './policy.js';
import { serveCommand } from './serve.js';

export const COMMANDS: readonly Command[] = [serveCommand, keysCommand, auditCommand, policyCommand, piiCommand];
