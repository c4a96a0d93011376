import { statSync } from 'node:fs';

/** Whether a path names a regular file (false for folders, broken links and anything unreadable). */
export function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
