import * as assert from 'node:assert/strict';
import Ajv from 'ajv';
import { documentTools, protocolValidator, type OpenRpcDocument, type OpenRpcMethod } from './helpers/protocolTools';

// The contract's lists, written out again here on purpose: the document must match them.
const contractRequests = ['initialize', 'start', 'stop', 'restart', 'status', 'logs', 'subscribe', 'diagnose', 'shutdown'];
const contractNotifications = { exit: 'client-to-server', '$/cancelRequest': 'client-to-server', statusChanged: 'server-to-client', log: 'server-to-client' };
const contractCodes = [-32700, -32600, -32601, -32602, -32603, -32002, -32800, -32010, -32011, -32012, -32013, -32014, -32015, -32016, -32017];
const backendStatusKeys = ['backend', 'state', 'pid', 'startedAt', 'uptimeMs', 'restartCount', 'external', 'port', 'healthUrl', 'health', 'lastExit', 'lastError', 'nextRestartAt', 'logFile'];
/** Added by 1.1: a 1.1 sidecar always sends them, but they are not required, so that 1.0 messages stay valid. */
const backendStatusKeys11 = ['progress', 'resources'];

describe('OpenRPC document', () => {
  let document: OpenRpcDocument;
  let tools: Awaited<ReturnType<typeof documentTools>>;
  before(async () => {
    document = (await protocolValidator()).document;
    tools = await documentTools();
  });
  const method = (name: string): OpenRpcMethod => document.methods.find((m) => m.name === name)!;

  it('document_AgainstOpenRpcMetaSchema_IsValid', () => {
    // Both meta-schemas are draft-07 with a $schema ajv does not know.
    const meta = { ...require('@open-rpc/meta-schema').default, $schema: undefined };
    const jsonSchemaMeta = { ...require('@json-schema-tools/meta-schema').default, $schema: undefined };
    const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
    ajv.addSchema(jsonSchemaMeta);
    // OpenRPC's meta-schema refers to it both with and without the trailing slash of its $id.
    ajv.addSchema({ $ref: 'https://meta.json-schema.tools/' }, 'https://meta.json-schema.tools');
    const validate = ajv.compile(meta);

    assert.equal(validate(document), true, JSON.stringify(validate.errors, null, 2));
    assert.match(document.openrpc, /^1\.3\./);
  });

  it('methods_ComparedWithTheContract_AreExactlyItsRequestsAndNotifications', () => {
    const requests = document.methods.filter((m) => !m['x-notification']).map((m) => m.name);
    const notifications = Object.fromEntries(document.methods.filter((m) => m['x-notification']).map((m) => [m.name, m['x-direction']]));

    assert.deepEqual(requests, contractRequests);
    assert.deepEqual(notifications, contractNotifications);
  });

  it('methods_EveryOne_FollowsTheDocumentsConventions', () => {
    for (const m of document.methods) {
      assert.equal(m.paramStructure, 'by-name', m.name);
      assert.ok(m['x-direction'] === 'client-to-server' || m['x-direction'] === 'server-to-client', m.name);
      if (m['x-notification']) assert.equal(m.result, undefined, `${m.name}: a notification has no result`);
      else {
        assert.ok(m.result, `${m.name}: a request has a result`);
        assert.equal(m['x-direction'], 'client-to-server', m.name);
      }
    }
  });

  it('params_ContentDescriptors_MirrorTheParamsSchema', () => {
    for (const m of document.methods) {
      const ref = m['x-params-schema']?.$ref;
      if (!ref) {
        assert.deepEqual(m.params, [], `${m.name} takes no params`);
        continue;
      }
      let schema = tools.resolvePointer(document, ref);
      let target = ref;
      while (schema.$ref) {
        target = schema.$ref;
        schema = tools.resolvePointer(document, schema.$ref);
      }
      assert.deepEqual(m.params.map((p) => p.name), Object.keys(schema.properties), m.name);
      for (const p of m.params) {
        assert.equal(p.required ?? false, (schema.required ?? []).includes(p.name), `${m.name}.${p.name} required`);
        assert.deepEqual(p.schema, { $ref: `${target}/properties/${p.name}` }, `${m.name}.${p.name} schema`);
      }
    }
  });

  it('errors_EveryCodeOfTheContract_HasOneErrorAndOneErrorObjectSchema', () => {
    const codes = Object.values(document.components.errors).map((e) => e.code);
    const schemas = tools.errorSchemaNames(document);

    assert.deepEqual([...codes].sort(), [...contractCodes].sort());
    assert.deepEqual([...schemas.keys()].sort(), [...contractCodes].sort());
    for (const m of document.methods) {
      for (const e of m.errors ?? []) assert.ok(tools.resolvePointer(document, e.$ref), `${m.name}: ${e.$ref}`);
    }
  });

  it('errors_ApplicationErrors_CarryDataBackendWhereABackendIsConcerned', () => {
    const schemas = tools.errorSchemaNames(document);
    for (const code of [-32010, -32011, -32012, -32013, -32014, -32015, -32016, -32017]) {
      const data = tools.resolvePointer(document, document.components.schemas[schemas.get(code)!]!.properties.data.$ref);
      assert.ok(data.properties.backend, `${code} data.backend`);
      assert.equal(data.additionalProperties, false, `${code} data is closed`);
    }
  });

  it('errors_PerMethod_MatchTheContract', () => {
    const codesOf = (name: string) => new Set((method(name).errors ?? []).map((e) => tools.resolvePointer(document, e.$ref).code as number));

    assert.ok(!codesOf('initialize').has(-32002), 'initialize never gets -32002');
    for (const name of contractRequests.filter((n) => n !== 'initialize')) assert.ok(codesOf(name).has(-32002), `${name} may get -32002`);
    for (const name of contractRequests) assert.ok(codesOf(name).has(-32017), `${name} may get -32017 after shutdown`);
    for (const name of ['start', 'restart', 'stop']) assert.ok(codesOf(name).has(-32800), `${name} can be cancelled`);
    for (const name of ['start', 'restart']) {
      for (const code of [-32010, -32012, -32013, -32014, -32015, -32016]) assert.ok(codesOf(name).has(code), `${name} may get ${code}`);
    }
  });

  it('backendStatus_Every10Key_IsRequiredAndClosed', () => {
    const status = document.components.schemas.BackendStatus!;
    const changed = document.components.schemas.StatusChangedParams!;

    assert.deepEqual(Object.keys(status.properties), [...backendStatusKeys, ...backendStatusKeys11]);
    assert.deepEqual(status.required, backendStatusKeys);
    assert.equal(status.additionalProperties, false);
    assert.deepEqual(changed.required, [...backendStatusKeys, 'previousState', 'reason']);
    assert.deepEqual(Object.keys(changed.properties), [...backendStatusKeys, 'previousState', 'reason', ...backendStatusKeys11]);
    assert.equal(changed.additionalProperties, false);
    assert.deepEqual(document.components.schemas.BackendState!.enum, ['stopped', 'starting', 'running', 'unhealthy', 'stopping', 'backoff', 'failed']);
  });

  it('results_AndNotificationParams_AreClosedObjects', () => {
    const closed = (name: string) => document.components.schemas[name]!.additionalProperties === false;
    for (const name of ['InitializeResult', 'StatusResult', 'LogsResult', 'SubscribeResult', 'DiagnoseResult', 'StatusChangedParams', 'LogParams', 'Health', 'LastExit', 'LastError', 'LogEntry', 'Check', 'ServerInfo', 'Progress', 'Resources']) {
      assert.ok(closed(name), `${name} has additionalProperties: false`);
    }
  });

  it('initialize_ConfigParam_RefersToTheConfigurationSchema', () => {
    assert.deepEqual(document.components.schemas.InitializeParams!.properties.config.$ref, 'sidecar-config.schema.json');
  });
});
