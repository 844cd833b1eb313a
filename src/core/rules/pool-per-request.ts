import { defineRule } from '../types';

// PLACEHOLDER: replaced by the real rule before anything is committed.
export default defineRule({
  id: 'pool-per-request',
  meta: { type: 'problem', description: 'placeholder', messages: {}, hasFixes: false, defaultSeverity: 'warning' },
  create() {
    return {};
  },
});
