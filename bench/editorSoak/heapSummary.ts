import { writeFile } from 'node:fs/promises';
import type { InspectorClient } from './inspector';

/** Objects of one kind in a heap snapshot: how many and their own (shallow) bytes. */
export interface HeapGroup {
  count: number;
  bytes: number;
}

interface RawSnapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

/**
 * Takes a heap snapshot of the inspected process (which collects garbage first) and sums it by kind:
 * objects and closures by constructor or function name, everything else (strings, arrays, code,
 * hidden V8 internals) by node type. Comparing two summaries shows which kinds of object a growing
 * heap holds more of, without keeping the snapshots; `saveAs` also keeps this one, to follow retainers.
 */
export async function heapSummary(client: InspectorClient, saveAs?: string): Promise<Map<string, HeapGroup>> {
  const chunks: string[] = [];
  client.on('HeapProfiler.addHeapSnapshotChunk', (params) => chunks.push((params as { chunk: string }).chunk));
  try {
    await client.send('HeapProfiler.enable');
    await client.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false }, 300_000);
  } finally {
    client.off('HeapProfiler.addHeapSnapshotChunk');
  }
  const text = chunks.join('');
  // Kept for retainer paths (Chrome DevTools' Memory tab loads a .heapsnapshot), which a summary by kind cannot show.
  if (saveAs) await writeFile(saveAs, text);
  const raw = JSON.parse(text) as RawSnapshot;
  const fields = raw.snapshot.meta.node_fields;
  const types = raw.snapshot.meta.node_types[0];
  const width = fields.length;
  const at = { type: fields.indexOf('type'), name: fields.indexOf('name'), size: fields.indexOf('self_size') };
  const groups = new Map<string, HeapGroup>();
  for (let i = 0; i < raw.nodes.length; i += width) {
    const type = types[raw.nodes[i + at.type]];
    const key = type === 'object' || type === 'closure' ? `${type} ${raw.strings[raw.nodes[i + at.name]]}` : type;
    const group = groups.get(key) ?? { count: 0, bytes: 0 };
    group.count++;
    group.bytes += raw.nodes[i + at.size];
    groups.set(key, group);
  }
  return groups;
}

/** The kinds whose own bytes grew most from `before` to `after`, largest growth first. */
export function heapGrowth(before: Map<string, HeapGroup>, after: Map<string, HeapGroup>, top: number): Array<{ kind: string; count: number; bytes: number }> {
  const kinds = new Set([...before.keys(), ...after.keys()]);
  return [...kinds]
    .map((kind) => ({
      kind,
      count: (after.get(kind)?.count ?? 0) - (before.get(kind)?.count ?? 0),
      bytes: (after.get(kind)?.bytes ?? 0) - (before.get(kind)?.bytes ?? 0),
    }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, top);
}
