import type * as vscode from 'vscode';
import { dirname, basename } from 'node:path';
import { defaultConfigFiles } from './configLocator';
import { resolveSetting } from './sidecarLocator';
import type { VscodeApi } from './vscodeApi';

/** Editors write a file in several steps; one reload for a burst of events is enough. */
const debounceMs = 300;

/**
 * Calls `onChange` when the backends configuration may have changed: the file (the setting's, or
 * the default names in the workspace folder) is created, changed or deleted, or a
 * backendSidecar.* setting or the workspace folders change. With `folder`, it watches that folder
 * (a multi-root workspace has one watcher per folder); without, the first folder.
 */
export class ConfigWatcher implements vscode.Disposable {
  private watchers: vscode.Disposable[] = [];
  private readonly subscriptions: vscode.Disposable[];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly api: VscodeApi, private readonly onChange: () => void, private readonly folder?: string) {
    this.subscriptions = [
      api.workspace.onDidChangeConfiguration((e) => {
        if (!(folder ? e.affectsConfiguration('backendSidecar', api.Uri.file(folder)) : e.affectsConfiguration('backendSidecar'))) return;
        this.watch();
        this.changed();
      }),
      // With a folder of its own, adding or removing other folders is not its concern.
      ...(folder ? [] : [api.workspace.onDidChangeWorkspaceFolders(() => {
        this.watch();
        this.changed();
      })]),
    ];
    this.watch();
  }

  private watch(): void {
    for (const w of this.watchers) w.dispose();
    this.watchers = [];
    const folder = this.folder ?? this.api.workspace.workspaceFolders?.[0]?.uri.fsPath;
    const setting = this.api.workspace.getConfiguration('backendSidecar', folder ? this.api.Uri.file(folder) : undefined).get<string>('configFile')?.trim();
    const file = setting ? resolveSetting(setting, folder) : undefined;
    const pattern = file
      ? new this.api.RelativePattern(this.api.Uri.file(dirname(file)), basename(file))
      : folder ? new this.api.RelativePattern(this.api.Uri.file(folder), `{${defaultConfigFiles.join(',')}}`) : undefined;
    if (!pattern) return;
    const watcher = this.api.workspace.createFileSystemWatcher(pattern);
    this.watchers.push(watcher, watcher.onDidCreate(() => this.changed()), watcher.onDidChange(() => this.changed()), watcher.onDidDelete(() => this.changed()));
  }

  private changed(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.onChange(), debounceMs);
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const d of [...this.watchers, ...this.subscriptions]) d.dispose();
  }
}
