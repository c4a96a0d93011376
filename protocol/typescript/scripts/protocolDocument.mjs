// Loads protocol/backend-sidecar.openrpc.json and protocol/sidecar-config.schema.json and turns
// the document's components into one JSON Schema (2020-12) bundle that ajv can compile. Shared by
// the type generator, the validator and the tests, so they all read the document the same way.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const scriptsDir = dirname(fileURLToPath(import.meta.url));

/** The folder protocol/ (the OpenRPC document and the configuration schema live there). */
export const protocolDir = resolve(scriptsDir, '..', '..');
export const defaultDocumentPath = join(protocolDir, 'backend-sidecar.openrpc.json');
/** The document refers to the configuration schema by this relative reference. */
export const configSchemaRef = 'sidecar-config.schema.json';
/** $id of the bundle made of components.schemas. */
export const bundleId = 'urn:backend-sidecar:openrpc:components';
const componentsPrefix = '#/components/schemas/';
const configPlaceholder = '__SidecarConfigPlaceholder';

/**
 * Reads the document and, when it exists, the configuration schema beside it.
 * @param {{documentPath?: string, configSchemaPath?: string}} [options]
 */
export function loadProtocol(options = {}) {
  const documentPath = resolve(options.documentPath ?? defaultDocumentPath);
  const configSchemaPath = resolve(options.configSchemaPath ?? join(dirname(documentPath), configSchemaRef));
  const document = JSON.parse(readFileSync(documentPath, 'utf8'));
  // The configuration schema comes from its own change; until it is there, config is only "an object".
  const configSchema = existsSync(configSchemaPath) ? JSON.parse(readFileSync(configSchemaPath, 'utf8')) : null;
  return { document, documentPath, configSchema, configSchemaPath: configSchema ? configSchemaPath : null };
}

/** Name of the component a "#/components/schemas/Name[/...]" reference points into, or null. */
export function componentName(ref) {
  if (typeof ref !== 'string' || !ref.startsWith(componentsPrefix)) return null;
  return ref.slice(componentsPrefix.length).split('/')[0];
}

/** Follows a local JSON pointer ("#/a/b") inside root. */
export function resolvePointer(root, ref) {
  if (!ref.startsWith('#')) throw new Error(`not a local reference: ${ref}`);
  let node = root;
  for (const raw of ref.slice(1).split('/').filter((p) => p.length > 0)) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object' || !(key in node)) throw new Error(`unresolvable reference: ${ref}`);
    node = node[key];
  }
  return node;
}

/**
 * Deep copy of a schema from the document with every reference made absolute: component
 * references point into the bundle, the configuration reference to the configuration schema's $id.
 */
export function rewriteRefs(schema, configSchema) {
  if (Array.isArray(schema)) return schema.map((item) => rewriteRefs(item, configSchema));
  if (schema === null || typeof schema !== 'object') return schema;
  const copy = {};
  for (const [key, value] of Object.entries(schema)) {
    copy[key] = key === '$ref' && typeof value === 'string' ? rewriteRef(value, configSchema) : rewriteRefs(value, configSchema);
  }
  return copy;
}

function rewriteRef(ref, configSchema) {
  if (ref.startsWith(componentsPrefix)) return `${bundleId}#/$defs/${ref.slice(componentsPrefix.length)}`;
  if (ref === configSchemaRef || ref.startsWith(`${configSchemaRef}#`)) {
    const fragment = ref.slice(configSchemaRef.length);
    if (!configSchema) return `${bundleId}#/$defs/${configPlaceholder}`;
    return `${configSchema.$id}${fragment}`;
  }
  throw new Error(`unsupported reference in the OpenRPC document: ${ref}`);
}

/** The JSON Schema bundle: { $id, $defs: components.schemas (references rewritten) }. */
export function schemaBundle(document, configSchema) {
  const defs = rewriteRefs(document.components?.schemas ?? {}, configSchema);
  if (!configSchema) defs[configPlaceholder] = { type: 'object' };
  return { $schema: 'https://json-schema.org/draft/2020-12/schema', $id: bundleId, $defs: defs };
}

/** Follows "$ref" to "#/components/errors/X" (or returns the inline error object). */
export function resolveError(document, errorOrRef) {
  return errorOrRef.$ref ? resolvePointer(document, errorOrRef.$ref) : errorOrRef;
}

/**
 * The schema of each error code: components.schemas entries whose properties.code is a const.
 * @returns {Map<number, string>} code -> component name
 */
export function errorSchemaNames(document) {
  const byCode = new Map();
  for (const [name, schema] of Object.entries(document.components?.schemas ?? {})) {
    const code = schema?.properties?.code?.const;
    if (typeof code === 'number') {
      if (byCode.has(code)) throw new Error(`two error object schemas for ${code}: ${byCode.get(code)} and ${name}`);
      byCode.set(code, name);
    }
  }
  return byCode;
}

/** Name of the whole-params component of a method ("x-params-schema"), or null when it takes none. */
export function paramsSchemaName(method) {
  const ref = method['x-params-schema']?.$ref;
  return ref ? componentName(ref) : null;
}

export function isNotification(method) {
  return method['x-notification'] === true;
}
