import * as vscode from 'vscode';
import type { PoolDiscovery } from '../workspace/poolDiscovery';
import { loadCore } from './lazyCore';

/**
 * The `new Pool(...)` calls in the workspace's code, read from disk on demand (Inspect Pools, the
 * sizing calculator, and domain discovery when `poolLens.pools` is empty). Only the first workspace
 * folder is searched, the one whose `.env` files the live pools read.
 */
export class WorkspacePools {
  async discover(): Promise<PoolDiscovery> {
    const folder = vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file');
    if (!folder) return { pools: [], unparsable: [] };
    const core = await loadCore();
    return core.discoverPools(folder.uri.fsPath);
  }

  /** One `{ name, envPrefix }` domain per distinct `process.env.<NAME>_DB_*` prefix the pools read. */
  async candidateDomains(): Promise<Array<{ name: string; envPrefix: string }>> {
    const core = await loadCore();
    return core.candidateDomains((await this.discover()).pools);
  }
}
