// Turning the server's answers into quick pick rows. Pure: no VS Code here.

import { TITLE_DASH, type NoteAt, type Range as Rng } from './lsp_ext';

/** A `workspace/symbol` result: SymbolInformation or WorkspaceSymbol (whose location may lack a range). */
export interface SymbolLike {
  name: string;
  containerName?: string;
  location: { uri: string; range?: Rng };
}

export interface NotePick {
  label: string;
  description?: string;
  detail?: string;
  uri: string;
  range?: Rng;
}

/** The last path segment of a URI, decoded: `file:///a/b/go%20notes.md` → `go notes.md`. */
export function fileName(uri: string): string {
  const path = uri.replace(/[?#].*$/, '');
  const last = path.slice(path.lastIndexOf('/') + 1);
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}

export function symbolPick(s: SymbolLike): NotePick {
  const line = s.location.range ? s.location.range.start.line + 1 : undefined;
  const where = line !== undefined ? `${fileName(s.location.uri)}:${line}` : fileName(s.location.uri);
  return {
    label: s.name,
    description: s.containerName && s.containerName.length > 0 ? s.containerName : undefined,
    detail: where,
    uri: s.location.uri,
    range: s.location.range,
  };
}

/**
 * `sync.Once — go-study-notes.md › Go rountine › Sync › sync.Once` → label `sync.Once`,
 * description the rest; a title without ` — ` is all label.
 */
export function notePick(n: NoteAt): NotePick {
  const dash = n.title.indexOf(TITLE_DASH);
  const label = dash >= 0 ? n.title.slice(0, dash) : n.title;
  const description = dash >= 0 ? n.title.slice(dash + TITLE_DASH.length) : undefined;
  return {
    label,
    description,
    detail: `${fileName(n.uri)}:${n.range.start.line + 1}`,
    uri: n.uri,
    range: n.range,
  };
}
