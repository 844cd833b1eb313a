/**
 * The demo's app process: runs the demo workspace's own server, `src/server.ts` (Express, the routes and
 * their pools), on a loopback port, then asks it over HTTP for a post that does not exist, once. The
 * route in `src/routes/posts.ts` returns its early 404 before `release()`, so the client stays checked out
 * at the line that took it, and the Pool Lens runtime companion (loaded with `--require`) serves that line
 * to the Pools view.
 *
 * Run by `demoApp.ts` as `node --require tsx/cjs --require <register> app.ts <workspace>` with the
 * domains' `*_DB_*` variables and `PORT`; `express` and `pg` resolve to this repository's node_modules.
 */
import { get } from 'node:http';
import * as path from 'node:path';

const READY_ATTEMPTS = 100;
const PAUSE_MS = 100;

function status(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    get(url, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    }).on('error', reject);
  });
}

/** The server logs when it listens; polling its port is simpler than parsing its output. */
async function answer(url: string): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await status(url);
    } catch (error) {
      if (attempt >= READY_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
    }
  }
}

async function main(): Promise<void> {
  const workspace = process.argv[2];
  const port = process.env.PORT;
  if (!workspace || !port) throw new Error('usage: PORT=<port> app.ts <demo workspace>');
  require(path.join(workspace, 'src', 'server.ts'));
  const code = await answer(`http://127.0.0.1:${port}/posts/post-404`);
  process.stdout.write(`GET /posts/post-404 answered ${code}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`demo app: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
// SIGTERM from the demo ends the process; the companion removes its endpoint file on exit.
process.on('SIGTERM', () => process.exit(0));
