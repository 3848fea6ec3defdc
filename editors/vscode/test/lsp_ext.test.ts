// The extension's side of the protocol check: every example in docs/protocol.md has exactly the
// fields, kinds and values of its shape in src/lsp_ext.ts (the server's tests/protocol.rs reads
// the same examples into the Rust types).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { ENUMS, WIRE_TYPES } from '../src/lsp_ext';

/** The repository's docs/protocol.md, from editors/vscode (where `npm test` runs) or above. */
function protocolDoc(): string {
  let dir = process.cwd();
  for (let i = 0; i < 5; i++) {
    const p = path.join(dir, 'docs', 'protocol.md');
    if (fs.existsSync(p)) {
      return fs.readFileSync(p, 'utf8');
    }
    dir = path.dirname(dir);
  }
  throw new Error(`no docs/protocol.md above ${process.cwd()}`);
}

/** `<!-- example: NAME -->` then a json block, by name. */
function examples(): Map<string, unknown> {
  const out = new Map<string, unknown>();
  const lines = protocolDoc().split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^\s*<!-- example: (\w+) -->\s*$/.exec(lines[i]);
    if (m === null) {
      continue;
    }
    assert.equal(lines[i + 1]?.trim(), '```json', `a json block after example ${m[1]}`);
    const body: string[] = [];
    for (i += 2; i < lines.length && lines[i].trim() !== '```'; i++) {
      body.push(lines[i]);
    }
    assert(!out.has(m[1]), `two examples named ${m[1]}`);
    out.set(m[1], JSON.parse(body.join('\n')));
  }
  return out;
}

function kindOf(v: unknown): string {
  return v !== null && typeof v === 'object' ? 'object' : typeof v;
}

/** What is wrong with `value` as an example of the wire type `name` (nothing: empty). */
export function problems(name: string, value: unknown): string[] {
  const shape = (WIRE_TYPES as Record<string, Record<string, string> | readonly string[]>)[name];
  if (shape === undefined) {
    return [`${name}: no such type in src/lsp_ext.ts`];
  }
  if (Array.isArray(shape)) {
    if (!Array.isArray(value) || value.length !== shape.length) {
      return [`${name}: expected an array of ${shape.length}, got ${JSON.stringify(value)}`];
    }
    return shape.flatMap((k, i) => (kindOf(value[i]) === k ? [] : [`${name}[${i}]: expected ${k}, got ${kindOf(value[i])}`]));
  }
  if (kindOf(value) !== 'object' || Array.isArray(value)) {
    return [`${name}: expected an object, got ${JSON.stringify(value)}`];
  }
  const fields = value as Record<string, unknown>;
  const out: string[] = [];
  const declared = shape as Record<string, string>;
  for (const k of Object.keys(fields)) {
    if (!(k in declared)) {
      out.push(`${name}: the example has ${k}, src/lsp_ext.ts does not`);
    }
  }
  for (const [k, kind] of Object.entries(declared)) {
    // every field, optional ones too, appears in its example: a renamed one is seen
    if (!(k in fields)) {
      out.push(`${name}: src/lsp_ext.ts has ${k}, the example does not`);
    } else if (kindOf(fields[k]) !== kind.replace(/\?$/, '')) {
      out.push(`${name}.${k}: expected ${kind}, got ${kindOf(fields[k])}`);
    }
  }
  for (const [k, values] of Object.entries(ENUMS[name] ?? {})) {
    if (!values.includes(fields[k] as string)) {
      out.push(`${name}.${k}: ${JSON.stringify(fields[k])} is none of ${values.join(', ')}`);
    }
  }
  return out;
}

describe('protocol types (lsp_ext.ts) against docs/protocol.md', () => {
  const all = examples();
  it('has one example per wire type, and no other', () => {
    assert.deepEqual([...all.keys()].sort(), Object.keys(WIRE_TYPES).sort());
  });
  it('matches every example field for field', () => {
    const found = [...all].flatMap(([name, value]) => problems(name, value));
    assert.deepEqual(found, []);
  });
  it('sees a renamed field and an odd value', () => {
    const noteAt = all.get('NoteAt') as Record<string, unknown>;
    const { uri, ...rest } = noteAt;
    assert.equal(problems('NoteAt', { ...rest, url: uri }).length, 2);
    assert.equal(problems('StatusParams', { ...(all.get('StatusParams') as object), state: 'busy' }).length, 1);
    assert.equal(problems('OpenNoteArgs', ['file:///a.md']).length, 1);
  });
});
