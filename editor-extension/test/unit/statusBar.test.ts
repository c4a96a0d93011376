import * as assert from 'node:assert/strict';
import type { BackendStatus } from '@backend-sidecar/client';
import { Emitter } from '../../src/controller/emitter';
import type { SessionState } from '../../src/controller/sidecarController';
import { StatusBarView } from '../../src/view/statusBar';
import { FakeVscode, MarkdownString, ThemeColor } from './fakeVscode';
import { now, running, status } from './samples';

class Source {
  state: SessionState = { kind: 'starting' };
  statuses: BackendStatus[] = [];
  readonly session = new Emitter<SessionState>();
  readonly changed = new Emitter<readonly BackendStatus[]>();
  readonly onDidChangeSession = this.session.event;
  readonly onDidChangeStatuses = this.changed.event;
  set(state: SessionState, statuses: BackendStatus[]) {
    this.state = state;
    this.statuses = statuses;
    this.changed.fire(statuses);
  }
}

describe('StatusBarView (fake vscode)', () => {
  let vscode: FakeVscode;
  let source: Source;
  let view: StatusBarView;
  beforeEach(() => {
    vscode = new FakeVscode();
    source = new Source();
    view = new StatusBarView(vscode.api, source, () => now);
  });
  afterEach(() => view.dispose());

  const visible = () => vscode.statusBarItems.filter((i) => i.visible);

  it('FollowsTheSession_StartingThenOneItemPerBackend', () => {
    assert.deepEqual(visible().map((i) => i.text), ['$(sync~spin) Backend: starting']);

    source.set({ kind: 'running', generation: 1, pid: 1 }, [running(), status({ backend: 'worker', state: 'failed' })]);

    assert.deepEqual(visible().map((i) => i.text), ['$(pass) api: running', '$(error) worker: failed']);
    const [api, worker] = visible();
    assert.equal(api!.id, 'backendSidecar.backend:api');
    assert.ok(api!.tooltip instanceof MarkdownString && /PID: 4242/.test(api!.tooltip.value));
    assert.equal(api!.backgroundColor, undefined);
    assert.ok(worker!.backgroundColor instanceof ThemeColor && worker!.backgroundColor.id === 'statusBarItem.errorBackground');
    assert.deepEqual(worker!.command, { title: 'Backend actions', command: 'backendSidecar.showActions', arguments: ['worker'] });
    assert.ok(api!.priority > worker!.priority, 'left to right in config order');
  });

  it('StateChange_UpdatesTheSameItem', () => {
    source.set({ kind: 'running', generation: 1, pid: 1 }, [status({ state: 'starting' })]);
    const item = visible()[0]!;

    source.set(source.state, [running()]);

    assert.equal(visible()[0], item);
    assert.equal(item.text, '$(pass) api: running');
  });

  it('SessionStops_ItemsDisposed', () => {
    source.set({ kind: 'running', generation: 1, pid: 1 }, [running()]);
    source.state = { kind: 'stopped' };
    source.set({ kind: 'stopped' }, []);

    assert.deepEqual(visible(), []);
    assert.ok(vscode.statusBarItems.every((i) => i.disposed));
  });
});
