import type { CliIO, Command } from './command.js';
import { COMMANDS } from './commands/index.js';

const HELP_FLAGS = new Set(['--help', '-h', 'help']);

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'Usage: airlock <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `airlock <command> --help` for a command\'s options.',
    '',
  ].join('\n');
}

export function processIO(): CliIO {
  return { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
}

export async function main(argv: readonly string[], io: CliIO = processIO()): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || HELP_FLAGS.has(name)) {
    io.stdout.write(usage());
    return name ? 0 : 1;
  }
  const command: Command | undefined = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.stderr.write(`airlock: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  if (rest.some((a) => a === '--help' || a === '-h')) {
    io.stdout.write(command.help.endsWith('\n') ? command.help : command.help + '\n');
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    io.stderr.write(`airlock ${name}: ${(error as Error).message}\n`);
    return 1;
  }
}
