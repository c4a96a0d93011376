import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCodes, StartRequest, ShutdownRequest, StatusChangedNotification, clientVersion } from '@backend-sidecar/client';
import { packageRoot } from './helpers/paths';
import { generator } from './helpers/protocolTools';

const stale = (path: string) => `${path} is stale: run \`npm run generate:ts\` at the repository root and commit the result`;

describe('generated protocol types', () => {
  it('protocolTs_RegeneratedInMemory_EqualsTheCommittedFile', async () => {
    const { generatedPath, expectedGeneratedFiles } = await generator();

    const expected = expectedGeneratedFiles().get(generatedPath);

    assert.ok(readFileSync(generatedPath, 'utf8') === expected, stale(generatedPath));
  });

  it('sidecarConfigTs_RegeneratedInMemory_EqualsTheCommittedFile', async function () {
    const { generatedConfigPath, expectedGeneratedFiles } = await generator();

    const expected = expectedGeneratedFiles().get(generatedConfigPath);
    if (expected === undefined) this.skip(); // protocol/sidecar-config.schema.json comes from another change.

    assert.ok(readFileSync(generatedConfigPath, 'utf8') === expected, stale(generatedConfigPath));
  });

  it('namespaces_LikeTheLanguageServerProtocol_CarryMethodAndType', () => {
    assert.equal(StartRequest.method, 'start');
    assert.equal(StartRequest.type.method, 'start');
    assert.equal(StartRequest.messageDirection, 'client-to-server');
    assert.ok(StartRequest.errorCodes.includes(ErrorCodes.RequestCancelled));
    assert.equal(ShutdownRequest.type.numberOfParams, 1, '1.1: shutdown takes optional params (stopBackends)');
    assert.equal(StatusChangedNotification.messageDirection, 'server-to-client');
  });

  it('clientVersion_ComparedWithPackageJson_IsTheSame', () => {
    assert.equal(clientVersion, JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')).version);
  });
});
