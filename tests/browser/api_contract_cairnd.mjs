// Runs the API contract test (api_contract.test.mjs) against a real cairnd: starts one with the
// topic "orders" and the group "billing" the test names (and records behind the group), then
// runs the test with $CAIRN_API_URL pointing at its listener. Programs: $CAIRN_CAIRND,
// $CAIRN_CLI. Exits with the test's status.
import path from 'node:path';
import {spawnSync} from 'node:child_process';
import {fileURLToPath} from 'node:url';
import {startCairnd, orderLines, PRODUCE_ARGS} from '../support/real_cairnd.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const cairnd = await startCairnd();
let status = 1;
try {
  cairnd.run(['topics', 'create', 'orders', '--partitions', '3']);
  cairnd.run(['produce', 'orders', ...PRODUCE_ARGS], orderLines(0, 100));
  cairnd.run(['consume', 'orders', '--group', 'billing', '--count', '40']);
  const r = spawnSync(process.execPath, ['--test', path.join(here, 'api_contract.test.mjs')],
    {stdio: 'inherit', env: {...process.env, CAIRN_API_URL: cairnd.url}});
  status = r.status ?? 1;
} finally {
  await cairnd.stop();
}
process.exit(status);
