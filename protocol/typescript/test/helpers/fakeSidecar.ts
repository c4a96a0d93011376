import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SidecarClient, type SidecarClientOptions, type SidecarConfig } from '@backend-sidecar/client';
import { TestTimeouts, isAlive, killIfAlive, nextEvent } from '@backend-sidecar/test-support';
import { fakeSidecarPath } from './paths';
import { validateTranscript } from './protocolTools';

export { TestTimeouts, isAlive, nextEvent };

export interface FakeSession {
  client: SidecarClient;
  transcriptPath: string;
}

/**
 * Starts clients against the fake sidecar and cleans up after each test: disposes them, kills any
 * fake still alive (by its PID), and checks every message of the transcript against the OpenRPC
 * document (the fake's answers and notifications, and the client's requests).
 */
export class FakeSidecarFixture {
  private readonly dir = mkdtempSync(join(tmpdir(), 'sidecar-client-test-'));
  private readonly sessions: FakeSession[] = [];
  private readonly pids: number[] = [];
  private count = 0;

  async start(options: { flags?: string[]; config?: SidecarConfig; client?: Partial<SidecarClientOptions> } = {}): Promise<FakeSession> {
    const transcriptPath = join(this.dir, `transcript-${++this.count}.jsonl`);
    const client = await SidecarClient.start({
      command: process.execPath,
      args: [fakeSidecarPath, '--transcript', transcriptPath, ...(options.flags ?? [])],
      ...(options.config ? { config: options.config } : {}),
      ...options.client,
    });
    if (client.pid !== undefined) this.pids.push(client.pid);
    const session = { client, transcriptPath };
    this.sessions.push(session);
    return session;
  }

  /** Spawns through SidecarClient.start expecting it to fail; returns the error. */
  async startFailing(options: Partial<SidecarClientOptions> & { flags?: string[] }): Promise<unknown> {
    const { flags, ...rest } = options;
    try {
      const client = await SidecarClient.start({ command: process.execPath, args: [fakeSidecarPath, ...(flags ?? [])], ...rest });
      if (client.pid !== undefined) this.pids.push(client.pid);
      this.sessions.push({ client, transcriptPath: '' });
    } catch (error) {
      return error;
    }
    assert.fail('SidecarClient.start should have failed');
  }

  /** Disposes every client, kills leftovers, validates the transcripts; call from afterEach. */
  async cleanUp(): Promise<void> {
    try {
      await Promise.all(this.sessions.map((s) => s.client.dispose(TestTimeouts.Unexpected)));
      for (const session of this.sessions) {
        if (session.transcriptPath) await assertTranscriptValid(session.transcriptPath);
      }
    } finally {
      for (const pid of this.pids) killIfAlive(pid);
      this.sessions.length = 0;
      this.pids.length = 0;
    }
  }

  /** Removes the temporary folder; call from after. */
  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export async function assertTranscriptValid(transcriptPath: string): Promise<void> {
  let text = '';
  try {
    text = readFileSync(transcriptPath, 'utf8');
  } catch {
    return; // The fake never got to write (e.g. it was not spawned).
  }
  const result = await validateTranscript(text, { checkIncoming: true });
  assert.deepEqual(result.errors, [], `transcript ${transcriptPath} does not match the OpenRPC document`);
}
