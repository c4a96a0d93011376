import type { SidecarConfig } from '@backend-sidecar/client';

/** What the controller needs to know of the configuration file itself (the sidecar validates the rest). */
export interface BackendsConfig {
  /** The file's JSON as parsed, to send inline when autoStart must be taken over (see {@link withoutAutoStart}). */
  raw: SidecarConfig;
  /** Backend name -> its autoStart and dependsOn, after the profile is applied. */
  backends: ReadonlyMap<string, { autoStart: boolean; dependsOn: readonly string[] }>;
}

type RawBackend = { autoStart?: unknown; dependsOn?: unknown; profiles?: Record<string, { autoStart?: unknown; dependsOn?: unknown } | undefined> };

/**
 * Reads the parts of a configuration file that the extension acts on. Returns undefined for anything
 * that is not a readable config: the sidecar then reports the problem itself (-32011, with the path).
 */
export function parseBackendsConfig(text: string, profile?: string): BackendsConfig | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(raw) || !isObject(raw.backends)) return undefined;
  const backends = new Map<string, { autoStart: boolean; dependsOn: readonly string[] }>();
  for (const [name, value] of Object.entries(raw.backends)) {
    if (!isObject(value)) return undefined;
    const backend = value as RawBackend;
    const override = profile !== undefined && isObject(backend.profiles) ? backend.profiles[profile] : undefined;
    const autoStart = override?.autoStart ?? backend.autoStart;
    const dependsOn = override?.dependsOn ?? backend.dependsOn;
    backends.set(name, {
      autoStart: autoStart === true,
      dependsOn: Array.isArray(dependsOn) ? dependsOn.filter((d): d is string => typeof d === 'string') : [],
    });
  }
  return { raw: raw as unknown as SidecarConfig, backends };
}

/** The backends the sidecar would start by itself after initialize. */
export function autoStartBackends(config: BackendsConfig): string[] {
  return [...config.backends].filter(([, b]) => b.autoStart).map(([name]) => name);
}

/**
 * The same configuration with every autoStart turned off (in the profiles too): the extension then
 * starts those backends itself, so that it can pass their secretEnv, which a config file never holds.
 */
export function withoutAutoStart(config: BackendsConfig): SidecarConfig {
  const copy = structuredClone(config.raw) as unknown as { backends: Record<string, RawBackend & Record<string, unknown>> };
  for (const backend of Object.values(copy.backends)) {
    delete backend.autoStart;
    for (const override of Object.values(backend.profiles ?? {})) {
      if (isObject(override)) delete override.autoStart;
    }
  }
  return copy as unknown as SidecarConfig;
}

/** The dependencies of a backend, transitively, each before the backends that need it (the backend itself last). */
export function startOrder(config: BackendsConfig, backend: string): string[] {
  const order: string[] = [];
  const visiting = new Set<string>();
  const visit = (name: string): void => {
    // A cycle is the sidecar's to report (-32011); here it only must not loop.
    if (order.includes(name) || visiting.has(name)) return;
    visiting.add(name);
    for (const dependency of config.backends.get(name)?.dependsOn ?? []) visit(dependency);
    order.push(name);
  };
  visit(backend);
  return order;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
