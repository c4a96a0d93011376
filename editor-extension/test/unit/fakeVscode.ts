import type { VscodeApi } from '../../src/vscodeApi';

// A stand-in for the parts of the `vscode` module the extension uses. It records what the code
// under test shows and answers prompts from queues the test fills. Anything it is not asked about
// resolves to "dismissed" (undefined), as a user closing the prompt would.

export interface Disposable {
  dispose(): void;
}

type Listener<T> = (value: T) => void;

class FakeEvent<T> {
  private listeners: Listener<T>[] = [];
  readonly event = (listener: Listener<T>): Disposable => {
    this.listeners.push(listener);
    return { dispose: () => (this.listeners = this.listeners.filter((l) => l !== listener)) };
  };
  fire(value: T): void {
    for (const l of [...this.listeners]) l(value);
  }
  get count(): number {
    return this.listeners.length;
  }
}

export class ThemeColor {
  constructor(readonly id: string) {}
}

export class MarkdownString {
  constructor(readonly value = '', readonly supportThemeIcons = false) {}
}

export class RelativePattern {
  constructor(readonly base: { fsPath: string }, readonly pattern: string) {}
}

export const Uri = {
  file: (path: string) => ({ scheme: 'file', fsPath: path, path }),
  parse: (value: string) => ({ scheme: value.split(':')[0], fsPath: '', path: value, toString: () => value }),
};

export class FakeCancellationToken {
  isCancellationRequested = false;
  private readonly cancelled = new FakeEvent<void>();
  readonly onCancellationRequested = this.cancelled.event;
  cancel(): void {
    if (this.isCancellationRequested) return;
    this.isCancellationRequested = true;
    this.cancelled.fire();
  }
}

export class FakeStatusBarItem {
  text = '';
  tooltip: MarkdownString | string | undefined;
  backgroundColor: ThemeColor | undefined;
  command: { command: string; arguments?: unknown[]; title: string } | undefined;
  name: string | undefined;
  visible = false;
  disposed = false;
  constructor(readonly id: string, readonly alignment: number, readonly priority: number) {}
  show(): void {
    this.visible = true;
  }
  hide(): void {
    this.visible = false;
  }
  dispose(): void {
    this.disposed = true;
    this.visible = false;
  }
}

export class FakeLogChannel {
  readonly lines: Array<{ level: string; message: string }> = [];
  shown = 0;
  disposed = false;
  constructor(readonly name: string) {}
  info(message: string): void {
    this.lines.push({ level: 'info', message });
  }
  warn(message: string): void {
    this.lines.push({ level: 'warn', message });
  }
  error(message: string): void {
    this.lines.push({ level: 'error', message });
  }
  trace(message: string): void {
    this.lines.push({ level: 'trace', message });
  }
  debug(message: string): void {
    this.lines.push({ level: 'debug', message });
  }
  appendLine(message: string): void {
    this.lines.push({ level: 'info', message });
  }
  show(): void {
    this.shown++;
  }
  dispose(): void {
    this.disposed = true;
  }
  get text(): string[] {
    return this.lines.map((l) => l.message);
  }
}

export interface ShownMessage {
  severity: 'error' | 'warning' | 'info';
  message: string;
  items: string[];
}

export interface QuickPickCall {
  items: Array<{ label: string; description?: string; detail?: string }>;
  options: Record<string, unknown> | undefined;
}

export interface ProgressCall {
  options: { location: number; title?: string; cancellable?: boolean };
  token: FakeCancellationToken;
}

export class FakeWatcher {
  readonly created = new FakeEvent<unknown>();
  readonly changed = new FakeEvent<unknown>();
  readonly deleted = new FakeEvent<unknown>();
  readonly onDidCreate = this.created.event;
  readonly onDidChange = this.changed.event;
  readonly onDidDelete = this.deleted.event;
  disposed = false;
  constructor(readonly pattern: RelativePattern) {}
  dispose(): void {
    this.disposed = true;
  }
}

/** The fake module plus what it recorded. Pass `fake.api` where the code takes a VscodeApi. */
export class FakeVscode {
  readonly messages: ShownMessage[] = [];
  readonly quickPicks: QuickPickCall[] = [];
  readonly inputBoxes: Array<Record<string, unknown>> = [];
  readonly progress: ProgressCall[] = [];
  readonly statusBarItems: FakeStatusBarItem[] = [];
  readonly channels: FakeLogChannel[] = [];
  readonly executed: Array<{ command: string; args: unknown[] }> = [];
  readonly openedDocuments: string[] = [];
  /** URIs given to env.openExternal, as strings. */
  readonly openedExternal: string[] = [];
  /** The context keys set with the setContext command. */
  readonly contextKeys = new Map<string, unknown>();
  readonly commands = new Map<string, (...args: unknown[]) => unknown>();
  readonly watchers: FakeWatcher[] = [];
  readonly configurationChanged = new FakeEvent<{ affectsConfiguration(section: string): boolean }>();
  readonly foldersChanged = new FakeEvent<unknown>();
  settings: Record<string, unknown> = {};
  workspaceFolders: Array<{ uri: { fsPath: string }; name?: string; index?: number }> | undefined;

