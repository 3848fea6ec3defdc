import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { serverSettings } from '../src/settings';

describe('serverSettings', () => {
  it('has the contract shape with its defaults when nothing is set', () => {
    assert.deepEqual(serverSettings(() => undefined), { notes: { paths: [], builtin: true }, definition: false });
  });

  it('passes the values through', () => {
    const values: Record<string, unknown> = {
      'notes.paths': ['~/notes', 'docs/notes'],
      'notes.builtin': false,
      definition: true,
    };
    assert.deepEqual(serverSettings((k) => values[k]), {
      notes: { paths: ['~/notes', 'docs/notes'], builtin: false },
      definition: true,
    });
  });

  it('drops what is not a string path and ignores wrongly typed values', () => {
    const values: Record<string, unknown> = { 'notes.paths': ['a', 3, '', ' ', null], 'notes.builtin': 'no', definition: 1 };
    assert.deepEqual(serverSettings((k) => values[k]), { notes: { paths: ['a'], builtin: true }, definition: false });
  });
});
