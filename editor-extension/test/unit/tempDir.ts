import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A temporary folder for one test, removed by {@link TempDir.remove}. */
export class TempDir {
  readonly path = mkdtempSync(join(tmpdir(), 'backend-sidecar-ext-'));

  /** Writes a file (and its folders); returns its path. */
  write(relative: string, content = '', mode?: number): string {
    const file = join(this.path, relative);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content, mode !== undefined ? { mode } : {});
    return file;
  }

  remove(): void {
    rmSync(this.path, { recursive: true, force: true });
  }
}
