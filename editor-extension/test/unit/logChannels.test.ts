import * as assert from 'node:assert/strict';
import type { LogEntry, LogsResult } from '@backend-sidecar/client';
import { LogChannels } from '../../src/view/logChannels';
import { FakeLogChannel } from './fakeVscode';

const entry = (seq: number, text: string, stream: LogEntry['stream'] = 'stdout'): LogEntry => ({ seq, time: '2025-01-01T00:00:00Z', stream, text });

/** A tail fetch the test answers when it wants to. */
class Tail {
  readonly requests: Array<{ backend: string; tail: number; answer: (r: LogsResult) => void; fail: (e: Error) => void }> = [];
  readonly fetch = (backend: string, tail: number) =>
    new Promise<LogsResult>((answer, fail) => this.requests.push({ backend, tail, answer, fail }));
}

describe('LogChannels', () => {
  let channels: FakeLogChannel[];
  let tail: Tail;
  let logs: LogChannels;
  beforeEach(() => {
    channels = [];
    tail = new Tail();
    logs = new LogChannels({
      createChannel: (name) => {
        const c = new FakeLogChannel(name);
        channels.push(c);
        return c;
      },
      fetchTail: tail.fetch,
    });
  });

  it('FirstOpen_ReplaysTheTailThenLiveLines_WithoutDuplicates', async () => {
    logs.append({ backend: 'api', entries: [entry(3, 'three'), entry(4, 'four')], dropped: 0 });
    assert.equal(channels[0]!.name, 'Backend: api');
    assert.deepEqual(channels[0]!.text, [], 'live lines wait for the replay');
    assert.deepEqual([tail.requests[0]!.backend, tail.requests[0]!.tail], ['api', 200]);

    tail.requests[0]!.answer({ backend: 'api', entries: [entry(1, 'one'), entry(2, 'two', 'stderr'), entry(3, 'three')], nextSeq: 4, truncated: false });
    await logs.show('api');

    assert.deepEqual(channels[0]!.text, ['one', '[stderr] two', 'three', 'four']);
    assert.equal(channels[0]!.shown, 1);
    logs.append({ backend: 'api', entries: [entry(5, 'five')], dropped: 0 });
    assert.deepEqual(channels[0]!.text.at(-1), 'five');
  });

  it('TheSidecarsLineForAFailure_AtErrorLevel_OtherLinesInfo', async () => {
    logs.append({ backend: 'api', entries: [entry(1, 'stopped -> failed: command "x" not found', 'sidecar'), entry(2, 'starting -> running: ok', 'sidecar'), entry(3, 'a -> failed here', 'stdout')], dropped: 0 });
    tail.requests[0]!.answer({ backend: 'api', entries: [], nextSeq: 1, truncated: false });
    await logs.show('api');

    assert.deepEqual(channels[0]!.lines, [
      { level: 'error', message: '[sidecar] stopped -> failed: command "x" not found' },
      { level: 'info', message: '[sidecar] starting -> running: ok' },
      { level: 'info', message: 'a -> failed here' },
    ]);
  });

  it('Dropped_ShownAsAWarningLine', async () => {
    const shown = logs.show('api');
    tail.requests[0]!.answer({ backend: 'api', entries: [], nextSeq: 1, truncated: false });
    await shown;

    logs.append({ backend: 'api', entries: [entry(40, 'after the gap')], dropped: 37 });

    assert.deepEqual(channels[0]!.lines.slice(-2), [
      { level: 'warn', message: '… 37 log lines were dropped here because the editor did not keep up; they are in the backend\'s log file' },
      { level: 'info', message: 'after the gap' },
    ]);
  });

  it('TailFails_LiveLinesStillShown', async () => {
    logs.append({ backend: 'api', entries: [entry(1, 'one')], dropped: 0 });
    tail.requests[0]!.fail(new Error('not running'));
    await logs.show('api');
    assert.deepEqual(channels[0]!.text, ['one']);
  });

  it('NewSession_SeqStartsAgain_ChannelReplaysTheNewSidecarsTail', async () => {
    const first = logs.show('api');
    tail.requests[0]!.answer({ backend: 'api', entries: [entry(1, 'old one'), entry(2, 'old two')], nextSeq: 3, truncated: false });
    await first;

    logs.newSession();
    tail.requests[1]!.answer({ backend: 'api', entries: [entry(1, 'new one')], nextSeq: 2, truncated: true });
    await logs.show('api');

    assert.deepEqual(channels[0]!.text, ['old one', 'old two', '— backend-sidecar (re)started —', '… (earlier lines are in the log file)', 'new one']);
    assert.equal(channels.length, 1);
  });
});
