/** Undo playbooks/sample.ts: `tsplay run playbooks/sample-reset.ts -i inventory/lab.ts`. */
import { definePlaybook } from '../lib/index.js';
import reset from '../roles/webapp/reset.js';

export default definePlaybook({
  name: 'sample-reset',
  plays: [{ name: 'remove the web app', hosts: 'all', roles: [reset] }],
});
