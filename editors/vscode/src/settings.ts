// The settings the server receives, in the one shape the contract (docs/protocol.md) uses for
// initializationOptions, workspace/configuration and workspace/didChangeConfiguration:
//   { "notes": { "paths": [...], "builtin": true, "inbox": "" }, "definition": false,
//     "aliases": { "word": "key" }, "maxNoteBytes": 8388608 }

export interface ServerSettings {
  /** `inbox`: the note captures go to; "" is the server's default (`inbox.md` in the first notes folder). */
  notes: { paths: string[]; builtin: boolean; inbox: string };
  definition: boolean;
  aliases: Record<string, string>;
  maxNoteBytes: number;
}

const DEFAULT_MAX_NOTE_BYTES = 8 * 1024 * 1024;

/** `get(key)` reads a key under the `gonotes` section, e.g. `notes.paths`. */
export function serverSettings(get: (key: string) => unknown): ServerSettings {
  const paths = get('notes.paths');
  const builtin = get('notes.builtin');
  const inbox = get('notes.inbox');
  const definition = get('definition');
  const aliases = get('aliases');
  const maxNoteBytes = get('maxNoteBytes');
  return {
    notes: {
      paths: Array.isArray(paths)
        ? paths.filter((p): p is string => typeof p === 'string' && p.trim().length > 0)
        : [],
      builtin: typeof builtin === 'boolean' ? builtin : true,
      // always sent, "" included: the server merges what it gets, so a cleared setting must arrive
      inbox: typeof inbox === 'string' ? inbox.trim() : '',
    },
    definition: typeof definition === 'boolean' ? definition : false,
    aliases:
      aliases !== null && typeof aliases === 'object' && !Array.isArray(aliases)
        ? Object.fromEntries(
            Object.entries(aliases as Record<string, unknown>).filter(
              (e): e is [string, string] => typeof e[1] === 'string' && e[0].trim().length > 0,
            ),
          )
        : {},
    maxNoteBytes:
      typeof maxNoteBytes === 'number' && Number.isFinite(maxNoteBytes) && maxNoteBytes >= 1
        ? Math.floor(maxNoteBytes)
        : DEFAULT_MAX_NOTE_BYTES,
  };
}
