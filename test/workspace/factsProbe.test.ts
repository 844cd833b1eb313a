import * as assert from 'node:assert/strict';
import type { ProjectFacts } from '../../src/core/project';
import { FactsProbe } from '../../src/workspace/factsProbe';

function facts(poolExports: Record<string, string[]>, scripts: string[] = [], complete = true): ProjectFacts {
  return {
    poolExports: new Map(Object.entries(poolExports).map(([key, names]) => [key, new Set(names)])),
    scriptFiles: new Set(scripts),
    complete,
  };
}

describe('FactsProbe', () => {
  it('keeps an answer when only modules that were not asked about changed', () => {
    const probe = new FactsProbe(facts({ '/app/db': ['pool'] }));
    assert.equal(probe.facts.poolExports.get('/app/db')?.has('pool'), true);
    assert.equal(probe.facts.scriptFiles.has('/app/job'), false);
    assert.equal(probe.answersSame(facts({ '/app/db': ['pool'], '/app/other': ['replica'] })), true);
  });

  it('notices a changed answer to a point lookup', () => {
    const probe = new FactsProbe(facts({}));
    assert.equal(probe.facts.poolExports.get('/app/db'), undefined);
    assert.equal(probe.answersSame(facts({ '/app/db': ['pool'] })), false);
    const scripts = new FactsProbe(facts({}));
    scripts.facts.scriptFiles.has('/app/job');
    assert.equal(scripts.answersSame(facts({}, ['/app/job'])), false);
  });

  it('treats iteration and plain values as questions about the whole field', () => {
    const probe = new FactsProbe(facts({ '/app/db': ['pool'] }));
    assert.deepEqual([...probe.facts.poolExports.keys()], ['/app/db']);
    assert.equal(probe.answersSame(facts({ '/app/db': ['pool'] })), true);
    assert.equal(probe.answersSame(facts({ '/app/db': ['pool'], '/app/other': ['x'] })), false);
    const complete = new FactsProbe(facts({}));
    assert.equal(complete.facts.complete, true);
    assert.equal(complete.answersSame(facts({}, [], false)), false);
  });

  it('answers the same with no questions asked', () => {
    assert.equal(new FactsProbe(facts({})).answersSame(facts({ '/x': ['y'] }, ['/z'], false)), true);
  });
});
