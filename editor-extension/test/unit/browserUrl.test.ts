import * as assert from 'node:assert/strict';
import { browserUrl } from '../../src/browserUrl';

describe('browserUrl', () => {
  it('HttpHealthUrl_TheRootOfItsServer', () => {
    assert.equal(browserUrl({ healthUrl: 'http://127.0.0.1:8882/health', port: 8882 }), 'http://127.0.0.1:8882/');
    assert.equal(browserUrl({ healthUrl: 'https://localhost:8443/api/health?x=1', port: null }), 'https://localhost:8443/');
  });

  it('BoundToEveryInterface_OpensLoopback', () => {
    assert.equal(browserUrl({ healthUrl: 'http://0.0.0.0:9000/health', port: 9000 }), 'http://127.0.0.1:9000/');
  });

  it('NoHttpHealth_ThePortOnLoopback_NeitherUndefined', () => {
    assert.equal(browserUrl({ healthUrl: null, port: 5173 }), 'http://127.0.0.1:5173/');
    assert.equal(browserUrl({ healthUrl: 'tcp://127.0.0.1:6379', port: 6379 }), 'http://127.0.0.1:6379/');
    assert.equal(browserUrl({ healthUrl: null, port: null }), undefined);
  });
});
