import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type * as Declared from '../../src/runtime/runtime.d';
import type * as Implemented from '../../src/runtime/index';
import { PROJECT_ROOT } from './harness';

/** True only when A and B are the same type; `npx tsc --noEmit -p .` fails on any `Same<…>` below that is false. */
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

const typesMatch: [
  Same<Declared.InstrumentOptions, Implemented.InstrumentOptions>,
  Same<Declared.CompanionHandle, Implemented.CompanionHandle>,
  Same<typeof Declared.instrument, typeof Implemented.instrument>,
  Same<Declared.CompanionEndpoint, Implemented.CompanionEndpoint>,
  Same<Declared.CompanionSnapshot, Implemented.CompanionSnapshot>,
  Same<Declared.AppPoolSnapshot, Implemented.AppPoolSnapshot>,
  Same<Declared.CheckoutRecord, Implemented.CheckoutRecord>,
] = [true, true, true, true, true, true, true];

describe('pool-lens/runtime types', () => {
  it('the hand-written declarations are the implementation’s types (checked by tsc), and package.json points at them', () => {
    assert.ok(typesMatch.every(Boolean));
    const manifest = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
      exports: Record<string, { types?: string; default?: string } | string>;
    };
    assert.deepEqual(manifest.exports['./runtime'], { types: './src/runtime/runtime.d.ts', default: './dist/runtime.js' });
    assert.equal(manifest.exports['./register'], './dist/register.js');
  });
});
