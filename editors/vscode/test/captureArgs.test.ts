import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { captureArgument, captureOutcome, captureRange, commentLine } from '../src/captureArgs';

describe('commentLine', () => {
  it('keeps a typed comment, trimmed', () => {
    assert.equal(commentLine('  runs the func once '), 'runs the func once');
  });
  it('makes pasted lines one line', () => {
    assert.equal(commentLine('first\nsecond\r\n\tthird'), 'first second third');
  });
  it('is no comment when nothing (or only blanks) was typed', () => {
    assert.equal(commentLine(''), undefined);
    assert.equal(commentLine(' \n\t'), undefined);
  });
  it('keeps Chinese as typed', () => {
    assert.equal(commentLine('只执行一次'), '只执行一次');
  });
});

describe('captureRange', () => {
  const lengths = [12, 0, 20];
  it('is the selection when there is one', () => {
    const sel = { start: { line: 0, character: 3 }, end: { line: 2, character: 5 } };
    assert.deepEqual(captureRange(sel, (l) => lengths[l]), sel);
  });
  it('reads positions through getters, as VS Code gives them', () => {
    class Position {
      constructor(
        private readonly _line: number,
        private readonly _character: number,
      ) {}
      get line(): number {
        return this._line;
      }
      get character(): number {
        return this._character;
      }
    }
    const r = captureRange({ start: new Position(11, 1), end: new Position(14, 0) }, (l) => lengths[l]);
    assert.deepEqual(r, { start: { line: 11, character: 1 }, end: { line: 14, character: 0 } });
  });
  it("is the cursor's whole line without a selection", () => {
    const at = { line: 2, character: 7 };
    assert.deepEqual(captureRange({ start: at, end: at }, (l) => lengths[l]), {
      start: { line: 2, character: 0 },
      end: { line: 2, character: 20 },
    });
  });
  it('is an empty range on an empty line (the server refuses it, saying why)', () => {
    const at = { line: 1, character: 0 };
    const r = captureRange({ start: at, end: at }, (l) => lengths[l]);
    assert.deepEqual(r.start, r.end);
  });
});

describe('captureArgument', () => {
  const range = { start: { line: 1, character: 0 }, end: { line: 3, character: 2 } };
  it('has uri, range and the comment', () => {
    assert.deepEqual(captureArgument('file:///w/main.go', range, 'why'), { uri: 'file:///w/main.go', range, comment: 'why' });
  });
  it('leaves the comment out when there is none', () => {
    const a = captureArgument('file:///w/main.go', range, undefined);
    assert.deepEqual(a, { uri: 'file:///w/main.go', range });
    assert.equal('comment' in a, false);
  });
});

describe('captureOutcome', () => {
  it('null is a refusal (the server has shown the message)', () => {
    assert.deepEqual(captureOutcome(null), { kind: 'refused' });
    assert.deepEqual(captureOutcome(undefined), { kind: 'refused' });
    assert.deepEqual(captureOutcome({}), { kind: 'refused' });
  });
  it('uri and title: the server wrote the note', () => {
    assert.deepEqual(captureOutcome({ uri: 'file:///n/inbox.md', title: 'inbox.md › sync.Once' }), {
      kind: 'written',
      uri: 'file:///n/inbox.md',
      title: 'inbox.md › sync.Once',
    });
  });
  it('uri alone: the editor is applying the edit', () => {
    assert.deepEqual(captureOutcome({ uri: 'file:///n/a.md' }), { kind: 'applying', uri: 'file:///n/a.md' });
  });
});
