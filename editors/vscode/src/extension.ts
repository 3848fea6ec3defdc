// The gonotes VS Code extension: starts `gonotes lsp` (see docs/protocol.md) for Go and Markdown
// files, passes it the `gonotes.*` settings, and adds note search, "open note for symbol", a
// status bar item and the usual restart / log commands. Hover, completion, code actions and
// definition come straight from vscode-languageclient.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as vscode from 'vscode';
import {
  DidChangeConfigurationNotification,
  LanguageClient,
  RevealOutputChannelOn,
  State,
  WorkspaceSymbolRequest,
  type ConfigurationParams,
  type LanguageClientOptions,
  type ServerOptions,
  type TextDocumentPositionParams,
} from 'vscode-languageclient/node';
import { registerCapture } from './capture';
import { NOTES_AT, STATUS, type NoteAt } from './lsp_ext';
import { notePick, symbolPick, type NotePick, type SymbolLike } from './picks';
import { resolveServer } from './serverPath';
import { serverSettings, type ServerSettings } from './settings';
import { statusView, type GonotesStatus } from './status';

const SECTION = 'gonotes';

let client: LanguageClient | undefined;
let starting: Promise<void> | undefined;
let log: vscode.LogOutputChannel;
let statusItem: vscode.StatusBarItem;
let extensionPath = '';

function currentSettings(): ServerSettings {
  const cfg = vscode.workspace.getConfiguration(SECTION);
  return serverSettings((key) => cfg.get(key));
}

function setStatus(text: string, tooltip: string): void {
  statusItem.text = text;
  statusItem.tooltip = tooltip;
  statusItem.show();
}

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

/** The zip in a .vsix may lose the executable bit on some systems; put it back on the bundled server. */
function ensureExecutable(p: string): void {
  if (process.platform === 'win32') {
    return;
  }
  try {
    fs.accessSync(p, fs.constants.X_OK);
  } catch {
    try {
      fs.chmodSync(p, 0o755);
      log.info(`made ${p} executable`);
    } catch (err) {
      log.warn(`cannot make ${p} executable: ${String(err)}`);
    }
  }
}

async function showStartError(message: string): Promise<void> {
  log.error(message);
  const openSettings = 'Open Settings';
  const showLog = 'Show Log';
  const choice = await vscode.window.showErrorMessage(message, openSettings, showLog);
  if (choice === openSettings) {
    await vscode.commands.executeCommand('workbench.action.openSettings', 'gonotes.server.path');
  } else if (choice === showLog) {
    log.show(true);
  }
}

function makeClient(serverPath: string): LanguageClient {
  const serverOptions: ServerOptions = {
    command: serverPath,
    // No `transport`: TransportKind.stdio would append `--stdio`, which `gonotes lsp` refuses;
    // without it the client still talks over the process's stdin/stdout.
    args: ['lsp'],
    options: { env: { ...process.env } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'go' },
      { scheme: 'untitled', language: 'go' },
      { scheme: 'file', language: 'markdown' },
      { scheme: 'untitled', language: 'markdown' },
    ],
    initializationOptions: () => currentSettings(),
    synchronize: { configurationSection: SECTION },
    outputChannel: log,
    revealOutputChannelOn: RevealOutputChannelOn.Never,
    middleware: {
      workspace: {
        // Answer workspace/configuration for `gonotes` in the contract's shape, nothing more.
        configuration: async (params: ConfigurationParams, token, next) => {
          const answer = await next(params, token);
          if (!Array.isArray(answer)) {
            return answer;
          }
          return params.items.map((item, i) =>
            item.section === SECTION ? currentSettings() : (answer[i] as unknown),
          );
        },
        // Push `{ settings: { gonotes: {...} } }` in the contract's shape on every change.
        didChangeConfiguration: async (sections, next) => {
          if (sections !== undefined && sections.includes(SECTION) && client !== undefined) {
            await client.sendNotification(DidChangeConfigurationNotification.type, {
              settings: { [SECTION]: currentSettings() },
            });
            return;
          }
          await next(sections);
        },
      },
    },
  };
  const c = new LanguageClient('gonotes', 'gonotes', serverOptions, clientOptions);
  c.onNotification(STATUS, (s: GonotesStatus) => {
    const view = statusView(s);
    setStatus(view.text, view.tooltip);
    log.info(`status: ${JSON.stringify(s)}`);
  });
  c.onDidChangeState((e) => {
    if (e.newState === State.Starting) {
      setStatus('$(sync~spin) gonotes', 'gonotes: starting the server…');
    } else if (e.newState === State.Stopped) {
      setStatus('$(circle-slash) gonotes', 'gonotes: the server is stopped. Click to show the log.');
    }
  });
  return c;
}

