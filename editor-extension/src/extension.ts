import * as vscode from 'vscode';
import { activateWith, type ActiveExtension } from './activation';

// The only file that imports `vscode` at run time; everything else gets it passed in.

let active: ActiveExtension | undefined;

export function activate(context: vscode.ExtensionContext): void {
  active = activateWith(vscode, context);
}

/** Sends shutdown and exit to the sidecar, which stops every backend first. */
export function deactivate(): Promise<void> | undefined {
  return active?.deactivate();
}
