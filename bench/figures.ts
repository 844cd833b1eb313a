import { activation } from './activation';
import { companion } from './companion';
import { editorSoak } from './editorSoak';
import { latency } from './latency';
import { memory } from './memory';
import { monitor } from './monitor';
import { lint } from './lint';
import { soak } from './soak';

/** Every figure by the name `npm run bench -- <name>` takes, in the order RESULTS.md lists them. */
export const FIGURES = {
  lint,
  latency,
  activation,
  monitor,
  memory,
  soak,
  'editor-soak': editorSoak,
  companion,
};
