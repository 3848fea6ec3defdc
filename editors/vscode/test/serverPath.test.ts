import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { expandPath, resolveServer, type ServerLookup } from '../src/serverPath';

function lookup(files: string[], over: Partial<ServerLookup> = {}): ServerLookup {
  const set = new Set(files);
  return {
    extensionPath: '/ext',
    homeDir: '/home/me',
    pathEnv: '/usr/local/bin:/usr/bin',
    platform: 'linux',
    isFile: (p) => set.has(p),
    ...over,
  };
}

describe('resolveServer', () => {
  it('takes GONOTES_SERVER first', () => {
    const r = resolveServer(lookup(['/opt/g', '/ext/server/gonotes'], { envPath: '/opt/g', settingPath: '/s/g' }));
    assert.deepEqual([r.ok, r.ok && r.path, r.ok && r.source], [true, '/opt/g', 'env']);
  });

  it('fails with the fix when GONOTES_SERVER names no file, without falling through', () => {
    const r = resolveServer(lookup(['/ext/server/gonotes'], { envPath: '/nope/gonotes' }));
    assert.equal(r.ok, false);
    assert.ok(!r.ok && r.message.includes('GONOTES_SERVER') && r.message.includes('/nope/gonotes'));
    assert.ok(!r.ok && /Fix:.*unset it/.test(r.message));
  });

  it('ignores a blank GONOTES_SERVER', () => {
    const r = resolveServer(lookup(['/ext/server/gonotes'], { envPath: '  ' }));
    assert.ok(r.ok && r.source === 'bundled');
  });

  it('takes the setting second, expanding ~ and resolving relative paths against the workspace', () => {
    const home = resolveServer(lookup(['/home/me/bin/gonotes'], { settingPath: '~/bin/gonotes' }));
    assert.ok(home.ok && home.path === '/home/me/bin/gonotes' && home.source === 'setting');
    const rel = resolveServer(
      lookup(['/ws/target/release/gonotes'], { settingPath: 'target/release/gonotes', workspaceFolder: '/ws' }),
    );
    assert.ok(rel.ok && rel.path === '/ws/target/release/gonotes');
  });

  it('fails with the fix when the setting names no file', () => {
    const r = resolveServer(lookup(['/ext/server/gonotes', '/usr/bin/gonotes'], { settingPath: '/x/gonotes' }));
    assert.ok(!r.ok && r.message.includes('"gonotes.server.path"') && r.message.includes('Fix:'));
  });

  it('takes the bundled server third', () => {
    const r = resolveServer(lookup(['/ext/server/gonotes', '/usr/bin/gonotes']));
    assert.ok(r.ok && r.path === '/ext/server/gonotes' && r.source === 'bundled');
  });

  it('falls back to PATH, in PATH order', () => {
    const r = resolveServer(lookup(['/usr/bin/gonotes', '/usr/local/bin/gonotes']));
    assert.ok(r.ok && r.path === '/usr/local/bin/gonotes' && r.source === 'path');
  });

  it('explains every place it looked and how to fix it when nothing is found', () => {
    const r = resolveServer(lookup([]));
    assert.equal(r.ok, false);
    assert.equal(r.tried.length, 2);
    assert.ok(!r.ok && r.message.includes('not on PATH') && r.message.includes('cargo build --release'));
    assert.ok(!r.ok && r.message.includes('server/gonotes'));
  });

  it('copes with an empty or missing PATH', () => {
    assert.equal(resolveServer(lookup([], { pathEnv: undefined })).ok, false);
    assert.equal(resolveServer(lookup([], { pathEnv: '::' })).ok, false);
  });

  it('uses gonotes.exe and ; on Windows', () => {
    const r = resolveServer(
      lookup(['C:\\tools\\gonotes.exe'], {
        platform: 'win32',
        extensionPath: 'C:\\ext',
        pathEnv: 'C:\\bin;C:\\tools',
      }),
    );
    assert.ok(r.ok && r.path === 'C:\\tools\\gonotes.exe' && r.source === 'path');
    const b = resolveServer(lookup(['C:\\ext\\server\\gonotes.exe'], { platform: 'win32', extensionPath: 'C:\\ext' }));
    assert.ok(b.ok && b.source === 'bundled');
  });
});

describe('expandPath', () => {
  it('expands ~ alone and ~/', () => {
    assert.equal(expandPath('~', '/h', 'linux'), '/h');
    assert.equal(expandPath('~/a/b', '/h/', 'linux'), '/h/a/b');
  });
  it('leaves absolute paths alone and joins relative ones to the base', () => {
    assert.equal(expandPath('/a', '/h', 'linux', '/ws'), '/a');
    assert.equal(expandPath('./a', '/h', 'linux', '/ws/'), '/ws/a');
    assert.equal(expandPath('a', '/h', 'linux'), 'a');
  });
});
