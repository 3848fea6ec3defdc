import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { statusView } from '../src/status';

describe('statusView', () => {
  it('shows the note count when ready', () => {
    const v = statusView({ state: 'ready', notes: 12, sections: 340, skipped: 0 });
    assert.equal(v.text, '$(book) 12 notes');
    assert.match(v.tooltip, /12 notes, 340 sections/);
    assert.doesNotMatch(v.tooltip, /skipped/);
  });
  it('says 1 note, not 1 notes', () => {
    assert.equal(statusView({ state: 'ready', notes: 1, sections: 1 }).text, '$(book) 1 note');
  });
  it('spins while indexing', () => {
    assert.equal(statusView({ state: 'indexing', notes: 0 }).text, '$(sync~spin) indexing…');
  });
  it('puts skipped files and the message in the tooltip', () => {
    const v = statusView({ state: 'ready', notes: 2, sections: 5, skipped: 3, message: 'a.md: not UTF-8' });
    assert.match(v.tooltip, /3 files skipped/);
    assert.match(v.tooltip, /a\.md: not UTF-8/);
  });
});
