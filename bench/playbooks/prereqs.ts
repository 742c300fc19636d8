/** The prereqs role on every host of the bench inventory (which overrides prereqs_packages). */
import { definePlaybook } from '../../lib/index.js';
import prereqs from '../../roles/prereqs/index.js';

export default definePlaybook({
  name: 'bench-prereqs',
  plays: [{ name: 'prereqs', hosts: 'all', roles: [prereqs] }],
});
