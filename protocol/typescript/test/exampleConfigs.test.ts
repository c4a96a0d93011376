// The configurations the README and the examples show: valid against the schema, and the
// migration example is exactly the README's block and passes `backend-sidecar check`.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, sidecarPath } from '@backend-sidecar/test-support';
import { protocolValidator } from './helpers/protocolTools';

const root = repoRoot();
const migrationConfig = join(root, 'examples', 'configs', 'backend-manager.json');

function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8'));
}

describe('example configurations', () => {
  const examples = [
    ...readdirSync(join(root, 'examples', 'configs')).filter((f) => f.endsWith('.json') && f !== 'invalid.json').map((f) => join('examples', 'configs', f)),
    join('examples', 'demo', 'backends.json'),
  ];
  for (const example of examples) {
    it(`schema_${example}_IsAValidConfiguration`, async () => {
      const validator = await protocolValidator();

      const errors = validator.validateParams('initialize', { protocolVersion: '1.0', clientInfo: { name: 'test' }, config: readJson(join(root, example)) });

      assert.deepEqual(errors, []);
    });
  }

  it('readme_MigrationBlock_IsTheMigrationExampleFile', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const block = /<!-- config: examples\/configs\/backend-manager\.json -->\n```json\n([\s\S]*?)\n```/.exec(readme);

    assert.ok(block, 'README.md has no migration config block');
    assert.deepEqual(JSON.parse(block[1]!), readJson(migrationConfig));
  });

  for (const profile of [[], ['--profile', 'development']]) {
    it(`check_MigrationExample${profile.length ? 'DevelopmentProfile' : ''}_IsValidAndPassesThePreflight`, () => {
      const check = spawnSync(sidecarPath(), ['check', '--config', migrationConfig, ...profile], { encoding: 'utf8', timeout: 30000 });

      assert.match(check.stdout, /configuration is valid \(1 backend\)/, check.stderr);
      // The port may be taken by something else running on this machine; nothing else may fail.
      const failures = check.stdout.split('\n').filter((line) => /^\s+FAIL /.test(line) && !/^\s+FAIL port /.test(line));
      assert.deepEqual(failures, []);
      if (!/FAIL port /.test(check.stdout)) assert.equal(check.status, 0, check.stdout + check.stderr);
    });
  }
});
