/**
 * The demo's app process: loads the demo workspace's real route `src/routes/posts.ts` (with its real blog
 * pool from `src/db/blog.ts`) and asks it for a post that does not exist, once. That route's early 404
 * returns before `release()`, so the client stays checked out at the line that took it, and the Pool Lens
 * runtime companion (loaded with `--require`) serves that line to the Pools view.
 *
 * Run by `demoApp.ts` as `node --require tsx/cjs --require <register> app.ts <workspace>`, with the
 * blog's `BLOG_DB_*` variables, `express` resolved to test/demo/modules and `pg` to this repository's.
 */
import * as path from 'node:path';

interface Route {
  method: string;
  path: string;
  handler: (req: unknown, res: unknown) => Promise<unknown>;
}

async function main(): Promise<void> {
  const workspace = process.argv[2];
  if (!workspace) throw new Error('usage: app.ts <demo workspace>');
  const { posts } = require(path.join(workspace, 'src', 'routes', 'posts.ts')) as { posts: { routes: Route[] } };
  const route = posts.routes.find((r) => r.method === 'GET' && r.path === '/posts/:slug');
  if (!route) throw new Error('src/routes/posts.ts has no GET /posts/:slug route');
  let status = 200;
  const res = {
    status(code: number) {
      status = code;
      return res;
    },
    json: () => res,
  };
  await route.handler({ params: { slug: 'post-404' } }, res);
  process.stdout.write(`GET /posts/post-404 answered ${status}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`demo app: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
// SIGTERM from the demo ends the process; the companion removes its endpoint file on exit.
process.on('SIGTERM', () => process.exit(0));