async function startClient(): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  const resolution = resolveServer({
    envPath: process.env.GONOTES_SERVER,
    settingPath: vscode.workspace.getConfiguration(SECTION).get<string>('server.path'),
    extensionPath,
    workspaceFolder: folder?.uri.scheme === 'file' ? folder.uri.fsPath : undefined,
    homeDir: os.homedir(),
    pathEnv: process.env.PATH,
    platform: process.platform,
    isFile,
  });
  log.info(`server lookup: ${resolution.tried.join('; ')}`);
  if (!resolution.ok) {
    setStatus('$(error) gonotes', `${resolution.message}\nClick to show the log.`);
    void showStartError(resolution.message);
    return;
  }
  if (resolution.source === 'bundled') {
    ensureExecutable(resolution.path);
  }
  log.info(`starting ${resolution.path} lsp (from ${resolution.source})`);
  const c = makeClient(resolution.path);
  client = c;
  try {
    await c.start();
  } catch (err) {
    setStatus('$(error) gonotes', 'gonotes: the server failed to start. Click to show the log.');
    void showStartError(`gonotes: the server ${resolution.path} failed to start: ${String(err)}`);
  }
}

async function stopClient(): Promise<void> {
  const c = client;
  client = undefined;
  if (c === undefined) {
    return;
  }
  try {
    if (c.isRunning()) {
      await c.stop(5000);
    }
  } catch (err) {
    log.warn(`stopping the server: ${String(err)}`);
  }
  await c.dispose().catch(() => undefined);
}

function restart(): Promise<void> {
  const run = async (): Promise<void> => {
    await starting?.catch(() => undefined);
    await stopClient();
    await startClient();
  };
  starting = run();
  return starting;
}

/** The running client, waiting for a start in progress; undefined (after telling the user) when none. */
async function runningClient(): Promise<LanguageClient | undefined> {
  await starting?.catch(() => undefined);
  if (client !== undefined && client.isRunning()) {
    return client;
  }
  const restartItem = 'Restart Server';
  const choice = await vscode.window.showErrorMessage(
    'gonotes: the server is not running (see the gonotes log).',
    restartItem,
    'Show Log',
  );
  if (choice === restartItem) {
    await restart();
  } else if (choice === 'Show Log') {
    log.show(true);
  }
  return undefined;
}

async function openPick(pick: NotePick): Promise<void> {
  const uri = vscode.Uri.parse(pick.uri);
  const doc = await vscode.workspace.openTextDocument(uri);
  if (pick.range === undefined) {
    await vscode.window.showTextDocument(doc, { preview: true });
    return;
  }
  const start = new vscode.Position(pick.range.start.line, pick.range.start.character);
  const editor = await vscode.window.showTextDocument(doc, { preview: true, selection: new vscode.Range(start, start) });
  editor.revealRange(new vscode.Range(start, start), vscode.TextEditorRevealType.AtTop);
}

type PickItem = vscode.QuickPickItem & { pick: NotePick };

function toItem(pick: NotePick): PickItem {
  // The server already matched the query (headings, keys, text, Chinese too): never let the quick
  // pick hide a row because its own fuzzy filter does not see the words in the label.
  return { label: pick.label, description: pick.description, detail: pick.detail, alwaysShow: true, pick };
}

