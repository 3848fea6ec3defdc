import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileName, notePick, symbolPick } from '../src/picks';

const range = { start: { line: 41, character: 0 }, end: { line: 41, character: 12 } };

describe('picks', () => {
  it('names files from URIs, decoded', () => {
    assert.equal(fileName('file:///a/b/go%20notes.md'), 'go notes.md');
    assert.equal(fileName('file:///a/%E7%AC%94%E8%AE%B0.md#L3'), '笔记.md');
  });
  it('makes a row from a SymbolInformation', () => {
    const p = symbolPick({ name: 'sync.Mutex 互斥锁', containerName: 'go-study-notes.md › Sync', location: { uri: 'file:///n/go-study-notes.md', range } });
    assert.deepEqual(p, {
      label: 'sync.Mutex 互斥锁',
      description: 'go-study-notes.md › Sync',
      detail: 'go-study-notes.md:42',
      uri: 'file:///n/go-study-notes.md',
      range,
    });
  });
  it('makes a row from a WorkspaceSymbol without a range', () => {
    const p = symbolPick({ name: 'x', location: { uri: 'file:///n/a.md' } });
    assert.equal(p.detail, 'a.md');
    assert.equal(p.range, undefined);
    assert.equal(p.description, undefined);
  });
  it('splits a notesAt title at the dash', () => {
    const p = notePick({ title: 'sync.Once — go-study-notes.md › Go rountine › Sync › sync.Once', uri: 'file:///c/go-study-notes.md', range });
    assert.equal(p.label, 'sync.Once');
    assert.equal(p.description, 'go-study-notes.md › Go rountine › Sync › sync.Once');
    assert.equal(p.detail, 'go-study-notes.md:42');
    assert.equal(notePick({ title: 'plain', uri: 'file:///c/a.md', range }).label, 'plain');
  });
});
