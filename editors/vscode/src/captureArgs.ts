// "gonotes: Add Selection to Notes": the argument of the server's `gonotes.capture` command
// and how its answer is read (docs/protocol.md, *Capture*). Pure: no VS Code here.
import { CAPTURE, type CaptureArgs, type Range as Rng } from './lsp_ext';

/** The server command the editor command runs through `workspace/executeCommand`. */
export const CAPTURE_COMMAND = CAPTURE;

/** The one argument of `gonotes.capture` (the protocol's `CaptureArgs`, lsp_ext.ts). */
export type CaptureArgument = CaptureArgs;

/** A selection as VS Code gives it (0-based, characters in UTF-16 code units). */
export interface SelectionLike {
  start: { line: number; character: number };
  end: { line: number; character: number };
}

/**
 * What the user typed in the comment box, as the one line the note gets: line breaks and runs
 * of blanks become one space; nothing (or only blanks) is no comment.
 */
export function commentLine(typed: string): string | undefined {
  const line = typed.replace(/\s+/g, ' ').trim();
  return line.length > 0 ? line : undefined;
}

/**
 * The range to capture: the selection, or, when nothing is selected, the whole line of the
 * cursor (as copy and cut do without a selection). `lineLength(n)` is the length of line `n`.
 */
export function captureRange(selection: SelectionLike, lineLength: (line: number) => number): Rng {
  const { start, end } = selection;
  if (start.line === end.line && start.character === end.character) {
    return { start: { line: start.line, character: 0 }, end: { line: start.line, character: lineLength(start.line) } };
  }
  // fields read one by one: VS Code's Position keeps them behind getters, which a spread misses
  return { start: { line: start.line, character: start.character }, end: { line: end.line, character: end.character } };
}

export function captureArgument(uri: string, range: Rng, comment: string | undefined): CaptureArgument {
  return comment === undefined ? { uri, range } : { uri, range, comment };
}

/** What the answer to `gonotes.capture` says happened. */
export type CaptureOutcome =
  /** Refused: the server has told the user why (`window/showMessage`); nothing was written. */
  | { kind: 'refused' }
  /** The server wrote the note itself and said so. */
  | { kind: 'written'; uri: string; title: string }
  /** The server asked the editor to apply the edit (`workspace/applyEdit`) to this note. */
  | { kind: 'applying'; uri: string };

export function captureOutcome(answer: unknown): CaptureOutcome {
  if (answer === null || typeof answer !== 'object') {
    return { kind: 'refused' };
  }
  const { uri, title } = answer as { uri?: unknown; title?: unknown };
  if (typeof uri !== 'string' || uri.length === 0) {
    return { kind: 'refused' };
  }
  if (typeof title === 'string') {
    return { kind: 'written', uri, title };
  }
  return { kind: 'applying', uri };
}
