// Secrets for backends ("Backend: Set Secret"): NAME=value pairs kept in VS Code's SecretStorage, one
// JSON object per backend, and passed as secretEnv on start. They never go to settings or logs.

/** The part of vscode.SecretStorage that this uses. */
export interface SecretStorageLike {
  get(key: string): PromiseLike<string | undefined>;
  store(key: string, value: string): PromiseLike<void>;
  delete(key: string): PromiseLike<void>;
}

/** An environment variable name as POSIX shells accept it. */
const namePattern = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** What the input box accepts: `NAME=value` sets, `NAME=` removes. */
export type SecretInput = { name: string; value: string | undefined };

/**
 * Parses `NAME=value`; the value may hold `=` and spaces. Returns an error message (for the input
 * box's validation) or the parsed pair; an empty value means "remove".
 */
export function parseSecretInput(text: string): SecretInput | string {
  const at = text.indexOf('=');
  if (at < 0) return 'Enter NAME=value (NAME= removes the secret)';
  const name = text.slice(0, at).trim();
  if (!namePattern.test(name)) return `"${name}" is not a valid environment variable name`;
  const value = text.slice(at + 1);
  return { name, value: value === '' ? undefined : value };
}

export class SecretEnvStore {
  constructor(private readonly storage: SecretStorageLike) {}

  /** The secretEnv of a backend: empty when it has none, or when what is stored is unreadable. */
  async get(backend: string): Promise<Record<string, string>> {
    const stored = await this.storage.get(this.key(backend));
    if (!stored) return {};
    try {
      const parsed: unknown = JSON.parse(stored);
      if (typeof parsed !== 'object' || parsed === null) return {};
      return Object.fromEntries(Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === 'string'));
    } catch {
      return {};
    }
  }

  /** Sets (or, with value undefined, removes) one secret of a backend. */
  async set(backend: string, name: string, value: string | undefined): Promise<void> {
    const env = await this.get(backend);
    if (value === undefined) delete env[name];
    else env[name] = value;
    if (Object.keys(env).length === 0) await this.storage.delete(this.key(backend));
    else await this.storage.store(this.key(backend), JSON.stringify(env));
  }

  /** The names (never the values) of a backend's secrets. */
  async names(backend: string): Promise<string[]> {
    return Object.keys(await this.get(backend)).sort();
  }

  private key(backend: string): string {
    return `backendSidecar.secretEnv.${backend}`;
  }
}
