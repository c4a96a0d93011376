import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SidecarClient, type Message, type MessageDirection, type SidecarClientOptions } from '@backend-sidecar/client';
import { TestTimeouts, killIfAlive, sidecarPath } from '@backend-sidecar/test-support';
import { validateTranscript } from './protocolTools';

/** One client of the real sidecar, with every message it sent and received, in order. */
export interface RealSession {
  client: SidecarClient;
  /** Transcript lines (see protocol/README.md): "in" = client to sidecar, "out" = sidecar to client. */
  wire: { dir: 'in' | 'out'; message: Message }[];
  stderr: string[];
}

/**
 * Starts SidecarClient on the built backend-sidecar and, after each test, disposes it, kills
 * whatever a failed test left behind (by PID), and checks every message that went over the wire
 * against the OpenRPC document.
 */
export class RealSidecarFixture {
  private readonly sessions: RealSession[] = [];
  /** Backend PIDs a test saw; killed in cleanUp if a failure left them running. */
  readonly backendPids = new Set<number>();
  /** The sidecar's log, state and attach folders for this fixture's tests, not the user's. */
  private folder: string | undefined;

  async start(options: Partial<SidecarClientOptions>): Promise<RealSession> {
    const wire: RealSession['wire'] = [];
    const stderr: string[] = [];
    const record = (direction: MessageDirection, message: Message): void => {
      // A deep copy: vscode-jsonrpc hands the same objects to the connection.
      wire.push({ dir: direction === 'sent' ? 'in' : 'out', message: JSON.parse(JSON.stringify(message)) });
    };
    const client = await SidecarClient.start({
      command: sidecarPath(),
      args: ['--log-level', 'debug'],
      onMessage: record,
      stderr: (line) => stderr.push(line),
      env: this.isolatedEnv(),
      ...options,
    });
    const session = { client, wire, stderr };
    this.sessions.push(session);
    return session;
  }

  /** Disposes every client, kills leftovers, validates every message; call from afterEach. */
  async cleanUp(): Promise<void> {
    const sessions = this.sessions.splice(0);
    try {
      await Promise.all(sessions.map((s) => s.client.dispose(TestTimeouts.Unexpected)));
      for (const session of sessions) await assertWireValid(session);
    } finally {
      for (const session of sessions) killIfAlive(session.client.pid);
      for (const pid of this.backendPids) killIfAlive(pid);
      this.backendPids.clear();
      if (this.folder) rmSync(this.folder, { recursive: true, force: true });
      this.folder = undefined;
    }
  }

  private isolatedEnv(): NodeJS.ProcessEnv {
    this.folder ??= mkdtempSync(join(tmpdir(), 'backend-sidecar-client-'));
    return { ...process.env, XDG_STATE_HOME: join(this.folder, 'state'), XDG_RUNTIME_DIR: join(this.folder, 'run') };
  }
}

/** Checks every message of a session against the OpenRPC document, the client's requests included. */
export async function assertWireValid(session: RealSession): Promise<void> {
  const text = session.wire.map((line) => JSON.stringify(line)).join('\n');
  const result = await validateTranscript(text, { checkIncoming: true });
  assert.ok(result.messages > 0, 'no message was recorded');
  assert.deepEqual(result.errors, [], 'messages on the wire do not match the OpenRPC document');
}
