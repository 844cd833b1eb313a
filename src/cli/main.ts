import type { CliCommand, CliIo } from './io';
import { EXIT_USAGE } from './io';
import { runInspect } from './inspect';
import { runLint } from './lint';
import { runSize } from './size';

/** Every command by name; a new command is one more entry. */
const COMMANDS: Readonly<Record<string, CliCommand>> = {
  lint: runLint,
  inspect: (argv, io) => runInspect(argv, { ...io, env: process.env }),
  size: runSize,
};

const USAGE = `usage: pool-lens <command> [arguments]\ncommands: ${Object.keys(COMMANDS).join(', ')}\n`;

/** Runs the command named by the first argument and resolves to the exit status. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h') {
    (name === undefined ? io.stderr : io.stdout)(USAGE);
    return name === undefined ? EXIT_USAGE : 0;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    io.stderr(`pool-lens: unknown command '${name}'; commands: ${Object.keys(COMMANDS).join(', ')}.\n`);
    return EXIT_USAGE;
  }
  try {
    return await command(rest, io);
  } catch (error) {
    // A bug, not a user error: say so in one line and keep the stack for whoever reports it.
    io.stderr(`pool-lens ${name}: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return EXIT_USAGE;
  }
}

const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  cwd: process.cwd(),
};

// Setting exitCode (not calling exit) lets piped stdout finish writing first.
void main(process.argv.slice(2), processIo).then((code) => {
  process.exitCode = code;
});
