/**
 * The contract every `airlock <command>` implements. Commands live one per file in cli/commands/ and are listed in
 * cli/commands/index.ts; main.ts only dispatches. Commands write through `io`, never to process.stdout directly,
 * so tests can run them in-process.
 */
import type { Readable, Writable } from 'node:stream';

export interface CliIO {
  readonly stdin: Readable;
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
}

export interface Command {
  /** The first word after `airlock` (e.g. `policy`, `keys`, `pii`). */
  readonly name: string;
  /** One line for `airlock --help`. */
  readonly summary: string;
  /** Full help text for `airlock <name> --help`, subcommands and flags included. */
  readonly help: string;
  /** Runs with the arguments after the command name; resolves to the process exit code. */
  run(argv: readonly string[], io: CliIO): Promise<number>;
}
