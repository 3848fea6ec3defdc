// gonotes' own protocol, mirroring the server's src/lsp/ext.rs field for field: the
// `gonotes/notesAt` request, the `gonotes/status` notification, the completion items' `data`,
// the arguments and results of `gonotes.openNote` and `gonotes.capture`, and the configuration
// (settings.ts's `ServerSettings`). Each interface has a
// shape beside it that the compiler holds to the interface (every field, no other, its kind);
// test/lsp_ext.test.ts checks the shapes against the examples in docs/protocol.md, which the
// server's tests/protocol.rs checks against the Rust types. Pure: no VS Code here.

export interface Position {
  line: number;
  character: number;
}
export interface Range {
  start: Position;
  end: Position;
}

/** `gonotes/notesAt`: params `TextDocumentPositionParams`, result `NoteAt[]` (best first). */
export const NOTES_AT = 'gonotes/notesAt';

/** One note location of a `gonotes/notesAt` result. */
export interface NoteAt {
  /** `<name> — <note> › <heading> › …`: `sync.Once — go-study-notes.md › Go rountine › Sync › sync.Once` */
  title: string;
  uri: string;
  range: Range;
}

/** The separator between the name and the place in `NoteAt.title`. */
export const TITLE_DASH = ' — ';

/** `gonotes/status`, server → client. */
export const STATUS = 'gonotes/status';

export const INDEX_STATES = ['indexing', 'ready'] as const;
export type IndexState = (typeof INDEX_STATES)[number];

export interface StatusParams {
  state: IndexState;
  notes: number;
  sections: number;
  skipped: number;
  message: string;
}

/** The `data` of a member completion item. */
export interface CompletionData {
  key: string;
}

export const OPEN_NOTE = 'gonotes.openNote';
/** `gonotes.openNote`'s arguments: the note's URI and the 0-based line. */
export type OpenNoteArgs = [uri: string, line: number];

export const CAPTURE = 'gonotes.capture';
/** `gonotes.capture`'s one argument. */
export interface CaptureArgs {
  uri: string;
  range: Range;
  comment?: string;
}

/** What `gonotes.capture` answers when it wrote or sent the capture (`null` when it refused). */
export interface CaptureResult {
  uri: string;
  title?: string;
}

import type { ServerSettings } from './settings';

/** A JSON value's kind as a shape names it; `?` marks an optional field. */
type Base<V> = V extends string ? 'string' : V extends number ? 'number' : V extends boolean ? 'boolean' : 'object';
export type Kind<V> = undefined extends V ? `${Base<Exclude<V, undefined>>}?` : Base<V>;
/** Every field of `T` with its kind, and no other field: anything else does not compile. */
export type Shape<T> = { [K in keyof T]-?: Kind<T[K]> };

/** The shapes of the types that go over the wire, by the names docs/protocol.md gives them. */
export const WIRE_TYPES = {
  NoteAt: { title: 'string', uri: 'string', range: 'object' } satisfies Shape<NoteAt>,
  StatusParams: {
    state: 'string',
    notes: 'number',
    sections: 'number',
    skipped: 'number',
    message: 'string',
  } satisfies Shape<StatusParams>,
  CompletionData: { key: 'string' } satisfies Shape<CompletionData>,
  OpenNoteArgs: ['string', 'number'] satisfies Shape<OpenNoteArgs>,
  CaptureArgs: { uri: 'string', range: 'object', comment: 'string?' } satisfies Shape<CaptureArgs>,
  CaptureResult: { uri: 'string', title: 'string?' } satisfies Shape<CaptureResult>,
  Config: {
    notes: 'object',
    definition: 'boolean',
    aliases: 'object',
    maxNoteBytes: 'number',
  } satisfies Shape<ServerSettings>,
  NotesConfig: { paths: 'object', builtin: 'boolean', inbox: 'string' } satisfies Shape<ServerSettings['notes']>,
} as const;

/** The values a field may take, where the protocol names them. */
export const ENUMS: Record<string, Record<string, readonly string[]>> = {
  StatusParams: { state: INDEX_STATES },
};
