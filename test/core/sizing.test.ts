import assert from 'node:assert/strict';
import { recommendPoolSizes, type SizingInput } from '../../src/core/sizing';

interface Case {
  name: string;
  input: SizingInput;
  usable: number;
  budget: number;
  max: Record<string, number>;
  totalAtRecommended: number;
  totalAtCurrent?: number;
  activeCeiling?: number;
  /** Each pattern must match one warning; no other warning may appear. */
  warnings?: RegExp[];
}

const CASES: Case[] = [
  {
    name: '100 − 3 − 0 − 5 = 92 usable; 80% = 73.6; blog 73.6×½÷4 = 9.2 → 9, market 73.6×½÷2 = 18.4 → 18; 9×4 + 18×2 = 72',
    input: { maxConnections: 100, superuserReserved: 3, reserved: 0, pools: [{ name: 'blog', instances: 4 }, { name: 'market', instances: 2 }] },
    usable: 92,
    budget: 73.6,
    max: { blog: 9, market: 18 },
    totalAtRecommended: 72,
  },
  {
    name: "node-postgres guide: 200 max over 4 instances: 200 − 3 − 0 − 5 = 192; 153.6÷4 = 38.4 → 38 (not 50)",
    input: { maxConnections: 200, superuserReserved: 3, reserved: 0, pools: [{ name: 'api', instances: 4 }] },
    usable: 192,
    budget: 153.6,
    max: { api: 38 },
    totalAtRecommended: 152,
  },
  {
    name: 'shares 3:1, PG16 reserved 2, no headroom: 100 − 3 − 2 − 0 = 95; 76×¾÷3 = 19 exactly, 76×¼÷1 = 19',
    input: {
      maxConnections: 100,
      superuserReserved: 3,
      reserved: 2,
      headroom: 0,
      pools: [{ name: 'api', instances: 3, share: 3 }, { name: 'worker', instances: 1, share: 1 }],
    },
    usable: 95,
    budget: 76,
    max: { api: 19, worker: 19 },
    totalAtRecommended: 76,
  },
  {
    name: 'tiny server: 10 − 3 − 0 − 5 = 2; 1.6÷3 = 0.53 → at least 1; 1×3 = 3 > 2 usable',
    input: { maxConnections: 10, superuserReserved: 3, reserved: 0, pools: [{ name: 'app', instances: 3 }] },
    usable: 2,
    budget: 1.6,
    max: { app: 1 },
    totalAtRecommended: 3,
    warnings: [/need 3 connections, more than the 2 usable/],
  },
  {
    name: 'no room at all: 8 − 3 − 0 − 5 = 0 usable; max clamps to 1',
    input: { maxConnections: 8, superuserReserved: 3, reserved: 0, pools: [{ name: 'app', instances: 1 }] },
    usable: 0,
    budget: 0,
    max: { app: 1 },
    totalAtRecommended: 1,
    warnings: [/leaves no connections/, /need 1 connection, more than the 0 usable/],
  },
  {
    name: 'current max too high: 10 instances × max 10 = 100 > 92 usable; recommended 73.6÷10 = 7.36 → 7',
    input: { maxConnections: 100, superuserReserved: 3, reserved: 0, pools: [{ name: 'api', instances: 10, currentMax: 10 }] },
    usable: 92,
    budget: 73.6,
    max: { api: 7 },
    totalAtRecommended: 70,
    totalAtCurrent: 100,
    warnings: [/can open 100 connections, more than the 92 usable/],
  },
  {
    name: 'current max fits: 2×20 + (unknown) = 40 ≤ 92; no warning',
    input: { maxConnections: 100, superuserReserved: 3, reserved: 0, pools: [{ name: 'api', instances: 2, currentMax: 20 }, { name: 'cron', instances: 1 }] },
    usable: 92,
    budget: 73.6,
    max: { api: 18, cron: 36 },
    totalAtRecommended: 72,
    totalAtCurrent: 40,
  },
  {
    name: 'cores 4 → 4×2 + 0 = 8 at once; peaks 3 per instance × 4 instances = 12 > 8',
    input: { maxConnections: 100, superuserReserved: 3, reserved: 0, cores: 4, pools: [{ name: 'api', instances: 4, observedPeak: 3 }] },
    usable: 92,
    budget: 73.6,
    max: { api: 18 },
    totalAtRecommended: 72,
    activeCeiling: 8,
    warnings: [/seen with up to 12 connections in use, above the 8/],
  },
  {
    name: 'cores 8 + 2 spindles → 18; peak 30 per instance > max 18 (73.6÷4 = 18.4)',
    input: { maxConnections: 100, superuserReserved: 3, reserved: 0, cores: 8, spindles: 2, pools: [{ name: 'api', instances: 4, observedPeak: 30 }] },
    usable: 92,
    budget: 73.6,
    max: { api: 18 },
    totalAtRecommended: 72,
    activeCeiling: 18,
    warnings: [/'api' was seen using 30 connections per instance, more than the 18/, /up to 120 connections in use, above the 18/],
  },
  {
    name: 'serverless: same arithmetic (92 → 73.6÷8 = 9.2 → 9) plus PgBouncer advice',
    input: { maxConnections: 100, superuserReserved: 3, reserved: 0, serverless: true, pools: [{ name: 'edge', instances: 8 }] },
    usable: 92,
    budget: 73.6,
    max: { edge: 9 },
    totalAtRecommended: 72,
    warnings: [/PgBouncer in transaction mode/],
  },
];

