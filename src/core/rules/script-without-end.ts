import { defineRule } from '../types';

// PLACEHOLDER: replaced by the real rule before anything is committed.
export default defineRule({
  id: 'script-without-end',
  meta: { type: 'problem', description: 'placeholder', messages: {}, hasFixes: false, defaultSeverity: 'warning' },
  create() {
    return {};
  },
});
