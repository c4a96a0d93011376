// Typed access to the package's .mjs scripts (the validator and the type generator), which the
// compiled CommonJS tests load with a real dynamic import.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { packageRoot } from './paths';

export interface ProtocolValidator {
  readonly document: OpenRpcDocument;
  readonly hasConfigSchema: boolean;
  validateComponent(name: string, value: unknown): string[];
  validateParams(method: string, params: unknown): string[];
  validateResult(method: string, result: unknown): string[];
  validateError(method: string, error: unknown): string[];
  validateOutgoing(message: unknown, requestMethod?: string | null): string[];
  validateIncoming(message: unknown): string[];
}

export interface OpenRpcDocument {
  openrpc: string;
  methods: OpenRpcMethod[];
  components: { schemas: Record<string, JsonSchema>; errors: Record<string, { code: number; message: string; data?: unknown }> };
  [key: string]: unknown;
}

export interface OpenRpcMethod {
  name: string;
  params: { name: string; required?: boolean; schema: JsonSchema }[];
  result?: { name: string; schema: JsonSchema };
  errors?: { $ref: string }[];
  'x-notification'?: boolean;
  'x-direction'?: string;
  'x-params-schema'?: { $ref: string };
  [key: string]: unknown;
}

export type JsonSchema = { [key: string]: any };

export interface TranscriptResult {
  lines: number;
  messages: number;
  errors: { line: number; message: string }[];
}

interface ValidatorModule {
  ProtocolValidator: { load(options?: { documentPath?: string; configSchemaPath?: string }): ProtocolValidator };
}
interface TranscriptModule {
  validateTranscript(text: string, validator: ProtocolValidator, options?: { checkIncoming?: boolean }): TranscriptResult;
}
interface GeneratorModule {
  generatedPath: string;
  generatedConfigPath: string;
  expectedGeneratedFiles(): Map<string, string>;
}
interface DocumentModule {
  resolvePointer(root: unknown, ref: string): any;
  errorSchemaNames(document: OpenRpcDocument): Map<number, string>;
}

function load<T>(relative: string): Promise<T> {
  return import(pathToFileURL(join(packageRoot, 'scripts', relative)).href) as Promise<T>;
}

let validator: Promise<ProtocolValidator> | undefined;

/** One validator for the whole test run (compiling the schemas takes a moment). */
export function protocolValidator(): Promise<ProtocolValidator> {
  validator ??= load<ValidatorModule>('protocolValidator.mjs').then((m) => m.ProtocolValidator.load());
  return validator;
}

export async function validateTranscript(text: string, options?: { checkIncoming?: boolean }): Promise<TranscriptResult> {
  const [m, v] = await Promise.all([load<TranscriptModule>('transcript.mjs'), protocolValidator()]);
  return m.validateTranscript(text, v, options);
}

export const generator = (): Promise<GeneratorModule> => load<GeneratorModule>('generate-types.mjs');
export const documentTools = (): Promise<DocumentModule> => load<DocumentModule>('protocolDocument.mjs');
