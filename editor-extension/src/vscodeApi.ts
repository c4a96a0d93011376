import type * as vscode from 'vscode';

/**
 * The parts of the `vscode` module the extension uses. Only extension.ts imports `vscode` at run
 * time and passes it in; the rest takes it as this parameter, so unit tests can hand in a fake.
 */
export interface VscodeApi {
  window: Pick<typeof vscode.window,
    'showQuickPick' | 'showInputBox' | 'showErrorMessage' | 'showWarningMessage' | 'showInformationMessage'
    | 'withProgress' | 'createStatusBarItem' | 'createOutputChannel' | 'showTextDocument'>;
  commands: Pick<typeof vscode.commands, 'registerCommand' | 'executeCommand'>;
  env: Pick<typeof vscode.env, 'openExternal'>;
  workspace: Pick<typeof vscode.workspace,
    'getConfiguration' | 'workspaceFolders' | 'createFileSystemWatcher' | 'onDidChangeConfiguration' | 'onDidChangeWorkspaceFolders' | 'openTextDocument'>;
  ProgressLocation: typeof vscode.ProgressLocation;
  StatusBarAlignment: typeof vscode.StatusBarAlignment;
  ThemeColor: typeof vscode.ThemeColor;
  MarkdownString: typeof vscode.MarkdownString;
  Uri: typeof vscode.Uri;
  RelativePattern: typeof vscode.RelativePattern;
}
