/**
 * What the runner inside the editor reports, one JSON object per line of the results file. The
 * launcher reads the file as it grows, so a run that hangs still shows how far it got.
 */
export type ResultEvent =
  | { type: 'start'; total: number }
  | { type: 'pass'; titlePath: string[]; durationMs: number }
  | { type: 'fail'; titlePath: string[]; error: { message: string; stack?: string } }
  | { type: 'pending'; titlePath: string[] }
  | { type: 'end'; passes: number; failures: number; pending: number };

/** Where the runner finds its instructions. Written by the launcher; named by this environment variable. */
export const CONFIG_ENV = 'POOL_LENS_EDITOR_TESTS';

export interface HostConfig {
  /** Project checkout, to load mocha from its node_modules. */
  projectRoot: string;
  /** JSON-lines file the events above are appended to. */
  resultsFile: string;
  /** Only tests whose full title contains this text (like mocha's --grep). */
  grep?: string;
  /**
   * `untrusted`: the editor opened the workspace in restricted mode; only the `untrusted*.test.js`
   * suites run. Otherwise (trust disabled) every other suite runs.
   */
  workspace?: 'trusted' | 'untrusted';
  /** Run the suites when the runner extension activates (code-server); the Electron launcher calls run() itself. */
  runOnActivate: boolean;
}
