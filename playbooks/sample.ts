/**
 * The sample playbook: a small web app on every host. Try it on the lab:
 *
 *   tsplay run playbooks/sample.ts -i inventory/lab.ts --check     what would change
 *   tsplay run playbooks/sample.ts -i inventory/lab.ts             converge
 *   tsplay run playbooks/sample.ts -i inventory/lab.ts -e title=Hi --diff
 */
import { definePlaybook } from '../lib/index.js';
import webapp from '../roles/webapp/index.js';

export default definePlaybook({
  name: 'sample',
  plays: [{ name: 'web app everywhere', hosts: 'all', roles: [webapp] }],
});
