// Finding the gonotes server binary. A pure function: everything it looks at comes in through
// `ServerLookup`, so it is unit tested without VS Code or a file system.
//
// Order: env GONOTES_SERVER → setting gonotes.server.path → the binary bundled in the extension
// (server/gonotes) → `gonotes` on PATH. A path that the user set explicitly (the variable or the
// setting) and that is wrong is an error, not a silent fall-through to some other binary.

export type ServerSource = 'env' | 'setting' | 'bundled' | 'path';

export interface ServerLookup {
  /** process.env.GONOTES_SERVER */
  envPath?: string;
  /** the gonotes.server.path setting */
  settingPath?: string;
  /** the extension's install folder (context.extensionPath) */
  extensionPath: string;
  /** the first workspace folder's path, to resolve a relative setting against */
  workspaceFolder?: string;
  /** the user's home folder, to expand `~` */
  homeDir: string;
  /** process.env.PATH */
  pathEnv?: string;
  /** process.platform */
  platform: string;
  /** true when the path names an existing regular file (symlinks followed) */
  isFile: (path: string) => boolean;
}

export type ServerResolution =
  | { ok: true; path: string; source: ServerSource; tried: string[] }
  | { ok: false; message: string; tried: string[] };

const SETTING = 'gonotes.server.path';

function isAbsolute(p: string, platform: string): boolean {
  if (platform === 'win32') {
    return /^[a-zA-Z]:[\\/]/.test(p) || p.startsWith('\\\\') || p.startsWith('/');
  }
  return p.startsWith('/');
}

function join(platform: string, ...parts: string[]): string {
  const sep = platform === 'win32' ? '\\' : '/';
  return parts
    .filter((p) => p.length > 0)
    .map((p, i) => (i === 0 ? p.replace(/[\\/]+$/, '') : p.replace(/^[\\/]+|[\\/]+$/g, '')))
    .join(sep);
}

/** Expands a leading `~` and makes a relative path absolute against `base` (when there is one). */
export function expandPath(p: string, homeDir: string, platform: string, base?: string): string {
  let out = p.trim();
  if (out === '~') {
    out = homeDir;
  } else if (out.startsWith('~/') || (platform === 'win32' && out.startsWith('~\\'))) {
    out = join(platform, homeDir, out.slice(2));
  }
  if (!isAbsolute(out, platform) && base !== undefined && base.length > 0) {
    out = join(platform, base, out.replace(/^\.[\\/]/, ''));
  }
  return out;
}

export function binaryName(platform: string): string {
  return platform === 'win32' ? 'gonotes.exe' : 'gonotes';
}

export function resolveServer(lookup: ServerLookup): ServerResolution {
  const { platform } = lookup;
  const tried: string[] = [];
  const exe = binaryName(platform);

  const env = lookup.envPath?.trim();
  if (env) {
    const p = expandPath(env, lookup.homeDir, platform);
    tried.push(`GONOTES_SERVER=${p}`);
    if (lookup.isFile(p)) {
      return { ok: true, path: p, source: 'env', tried };
    }
    return {
      ok: false,
      tried,
      message:
        `gonotes: the environment variable GONOTES_SERVER is set to "${env}", but there is no file there. ` +
        `Fix: point GONOTES_SERVER at the gonotes binary (for example target/release/gonotes after ` +
        `\`cargo build --release\`), or unset it to use the setting "${SETTING}", the bundled server or PATH.`,
    };
  }

  const setting = lookup.settingPath?.trim();
  if (setting) {
    const p = expandPath(setting, lookup.homeDir, platform, lookup.workspaceFolder);
    tried.push(`${SETTING}=${p}`);
    if (lookup.isFile(p)) {
      return { ok: true, path: p, source: 'setting', tried };
    }
    return {
      ok: false,
      tried,
      message:
        `gonotes: the setting "${SETTING}" is "${setting}", but there is no file at ${p}. ` +
        `Fix: set "${SETTING}" to the full path of the gonotes binary, or clear it to use the bundled server or PATH.`,
    };
  }

  const bundled = join(platform, lookup.extensionPath, 'server', exe);
  tried.push(`bundled ${bundled}`);
  if (lookup.isFile(bundled)) {
    return { ok: true, path: bundled, source: 'bundled', tried };
  }

  const delimiter = platform === 'win32' ? ';' : ':';
  const dirs = (lookup.pathEnv ?? '').split(delimiter).filter((d) => d.length > 0);
  for (const dir of dirs) {
    const p = join(platform, dir, exe);
    if (lookup.isFile(p)) {
      tried.push(`PATH ${p}`);
      return { ok: true, path: p, source: 'path', tried };
    }
  }
  tried.push(`${exe} on PATH (${dirs.length} folders)`);
  return {
    ok: false,
    tried,
    message:
      `gonotes: cannot find the gonotes server: GONOTES_SERVER and "${SETTING}" are not set, this extension ` +
      `has no bundled server (server/${exe}) and "${exe}" is not on PATH. ` +
      `Fix: install the .vsix built for your platform (it bundles the server), or build the server with ` +
      `\`cargo build --release\` and set "${SETTING}" to target/release/${exe} (or put it on PATH).`,
  };
}
