import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * What "Backend: Create Configuration" writes: one backend that works anywhere python3 is (its
 * standard library's web server), to be edited into the project's own. The extension's JSON schema
 * gives completion and hovers for the rest, so no `$schema` is needed.
 */
export const starterConfig = `{
  "backends": {
    "web": {
      "command": "python3",
      "args": ["-m", "http.server", "\${port}", "--bind", "127.0.0.1"],
      "port": 8000,
      "health": { "http": "http://127.0.0.1:\${port}/" },
      "autoStart": false
    }
  }
}
`;

/**
 * Writes the starter configuration to <folder>/.vscode/backends.json (never over an existing file)
 * and returns its path.
 */
export function writeStarterConfig(folder: string): string {
  const path = join(folder, '.vscode', 'backends.json');
  mkdirSync(join(folder, '.vscode'), { recursive: true });
  if (!existsSync(path)) writeFileSync(path, starterConfig, { flag: 'wx' });
  return path;
}
