// Checks JSON-RPC messages against protocol/backend-sidecar.openrpc.json with ajv: what the
// sidecar sends (responses, notifications) and, on request, what a client sends. Used by the
// transcript CLI (C# end-to-end tests write transcripts), by the TypeScript tests, and by the fake
// sidecar's tests so that the fake stays honest.
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import {
  errorSchemaNames, isNotification, loadProtocol, paramsSchemaName, resolveError, rewriteRefs, schemaBundle,
} from './protocolDocument.mjs';

const addFormats = addFormatsModule.default ?? addFormatsModule;
const envelopeKeys = { request: ['jsonrpc', 'id', 'method', 'params'], response: ['jsonrpc', 'id', 'result', 'error'] };
/** Codes a response may carry whatever the method: the request could not be read or routed. */
const unroutedCodes = new Set([-32700, -32600]);

export class ProtocolValidator {
  /**
   * @param {object} document the OpenRPC document
   * @param {object|null} configSchema the configuration schema, or null to accept any object as config
   */
  constructor(document, configSchema) {
    this.document = document;
    this.hasConfigSchema = configSchema !== null;
    this.ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
    addFormats(this.ajv);
    if (configSchema) this.ajv.addSchema(configSchema);
    this.ajv.addSchema(schemaBundle(document, configSchema));
    this.methods = new Map(document.methods.map((m) => [m.name, m]));
    this.errorSchemas = errorSchemaNames(document);
    this.compiled = new Map();
    this.configSchema = configSchema;
  }

  /** Loads the document (and the configuration schema beside it, when present). */
  static load(options = {}) {
    const { document, configSchema } = loadProtocol(options);
    return new ProtocolValidator(document, configSchema);
  }

  /** Validates a value against a component (e.g. "BackendStatus"); returns error strings. */
  validateComponent(name, value) {
    if (!this.document.components.schemas[name]) return [`no schema named ${name}`];
    return this.#check({ $ref: ref(name) }, value, '');
  }

  /** Errors in the params of a request or notification of this method (direction not checked). */
  validateParams(methodName, params) {
    const method = this.methods.get(methodName);
    if (!method) return [`unknown method ${JSON.stringify(methodName)}`];
    const schemaName = paramsSchemaName(method);
    if (!schemaName) {
      const empty = params === undefined || (Array.isArray(params) && params.length === 0)
        || (isPlainObject(params) && Object.keys(params).length === 0);
      return empty ? [] : [`/params: ${methodName} takes no params`];
    }
    if (params === undefined) return this.#check({ $ref: ref(schemaName) }, {}, '/params');
    return this.#check({ $ref: ref(schemaName) }, params, '/params');
  }

  /** Errors in the result of a successful response to this request. */
  validateResult(methodName, result) {
    const method = this.methods.get(methodName);
    if (!method || isNotification(method)) return [`${methodName} is not a request`];
    return this.#check(method.result.schema, result, '/result');
  }

  /** Errors in an error object answering this request (the code must be one the method lists). */
  validateError(methodName, error) {
    if (!isPlainObject(error) || typeof error.code !== 'number') return ['/error: must be an object with a numeric code'];
    const method = this.methods.get(methodName);
    const allowed = method && !isNotification(method) ? this.errorCodesOf(method) : new Set([-32601]);
    if (!allowed.has(error.code) && !unroutedCodes.has(error.code)) {
      const what = method && !isNotification(method) ? `${methodName} may not answer` : `a request for ${JSON.stringify(methodName)} may only be answered with -32601 or -32600, not`;
      return [`/error/code: ${what} ${error.code} (allowed: ${[...allowed].join(', ')})`];
    }
    const schemaName = this.errorSchemas.get(error.code);
    return this.#check({ $ref: ref(schemaName) }, error, '/error');
  }

  /** The codes a method's errors list names. */
  errorCodesOf(method) {
    return new Set((method.errors ?? []).map((e) => resolveError(this.document, e).code));
  }

