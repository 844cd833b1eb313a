/** Where a CLI command writes and which folder relative paths start from; tests can pass their own. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  cwd: string;
}

/** A CLI command: takes the arguments after its name, resolves to the process exit status. */
export type CliCommand = (argv: readonly string[], io: CliIo) => Promise<number>;

export const EXIT_CLEAN = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;
