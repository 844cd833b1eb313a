import { readFile } from 'node:fs/promises';

/** What /proc says about one process: its command line and memory (kB), Linux only. */
export interface ProcessMemory {
  /** Resident set size now (VmRSS). */
  rssKb: number;
  /** Peak resident set size so far (VmHWM). */
  peakRssKb: number;
}

export async function processMemory(pid: number): Promise<ProcessMemory> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => {
    throw new Error(`process ${pid} is gone (no /proc/${pid}/status): the extension host stopped or crashed during the run`);
  });
  const field = (name: string): number => {
    const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status);
    if (!match) throw new Error(`/proc/${pid}/status has no ${name} line`);
    return Number(match[1]);
  };
  return { rssKb: field('VmRSS'), peakRssKb: field('VmHWM') };
}

export async function commandLine(pid: number): Promise<string> {
  return (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').filter(Boolean).join(' ');
}

async function parentOf(pid: number): Promise<number | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  // The command name in field 2 may hold spaces and parentheses; the fields after the last ')' do not.
  const parent = stat ? Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) : NaN;
  return Number.isInteger(parent) && parent > 0 ? parent : undefined;
}

/**
 * Checks that `pid` is an extension host of the code-server whose command line contains `marker` (its
 * own state folder): the process's command line names the extension host, and one of its ancestors is
 * that code-server. Returns the host's command line and the ancestor's pid, or throws a sentence saying
 * what did not match, so memory is never read from some other editor on the machine.
 */
export async function verifyExtensionHost(pid: number, marker: string): Promise<{ command: string; codeServerPid: number }> {
  const command = await commandLine(pid);
  if (!/extensionHost|bootstrap-fork/.test(command)) throw new Error(`process ${pid} does not look like an extension host: ${command}`);
  for (let ancestor = await parentOf(pid); ancestor !== undefined; ancestor = await parentOf(ancestor)) {
    if ((await commandLine(ancestor).catch(() => '')).includes(marker)) return { command, codeServerPid: ancestor };
  }
  throw new Error(`process ${pid} (${command}) is not a child of the code-server this benchmark started`);
}
