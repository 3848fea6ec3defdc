// The settings the server receives, in the one shape the contract (docs/protocol.md) uses for
// initializationOptions, workspace/configuration and workspace/didChangeConfiguration:
//   { "notes": { "paths": [...], "builtin": true }, "definition": false }

export interface ServerSettings {
  notes: { paths: string[]; builtin: boolean };
  definition: boolean;
}

/** `get(key)` reads a key under the `gonotes` section, e.g. `notes.paths`. */
export function serverSettings(get: (key: string) => unknown): ServerSettings {
  const paths = get('notes.paths');
  const builtin = get('notes.builtin');
  const definition = get('definition');
  return {
    notes: {
      paths: Array.isArray(paths)
        ? paths.filter((p): p is string => typeof p === 'string' && p.trim().length > 0)
        : [],
      builtin: typeof builtin === 'boolean' ? builtin : true,
    },
    definition: typeof definition === 'boolean' ? definition : false,
  };
}
