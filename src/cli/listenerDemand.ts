import type { ProjectFacts } from '../core/project';

/** The facts the project index may leave incomplete while it defers files (`IndexOptions.deferListeners`). */
const LISTENER_FIELDS: ReadonlySet<PropertyKey> = new Set<keyof ProjectFacts>(['poolErrorListeners', 'unresolvedErrorListeners']);

/**
 * Project facts that note whether anything read the error listener facts. The CLI builds its index
 * without parsing the files that matter only for those facts, analyses every file with facts watched
 * this way, and summarises those files (then re-analyses the files that asked) only when some analysis
 * did read them: in a project where no file creates a pool, none does.
 */
export class ListenerDemand {
  readonly facts: ProjectFacts;
  /** Set when a listener field was read since the last `reset()`. */
  asked = false;

  constructor(source: ProjectFacts) {
    this.facts = new Proxy(source, {
      get: (target, field) => {
        if (LISTENER_FIELDS.has(field)) this.asked = true;
        return Reflect.get(target, field) as unknown;
      },
    });
  }

  reset(): void {
    this.asked = false;
  }
}
