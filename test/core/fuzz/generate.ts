import type { Sample } from './corpus';
import { deepNesting, garbage, hugeLines, mutateLines, mutateTokens, truncations, unbalance, type FuzzInput } from './mutations';
import { Random } from './prng';

/** Files this long or shorter get every truncation point; longer ones only random cuts (each cut re-parses the prefix). */
const TRUNCATE_ALL_UP_TO = 4000;

/**
 * `count` inputs, the same ones for the same seed: the deeply nested and huge-line inputs, every
 * truncation point of a seeded sample of the files (about a third of the count), then random token
 * and line deletions and duplications, unbalanced brackets, garbage and random cuts.
 */
export function* generateInputs(samples: readonly Sample[], seed: number, count: number): Generator<FuzzInput> {
  const random = new Random(seed);
  let produced = 0;
  for (const input of [...deepNesting(), ...hugeLines(samples)]) {
    if (produced++ >= count) return;
    yield input;
  }

  const short = samples.filter((sample) => sample.text.length <= TRUNCATE_ALL_UP_TO);
  const order = shuffled(short, random);
  const truncationBudget = Math.floor(count / 3);
  let truncated = 0;
  for (const sample of order) {
    if (truncated >= truncationBudget) break;
    for (const input of truncations(sample)) {
      if (truncated++ >= truncationBudget || produced++ >= count) break;
      yield input;
    }
  }

  while (produced < count) {
    produced++;
    const sample = random.pick(samples);
    const roll = random.int(100);
    if (roll < 35) yield mutateTokens(sample, random);
    else if (roll < 55) yield mutateLines(sample, random);
    else if (roll < 75) yield unbalance(sample, random);
    else if (roll < 85) yield garbage(sample, random);
    else {
      const end = random.int(sample.text.length + 1);
      yield { kind: `cut@${end}`, origin: sample.origin, fileName: sample.fileName, text: sample.text.slice(0, end) };
    }
  }
}

function shuffled<T>(items: readonly T[], random: Random): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = random.int(i + 1);
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}
