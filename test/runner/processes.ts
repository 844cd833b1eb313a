import { spawn, type SpawnOptions } from 'node:child_process';

export interface CommandResult {
  code: number | null;
  output: string;
}

/**
 * Runs a command to completion and keeps its combined output, so that a failure can be explained with
 * the command's own words instead of a bare exit code.
 */
export function runCommand(command: string, args: readonly string[], options: SpawnOptions = {}): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

/** Like runCommand, but a non-zero exit becomes an error that carries the last lines of output. */
export async function runChecked(command: string, args: readonly string[], options: SpawnOptions = {}): Promise<string> {
  const result = await runCommand(command, args, options);
  if (result.code !== 0) {
    const tail = result.output.trim().split('\n').slice(-25).join('\n');
    throw new Error(`\`${[command, ...args].join(' ')}\` exited with ${result.code}:\n${tail}`);
  }
  return result.output;
}