  /** Answers to the next quick picks: a function choosing among the items, or undefined to dismiss. */
  readonly quickPickAnswers: Array<((items: QuickPickCall['items']) => unknown) | undefined> = [];
  /** Answers to the next input boxes. */
  readonly inputBoxAnswers: Array<string | undefined> = [];
  /** Answers (button titles) to the next notifications. */
  readonly messageAnswers: Array<string | undefined> = [];
  /** Called with each withProgress call before its task runs (e.g. to cancel it). */
  onProgress: ((call: ProgressCall) => void) | undefined;

  readonly api: VscodeApi;

  constructor() {
    const message = (severity: ShownMessage['severity']) => async (text: string, ...items: unknown[]) => {
      this.messages.push({ severity, message: text, items: items.filter((i): i is string => typeof i === 'string') });
      return this.messageAnswers.shift();
    };
    const self = this;
    const fake = {
      window: {
        showErrorMessage: message('error'),
        showWarningMessage: message('warning'),
        showInformationMessage: message('info'),
        showQuickPick: async (items: QuickPickCall['items'], options?: Record<string, unknown>) => {
          const resolved = await items;
          this.quickPicks.push({ items: resolved, options });
          return this.quickPickAnswers.shift()?.(resolved);
        },
        showInputBox: async (options: Record<string, unknown>) => {
          this.inputBoxes.push(options);
          return this.inputBoxAnswers.shift();
        },
        withProgress: async (options: ProgressCall['options'], task: (progress: unknown, token: FakeCancellationToken) => Promise<unknown>) => {
          const call = { options, token: new FakeCancellationToken() };
          this.progress.push(call);
          this.onProgress?.(call);
          return task({ report: () => undefined }, call.token);
        },
        createStatusBarItem: (id: string, alignment: number, priority: number) => {
          const item = new FakeStatusBarItem(id, alignment, priority);
          this.statusBarItems.push(item);
          return item;
        },
        createOutputChannel: (name: string) => {
          const channel = new FakeLogChannel(name);
          this.channels.push(channel);
          return channel;
        },
        showTextDocument: async (document: { uri: { fsPath: string } }) => {
          this.openedDocuments.push(document.uri.fsPath);
          return {};
        },
      },
      commands: {
        registerCommand: (id: string, handler: (...args: unknown[]) => unknown) => {
          this.commands.set(id, handler);
          return { dispose: () => this.commands.delete(id) };
        },
        executeCommand: async (command: string, ...args: unknown[]) => {
          if (command === 'setContext') {
            this.contextKeys.set(args[0] as string, args[1]);
            return undefined;
          }
          this.executed.push({ command, args });
          return this.commands.get(command)?.(...args);
        },
      },
      env: {
        openExternal: async (uri: { toString(): string }) => {
          this.openedExternal.push(uri.toString());
          return true;
        },
      },
      workspace: {
        getConfiguration: (section: string) => ({
          get: <T>(key: string) => this.settings[`${section}.${key}`] as T | undefined,
        }),
        get workspaceFolders() {
          return self.workspaceFolders;
        },
        createFileSystemWatcher: (pattern: RelativePattern) => {
          const watcher = new FakeWatcher(pattern);
          this.watchers.push(watcher);
          return watcher;
        },
        onDidChangeConfiguration: this.configurationChanged.event,
        onDidChangeWorkspaceFolders: this.foldersChanged.event,
        openTextDocument: async (uri: { fsPath: string }) => ({ uri }),
      },
      ProgressLocation: { SourceControl: 1, Window: 10, Notification: 15 },
      StatusBarAlignment: { Left: 1, Right: 2 },
      ThemeColor,
      MarkdownString,
      Uri,
      RelativePattern,
    };
    this.api = fake as unknown as VscodeApi;
  }

  channel(name: string): FakeLogChannel | undefined {
    return this.channels.find((c) => c.name === name);
  }

  /** Picks the item whose label contains `text` at the next quick pick. */
  pick(text: string): void {
    this.quickPickAnswers.push((items) => items.find((i) => i.label.includes(text)));
  }
}
