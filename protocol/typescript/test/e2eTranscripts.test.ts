// Checks every message the real sidecar sent in the C# end-to-end tests (tests/BackendSidecar.Tests writes one transcript
// per test to tests/transcripts) against the OpenRPC document. ./test.sh runs the C# tests first and sets
// REQUIRE_TRANSCRIPTS=1, so that an empty folder fails instead of passing silently.
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repositoryRoot } from './helpers/paths';
import { validateTranscript } from './helpers/protocolTools';

const transcriptDir = join(repositoryRoot, 'tests', 'transcripts');
const transcripts = existsSync(transcriptDir) ? readdirSync(transcriptDir).filter((f) => f.endsWith('.jsonl')).sort() : [];

describe('end-to-end transcripts of the real sidecar', () => {
  it('e2eTranscripts_Folder_HoldsTranscriptsWhenRequired', function () {
    if (transcripts.length > 0) return;
    if (process.env.REQUIRE_TRANSCRIPTS !== '1') this.skip();
    assert.fail(`no *.jsonl in ${transcriptDir}: run tests/BackendSidecar.Tests first (REQUIRE_TRANSCRIPTS=1 asks for them)`);
  });

  for (const file of transcripts) {
    it(`e2eTranscript_${file.replace(/\.jsonl$/, '')}_MatchesTheOpenRpcDocument`, async () => {
      const text = readFileSync(join(transcriptDir, file), 'utf8');

      const { errors, messages } = await validateTranscript(text);

      assert.ok(messages > 0, `${file} holds no messages`);
      assert.deepEqual(errors.map((e) => `${file}:${e.line}: ${e.message}`), []);
    });
  }
});
