import type { ProjectFacts } from '../core/project';

/** One question an analysis asked of the facts, and the answer it got, as a comparable string. */
interface Question {
  ask(facts: ProjectFacts): unknown;
  answer: string;
}

/**
 * Project facts that remember what was asked of them. An analysis made with facts that were not final
 * yet (the CLI analyses a file while the project index is still being built) can be kept when the final
 * facts give every one of its questions the same answer: it would have found the same with them.
 *
 * Every field is covered the same way, so facts added later need nothing here: a point lookup
 * (`map.get(key)`, `set.has(key)`) records that key's answer; anything else (iteration, `size`, a plain
 * value) records the whole field.
 */
export class FactsProbe {
  readonly facts: ProjectFacts;
  private readonly questions: Question[] = [];

  constructor(source: ProjectFacts) {
    this.facts = new Proxy(source, {
      get: (target, field) => {
        const value: unknown = Reflect.get(target, field);
        const read = (facts: ProjectFacts): unknown => Reflect.get(facts, field);
        if (value instanceof Map || value instanceof Set) return this.watchCollection(value, read);
        this.record(read, value);
        return value;
      },
    });
  }

  /** Whether `facts` answer every question asked so far as the probed facts did. */
  answersSame(facts: ProjectFacts): boolean {
    return sameAnswers(this.questions, facts);
  }

  /**
   * The questions asked so far as a check that holds no reference to the probed facts, for keeping
   * beside a result while the facts change (every snapshot kept alive would be a copy of the facts).
   */
  check(): (facts: ProjectFacts) => boolean {
    const questions = [...this.questions];
    return (facts) => sameAnswers(questions, facts);
  }

  private record(ask: (facts: ProjectFacts) => unknown, answer: unknown): void {
    this.questions.push({ ask, answer: fingerprint(answer) });
  }

  private watchCollection(collection: Map<unknown, unknown> | Set<unknown>, read: (facts: ProjectFacts) => unknown): unknown {
    return new Proxy(collection, {
      get: (target, member) => {
        const value: unknown = Reflect.get(target, member, target);
        if (member === 'get' || member === 'has') {
          return (key: unknown) => {
            const answer: unknown = (target as Map<unknown, unknown>)[member](key);
            this.record((facts) => {
              const other: unknown = read(facts);
              return other instanceof Map || other instanceof Set ? (other as Map<unknown, unknown>)[member](key) : undefined;
            }, answer);
            return answer;
          };
        }
        this.record(read, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  }
}

function sameAnswers(questions: readonly Question[], facts: ProjectFacts): boolean {
  return questions.every((question) => fingerprint(question.ask(facts)) === question.answer);
}

/** A string equal for equal contents: sets and maps in sorted order, arrays in their order. */
function fingerprint(value: unknown): string {
  if (value instanceof Set) return `S[${[...value].map(fingerprint).sort().join(',')}]`;
  if (value instanceof Map) return `M[${[...value].map(([key, item]) => `${fingerprint(key)}:${fingerprint(item)}`).sort().join(',')}]`;
  if (Array.isArray(value)) return `A[${value.map(fingerprint).join(',')}]`;
  if (value === undefined) return 'u';
  if (value !== null && typeof value === 'object') {
    return `O{${Object.entries(value)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, item]) => `${JSON.stringify(key)}:${fingerprint(item)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? String(value);
}
