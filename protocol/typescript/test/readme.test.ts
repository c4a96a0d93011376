import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { protocolDir } from './helpers/paths';
import { validateTranscript } from './helpers/protocolTools';

/** The fenced block after `<!-- session: NAME -->` in protocol/README.md. */
function session(readme: string, name: string): string {
  const match = new RegExp(`<!-- session: ${name} -->\\n\`\`\`\\w*\\n([\\s\\S]*?)\\n\`\`\``).exec(readme);
  assert.ok(match, `protocol/README.md has no session block ${name}`);
  return match[1]!;
}

/** Parses the README's rendering of header frames; checks each Content-Length against its body. */
function headerFrames(text: string): unknown[] {
  const lines = text.split('\n');
  const messages: unknown[] = [];
  for (let i = 0; i < lines.length; i += 3) {
    const header = /^Content-Length: (\d+)\\r\\n$/.exec(lines[i]!);
    assert.ok(header, `line ${i + 1}: expected "Content-Length: N\\r\\n", got ${lines[i]}`);
    assert.equal(lines[i + 1], '\\r\\n', `line ${i + 2}: expected the empty line "\\r\\n"`);
    const body = lines[i + 2]!;
    assert.equal(Buffer.byteLength(body, 'utf8'), Number(header[1]), `Content-Length of ${body.slice(0, 60)}`);
    messages.push(JSON.parse(body));
  }
  return messages;
}

async function assertValidSession(incoming: unknown[], outgoing: unknown[]): Promise<void> {
  const text = [
    ...incoming.map((message) => JSON.stringify({ dir: 'in', message })),
    ...outgoing.map((message) => JSON.stringify({ dir: 'out', message })),
  ].join('\n');
  const result = await validateTranscript(text, { checkIncoming: true });
  assert.deepEqual(result.errors, []);
  assert.equal(result.messages, incoming.length + outgoing.length);
}

function answeredIds(outgoing: unknown[]): unknown[] {
  return outgoing.filter((m) => typeof m === 'object' && m !== null && 'id' in m).map((m) => (m as { id: unknown }).id);
}

describe('protocol/README.md worked sessions', () => {
  const readme = readFileSync(join(protocolDir, 'README.md'), 'utf8');

  it('ndjsonSession_EveryLine_IsOneValidMessage', async () => {
    const incoming = session(readme, 'ndjson-in').split('\n').map((l) => JSON.parse(l));
    const outgoing = session(readme, 'ndjson-out').split('\n').map((l) => JSON.parse(l));

    await assertValidSession(incoming, outgoing);
    assert.deepEqual(answeredIds(outgoing), [1, 2, 3, 4, 5, 6]);
  });

  it('headerSession_EveryFrame_HasTheRightContentLengthAndIsValid', async () => {
    const incoming = headerFrames(session(readme, 'header-in'));
    const outgoing = headerFrames(session(readme, 'header-out'));

    await assertValidSession(incoming, outgoing);
    assert.deepEqual(answeredIds(outgoing), [0, 1, 2, 3]);
  });
});