describe('recommendPoolSizes', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const result = recommendPoolSizes(c.input);
      assert.equal(result.usable, c.usable);
      assert.ok(Math.abs(result.budget - c.budget) < 1e-9, `budget ${result.budget}`);
      assert.deepEqual(Object.fromEntries(result.recommendations.map((r) => [r.name, r.max])), c.max);
      assert.equal(result.totalAtRecommended, c.totalAtRecommended);
      assert.equal(result.totalAtCurrent, c.totalAtCurrent);
      assert.equal(result.activeCeiling, c.activeCeiling);
      const expected = c.warnings ?? [];
      assert.equal(result.warnings.length, expected.length, result.warnings.join('\n'));
      for (const pattern of expected) assert.ok(result.warnings.some((w) => pattern.test(w)), `${pattern} in ${result.warnings.join('\n')}`);
    });
  }

  it('spells out the arithmetic in its lines', () => {
    const { lines } = recommendPoolSizes(CASES[0].input);
    assert.deepEqual(lines.slice(0, 4), [
      'usable = max_connections 100 − superuser reserved 3 − reserved 0 − headroom 5 = 92',
      'budget = 80% of 92 = 73.6 (20% stays free for deploys where old and new instances overlap)',
      'blog: 73.6 × 50% ÷ 4 instances = 9.2 → max 9',
      'market: 73.6 × 50% ÷ 2 instances = 18.4 → max 18',
    ]);
    assert.equal(lines[4], 'at the recommended max: 9×4 + 18×2 = 72 of 92 usable');
  });

  it('rejects inputs that are not counts with one sentence', () => {
    const base = CASES[0].input;
    assert.throws(() => recommendPoolSizes({ ...base, pools: [{ name: 'a', instances: 0 }] }), /instances of pool 'a' must be a whole number of at least 1, not 0\./);
    assert.throws(() => recommendPoolSizes({ ...base, maxConnections: 1.5 }), /max_connections must be a whole number/);
    assert.throws(() => recommendPoolSizes({ ...base, pools: [] }), /at least one pool/);
    assert.throws(() => recommendPoolSizes({ ...base, pools: [{ name: 'a', instances: 1 }, { name: 'a', instances: 2 }] }), /listed twice/);
  });
});