  /**
   * Errors in one message the sidecar sent (not a batch).
   * @param {object} message
   * @param {string|null|undefined} requestMethod for a response: the method of the request it answers
   */
  validateOutgoing(message, requestMethod) {
    if (!isPlainObject(message)) return ['message must be a JSON object'];
    if (message.jsonrpc !== '2.0') return ['/jsonrpc must be "2.0"'];
    if ('method' in message) {
      const errors = extraKeys(message, envelopeKeys.request);
      if ('id' in message) errors.push('the sidecar sends no requests: a message with a method must not have an id');
      const method = this.methods.get(message.method);
      if (!method || !isNotification(method) || method['x-direction'] !== 'server-to-client') {
        return [...errors, `/method: ${JSON.stringify(message.method)} is not a notification the sidecar sends`];
      }
      return [...errors, ...this.validateParams(message.method, message.params)];
    }
    const errors = extraKeys(message, envelopeKeys.response);
    if (!('id' in message)) errors.push('a response must have an id');
    else if (!(message.id === null || typeof message.id === 'string' || Number.isInteger(message.id))) errors.push('/id must be an integer, a string or null');
    if (('result' in message) === ('error' in message)) return [...errors, 'a response must have exactly one of result and error'];
    if (message.id === null) {
      if (!('error' in message)) return [...errors, 'a response with id null must be an error'];
      if (!unroutedCodes.has(message.error?.code)) return [...errors, `/error/code: a response with id null may only be -32700 or -32600, not ${message.error?.code}`];
      const schemaName = this.errorSchemas.get(message.error.code);
      return [...errors, ...this.#check({ $ref: ref(schemaName) }, message.error, '/error')];
    }
    if (requestMethod === undefined || requestMethod === null) {
      // -32700 and -32600 answer input that may have had no method at all (a request with "method": 42 keeps its id).
      if ('error' in message && unroutedCodes.has(message.error?.code)) {
        const schemaName = this.errorSchemas.get(message.error.code);
        return [...errors, ...this.#check({ $ref: ref(schemaName) }, message.error, '/error')];
      }
      return [...errors, `cannot tell which method response ${JSON.stringify(message.id)} answers: give "method" in the transcript line or record the request as an "in" line`];
    }
    if ('error' in message) return [...errors, ...this.validateError(requestMethod, message.error)];
    const method = this.methods.get(requestMethod);
    if (!method || isNotification(method) || method['x-direction'] !== 'client-to-server') {
      return [...errors, `/result: ${JSON.stringify(requestMethod)} is not a request, so only an error may answer it`];
    }
    return [...errors, ...this.validateResult(requestMethod, message.result)];
  }

  /** Errors in one message a client sent (not a batch): a request or notification of this protocol. */
  validateIncoming(message) {
    if (!isPlainObject(message)) return ['message must be a JSON object'];
    const errors = extraKeys(message, envelopeKeys.request);
    if (message.jsonrpc !== '2.0') errors.push('/jsonrpc must be "2.0"');
    const method = this.methods.get(message.method);
    if (!method || method['x-direction'] !== 'client-to-server') return [...errors, `/method: ${JSON.stringify(message.method)} is not a method a client sends`];
    if (isNotification(method) && 'id' in message) errors.push(`${message.method} is a notification: it must not have an id`);
    if (!isNotification(method) && !(typeof message.id === 'string' || Number.isInteger(message.id))) errors.push(`${message.method} is a request: it needs an integer or string id`);
    return [...errors, ...this.validateParams(message.method, message.params)];
  }

  #check(schema, value, prefix) {
    const key = JSON.stringify(schema);
    let validate = this.compiled.get(key);
    if (!validate) {
      validate = this.ajv.compile(rewriteRefs(schema, this.configSchema));
      this.compiled.set(key, validate);
    }
    if (validate(value)) return [];
    return (validate.errors ?? []).map((e) => `${prefix}${e.instancePath || ''}: ${e.message}${describeParams(e)}`);
  }
}

function ref(componentName) {
  return `#/components/schemas/${componentName}`;
}

function isPlainObject(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function extraKeys(message, allowed) {
  return Object.keys(message).filter((k) => !allowed.includes(k)).map((k) => `unexpected member ${JSON.stringify(k)} in the message`);
}

function describeParams(error) {
  const p = error.params ?? {};
  if (p.additionalProperty !== undefined) return ` (${JSON.stringify(p.additionalProperty)})`;
  if (p.allowedValues !== undefined) return ` (${p.allowedValues.map((v) => JSON.stringify(v)).join(', ')})`;
  if (p.allowedValue !== undefined) return ` (${JSON.stringify(p.allowedValue)})`;
  return '';
}
