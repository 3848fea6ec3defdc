import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { serverSettings } from '../src/settings';

describe('serverSettings', () => {
  it('has the contract shape with its defaults when nothing is set', () => {
    assert.deepEqual(serverSettings(() => undefined), {
      notes: { paths: [], builtin: true, inbox: '' },
      definition: false,
      aliases: {},
      maxNoteBytes: 8388608,
    });
  });

  it('passes the values through', () => {
    const values: Record<string, unknown> = {
      'notes.paths': ['~/notes', 'docs/notes'],
      'notes.builtin': false,
      'notes.inbox': ' captures/inbox.md ',
      definition: true,
      aliases: { 等待组: 'sync.WaitGroup' },
      maxNoteBytes: 1000,
    };
    assert.deepEqual(serverSettings((k) => values[k]), {
      notes: { paths: ['~/notes', 'docs/notes'], builtin: false, inbox: 'captures/inbox.md' },
      definition: true,
      aliases: { 等待组: 'sync.WaitGroup' },
      maxNoteBytes: 1000,
    });
  });

  it('drops what is not a string path and ignores wrongly typed values', () => {
    const values: Record<string, unknown> = {
      'notes.paths': ['a', 3, '', ' ', null],
      'notes.builtin': 'no',
      'notes.inbox': 7,
      definition: 1,
      aliases: { ok: 'chan', bad: 3 },
      maxNoteBytes: -5,
    };
    assert.deepEqual(serverSettings((k) => values[k]), {
      notes: { paths: ['a'], builtin: true, inbox: '' },
      definition: false,
      aliases: { ok: 'chan' },
      maxNoteBytes: 8388608,
    });
  });
});
