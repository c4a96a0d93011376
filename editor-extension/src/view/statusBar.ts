import type * as vscode from 'vscode';
import type { BackendStatus } from '@backend-sidecar/client';
import type { SessionState } from '../controller/sidecarController';
import type { Event } from '../controller/emitter';
import type { VscodeApi } from '../vscodeApi';
import { statusBarItems, type StatusBarItemModel } from './statusBarModel';

/** What the status bar follows (SidecarController has it). */
export interface StatusSource {
  readonly state: SessionState;
  readonly statuses: BackendStatus[];
  readonly onDidChangeSession: Event<SessionState>;
  readonly onDidChangeStatuses: Event<readonly BackendStatus[]>;
}

/** Where a view's items go when the workspace has several folders with a configuration. */
export interface StatusBarPlacement {
  /** Unique per folder: part of the items' ids. Empty for a single folder. */
  key: string;
  /** The folder's name on its items, or undefined while it is the only folder served. */
  folder(): string | undefined;
  /** Items of later folders go further right. */
  order: number;
  /** A failed backend's last output lines, for its tooltip. */
  lastLines?: (backend: string) => readonly string[];
}

/** How often tooltips are redrawn so that the uptime they show stays true. */
const refreshMs = 15_000;

/** Copies the status bar model onto StatusBarItems, reusing an item per model id. */
export class StatusBarView implements vscode.Disposable {
  private readonly items = new Map<string, vscode.StatusBarItem>();
  private readonly subscriptions: Array<{ dispose(): void }>;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly api: VscodeApi,
    private readonly source: StatusSource,
    private readonly now: () => number = Date.now,
    private readonly placement: StatusBarPlacement = { key: '', folder: () => undefined, order: 0 },
  ) {
    this.subscriptions = [source.onDidChangeSession(() => this.render()), source.onDidChangeStatuses(() => this.render())];
    this.timer = setInterval(() => this.render(), refreshMs);
    this.timer.unref();
    this.render();
  }

  render(): void {
    const folder = this.placement.folder();
    const models = statusBarItems(this.source.state, this.source.statuses, this.now(), {
      ...(folder !== undefined ? { folder } : {}),
      ...(this.placement.lastLines ? { lastLines: this.placement.lastLines } : {}),
    });
    const wanted = new Set(models.map((m) => m.id));
    for (const [id, item] of this.items) {
      if (!wanted.has(id)) {
        item.dispose();
        this.items.delete(id);
      }
    }
    models.forEach((model, index) => this.update(model, index));
  }

  private update(model: StatusBarItemModel, index: number): void {
    let item = this.items.get(model.id);
    if (!item) {
      // Priority falls with the index, so items keep the config's order from left to right.
      const id = `backendSidecar.${this.placement.key ? `${this.placement.key}.` : ''}${model.id}`;
      item = this.api.window.createStatusBarItem(id, this.api.StatusBarAlignment.Left, 50 - this.placement.order * 10 - index);
      this.items.set(model.id, item);
    }
    item.name = model.name;
    item.text = model.text;
    item.tooltip = new this.api.MarkdownString(model.tooltip, true);
    item.backgroundColor = model.background ? new this.api.ThemeColor(model.background) : undefined;
    // With several folders the click says which folder too: a backend's name may be in both.
    const args = this.placement.key ? [model.command.arguments[0], this.placement.key] : model.command.arguments;
    item.command = { title: 'Backend actions', command: model.command.command, arguments: args };
    item.show();
  }

  dispose(): void {
    clearInterval(this.timer);
    for (const s of this.subscriptions) s.dispose();
    for (const item of this.items.values()) item.dispose();
    this.items.clear();
  }
}