async function searchNotes(): Promise<void> {
  const c = await runningClient();
  if (c === undefined) {
    return;
  }
  const qp = vscode.window.createQuickPick<PickItem>();
  qp.title = 'gonotes: Search Notes';
  qp.placeholder = 'Type to search your notes: headings, keys or text';
  qp.matchOnDescription = true;
  qp.matchOnDetail = true;
  let cts: vscode.CancellationTokenSource | undefined;
  let timer: NodeJS.Timeout | undefined;
  const query = (q: string): void => {
    cts?.cancel();
    cts?.dispose();
    const source = new vscode.CancellationTokenSource();
    cts = source;
    qp.busy = true;
    c.sendRequest(WorkspaceSymbolRequest.type, { query: q }, source.token).then(
      (result) => {
        if (source.token.isCancellationRequested) {
          return;
        }
        qp.items = ((result ?? []) as SymbolLike[]).map((s) => toItem(symbolPick(s)));
        qp.busy = false;
      },
      (err: unknown) => {
        if (!source.token.isCancellationRequested) {
          log.warn(`workspace/symbol "${q}": ${String(err)}`);
          qp.busy = false;
        }
      },
    );
  };
  qp.onDidChangeValue((value) => {
    if (timer !== undefined) {
      clearTimeout(timer);
    }
    // Rows answering an older query must not linger (nor be picked) while the new one runs.
    cts?.cancel();
    qp.items = [];
    qp.busy = true;
    timer = setTimeout(() => query(value), 100);
  });
  qp.onDidAccept(() => {
    const chosen = qp.selectedItems[0] ?? qp.activeItems[0];
    qp.hide();
    if (chosen !== undefined) {
      openPick(chosen.pick).catch((err: unknown) => void showStartError(`gonotes: cannot open the note: ${String(err)}`));
    }
  });
  qp.onDidHide(() => {
    if (timer !== undefined) {
      clearTimeout(timer);
    }
    cts?.cancel();
    cts?.dispose();
    qp.dispose();
  });
  qp.show();
  query('');
}

async function openNoteForSymbol(): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (editor === undefined) {
    void vscode.window.showInformationMessage('gonotes: put the cursor on a Go symbol first.');
    return;
  }
  const c = await runningClient();
  if (c === undefined) {
    return;
  }
  const params: TextDocumentPositionParams = c.code2ProtocolConverter.asTextDocumentPositionParams(
    editor.document,
    editor.selection.active,
  );
  const notes = (await c.sendRequest<NoteAt[] | null>(NOTES_AT, params)) ?? [];
  if (notes.length === 0) {
    const word = editor.document.getText(editor.document.getWordRangeAtPosition(editor.selection.active));
    void vscode.window.showInformationMessage(
      word ? `gonotes: no note about "${word}".` : 'gonotes: no note about the symbol at the cursor.',
    );
    return;
  }
  if (notes.length === 1) {
    await openPick(notePick(notes[0]));
    return;
  }
  const chosen = await vscode.window.showQuickPick(
    notes.map((n) => toItem(notePick(n))),
    { title: 'gonotes: notes about this symbol', matchOnDescription: true },
  );
  if (chosen !== undefined) {
    await openPick(chosen.pick);
  }
}

export function activate(context: vscode.ExtensionContext): void {
  extensionPath = context.extensionPath;
  log = vscode.window.createOutputChannel('gonotes', { log: true });
  statusItem = vscode.window.createStatusBarItem('gonotes.status', vscode.StatusBarAlignment.Right, 100);
  statusItem.name = 'gonotes';
  statusItem.command = 'gonotes.showLog';
  setStatus('$(sync~spin) gonotes', 'gonotes: starting the server…');
  context.subscriptions.push(
    log,
    statusItem,
    vscode.commands.registerCommand('gonotes.searchNotes', searchNotes),
    vscode.commands.registerCommand('gonotes.openNoteForSymbol', openNoteForSymbol),
    registerCapture(runningClient, log),
    vscode.commands.registerCommand('gonotes.restartServer', restart),
    vscode.commands.registerCommand('gonotes.showLog', () => log.show(true)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('gonotes.server.path')) {
        log.info('gonotes.server.path changed: restarting the server');
        void restart();
      }
    }),
    { dispose: () => void stopClient() },
  );
  // Not awaited: activation does not wait for the server; commands wait for `starting` instead.
  starting = startClient();
}

export async function deactivate(): Promise<void> {
  await stopClient();
}
