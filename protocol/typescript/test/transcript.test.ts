import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from './helpers/paths';
import { validateTranscript } from './helpers/protocolTools';
import { runningStatus } from './helpers/samples';

const line = (value: unknown) => JSON.stringify(value);
const request = (id: number, method: string, params?: unknown) => ({ jsonrpc: '2.0', id, method, ...(params === undefined ? {} : { params }) });
const result = (id: number, value: unknown) => ({ jsonrpc: '2.0', id, result: value });

describe('transcript validation', () => {
  it('validateTranscript_ResponsesMatchedToInLinesById_AreChecked', async () => {
    const text = [
      line({ dir: 'in', message: request(1, 'status', {}) }),
      line({ dir: 'in', message: request(2, 'start', { backend: 'api' }) }),
      line({ dir: 'out', message: result(2, runningStatus()) }),
      line({ dir: 'out', message: result(1, { backends: [{ ...runningStatus(), extra: 1 }] }) }),
    ].join('\n');

    const { errors, messages } = await validateTranscript(text);

    assert.equal(messages, 4);
    assert.deepEqual(errors.map((e) => e.line), [4]);
    assert.match(errors[0]!.message, /response 1 \(status\): \/result\/backends\/0: must NOT have additional properties/);
  });

  it('validateTranscript_BatchWithMethods_ChecksEachResponseByPosition', async () => {
    const text = line({ dir: 'out', methods: ['status', 'shutdown'], message: [result(5, { backends: [] }), result(6, {})] });

    const { errors } = await validateTranscript(text);

    assert.equal(errors.length, 1);
    assert.match(errors[0]!.message, /\[1\] response 6 \(shutdown\): \/result: must be null/);
  });

  it('validateTranscript_MalformedLines_AreReportedNotThrown', async () => {
    const text = ['not json', line({ dir: 'sideways', message: {} }), line({ dir: 'out', message: {}, metod: 'x' }), '', line({ dir: 'out', message: result(1, null) })].join('\n');

    const { errors, lines } = await validateTranscript(text);

    assert.equal(lines, 4);
    assert.deepEqual(errors.map((e) => e.line), [1, 2, 3, 5]);
    assert.ok(errors.some((e) => /unknown transcript key "metod"/.test(e.message)));
    assert.ok(errors.some((e) => e.line === 5 && /cannot tell which method/.test(e.message)));
  });

  it('validateTranscript_InvalidRequestAnsweredWithItsId_NeedsNoMethod', async () => {
    const text = [
      line({ dir: 'in', message: { jsonrpc: '2.0', id: 'm1', method: 42 } }),
      line({ dir: 'out', message: { jsonrpc: '2.0', id: 'm1', error: { code: -32600, message: 'Invalid request' } } }),
      line({ dir: 'out', message: { jsonrpc: '2.0', id: 'm2', error: { code: -32602, message: 'Invalid params' } } }),
    ].join('\n');

    const { errors } = await validateTranscript(text);

    assert.deepEqual(errors.map((e) => e.line), [3]);
    assert.match(errors[0]!.message, /cannot tell which method response "m2" answers/);
  });

  it('validateTranscript_EmptyBatch_IsAProblemOnlyWhenTheSidecarSendsIt', async () => {
    const text = [line({ dir: 'in', message: [] }), line({ dir: 'out', message: [] })].join('\n');

    const { errors } = await validateTranscript(text);

    assert.deepEqual(errors.map((e) => e.line), [2]);
    assert.match(errors[0]!.message, /an empty batch/);
  });

  it('validateTranscript_IncomingMessages_AreCheckedOnlyWhenAsked', async () => {
    const text = line({ dir: 'in', message: request(1, 'logs', { tail: 'all' }) });

    assert.deepEqual((await validateTranscript(text)).errors, []);
    assert.equal((await validateTranscript(text, { checkIncoming: true })).errors.length, 1);
  });

  describe('validate-transcript.mjs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'transcript-cli-'));
    after(() => rmSync(dir, { recursive: true, force: true }));
    const cli = (...args: string[]) => spawnSync(process.execPath, [join(packageRoot, 'scripts', 'validate-transcript.mjs'), ...args], { encoding: 'utf8', timeout: 20000 });

    it('cli_ValidTranscript_ExitsZeroAndCountsMessages', () => {
      const file = join(dir, 'good.jsonl');
      writeFileSync(file, [line({ dir: 'in', message: request(1, 'shutdown') }), line({ dir: 'out', message: result(1, null) })].join('\n') + '\n');

      const run = cli(file);

      assert.equal(run.status, 0, run.stderr);
      assert.match(run.stdout, /2 messages on 2 lines, 0 problems/);
    });

    it('cli_InvalidTranscript_ExitsOneAndNamesFileAndLine', () => {
      const file = join(dir, 'bad.jsonl');
      writeFileSync(file, line({ dir: 'out', method: 'stop', message: result(1, { state: 'stopped' }) }) + '\n');

      const run = cli(file);

      assert.equal(run.status, 1);
      assert.ok(run.stderr.includes(`${file}:1: out response 1 (stop): /result: must have required property 'backend'`), run.stderr);
    });

    it('cli_NoFileOrMissingFile_ExitsTwo', () => {
      assert.equal(cli().status, 2);
      assert.equal(cli(join(dir, 'missing.jsonl')).status, 2);
    });
  });
});
