// "gonotes: Add Selection to Notes": asks for an optional one-line comment, then runs the
// server's `gonotes.capture` with `{ uri, range, comment }` (docs/protocol.md, *Capture*).
// The server decides where the code goes and either writes the note itself or sends the edit
// as `workspace/applyEdit`; in that case the note is saved here once the edit is in, unless it
// had unsaved changes of the user's before (those stay the user's to save).
import * as vscode from 'vscode';
import { ExecuteCommandRequest, type LanguageClient } from 'vscode-languageclient/node';
import { CAPTURE_COMMAND, captureArgument, captureOutcome, captureRange, commentLine } from './captureArgs';
import { fileName } from './picks';

export const ADD_SELECTION_TO_NOTES = 'gonotes.addSelectionToNotes';
const TITLE = 'gonotes: Add Selection to Notes';
/** How long to wait for the editor to apply the server's edit before leaving the note as it is. */
const APPLY_WAIT_MS = 5000;

function errorText(err: unknown): string {
  if (err instanceof Error) {
    return err.message;
  }
  if (err !== null && typeof err === 'object' && typeof (err as { message?: unknown }).message === 'string') {
    return (err as { message: string }).message;
  }
  return String(err);
}

/** Resolves when a document whose URI string is `uri` changes (or changed already), or after `ms`. */
function changeOf(seen: Set<string>, uri: string, ms: number): Promise<boolean> {
  if (seen.has(uri)) {
    return Promise.resolve(true);
  }
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      sub.dispose();
      resolve(seen.has(uri));
    }, ms);
    const sub = vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document.uri.toString() === uri && e.contentChanges.length > 0) {
        clearTimeout(timer);
        sub.dispose();
        resolve(true);
      }
    });
  });
}

async function openNote(uri: vscode.Uri): Promise<void> {
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(doc, { preview: true });
}

async function addSelectionToNotes(
  runningClient: () => Promise<LanguageClient | undefined>,
  log: vscode.LogOutputChannel,
): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (editor === undefined) {
    void vscode.window.showInformationMessage('gonotes: open a Go file and select the code to add to your notes.');
    return;
  }
  const c = await runningClient();
  if (c === undefined) {
    return;
  }
  const doc = editor.document;
  const range = captureRange(editor.selection, (line) => doc.lineAt(line).text.length);
  const code = doc.getText(new vscode.Range(range.start.line, range.start.character, range.end.line, range.end.character));
  // Nothing to ask a comment for when the server is going to refuse the code anyway: it says why.
  let comment: string | undefined;
  if (doc.languageId === 'go' && code.trim().length > 0) {
    const typed = await vscode.window.showInputBox({
      title: TITLE,
      prompt: 'A one-line comment to write with the code (optional).',
      placeHolder: 'what this code shows (optional)',
    });
    if (typed === undefined) {
      log.info('capture cancelled: nothing written');
      return;
    }
    comment = commentLine(typed);
  }
  const argument = captureArgument(c.code2ProtocolConverter.asUri(doc.uri), range, comment);

  // Which documents had unsaved changes before, and which change while the server works.
  const dirtyBefore = new Set(vscode.workspace.textDocuments.filter((d) => d.isDirty).map((d) => d.uri.toString()));
  const changed = new Set<string>();
  const watch = vscode.workspace.onDidChangeTextDocument((e) => {
    if (e.contentChanges.length > 0) {
      changed.add(e.document.uri.toString());
    }
  });
  try {
    let answer: unknown;
    try {
      answer = await c.sendRequest(ExecuteCommandRequest.type, { command: CAPTURE_COMMAND, arguments: [argument] });
    } catch (err) {
      log.error(`${CAPTURE_COMMAND}: ${errorText(err)}`);
      void vscode.window.showErrorMessage(`gonotes: the capture failed: ${errorText(err)}`);
      return;
    }
    const outcome = captureOutcome(answer);
    log.info(`${CAPTURE_COMMAND}: ${JSON.stringify(outcome)}`);
    // refused: the server has shown why; written: the server wrote the note and said so
    if (outcome.kind !== 'applying') {
      return;
    }
    const note = c.protocol2CodeConverter.asUri(outcome.uri);
    const key = note.toString();
    if (!(await changeOf(changed, key, APPLY_WAIT_MS))) {
      // a refused edit is reported by the server; anything else is only logged
      log.warn(`the capture's edit to ${key} did not arrive within ${APPLY_WAIT_MS} ms`);
      return;
    }
    const name = fileName(outcome.uri);
    const noteDoc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === key);
    let message = `gonotes: added to ${name}`;
    if (dirtyBefore.has(key)) {
      message += ' (not saved: it has other unsaved changes)';
    } else if (noteDoc !== undefined && !(await noteDoc.save())) {
      message += ' (not saved)';
    }
    const open = 'Open Note';
    void vscode.window.showInformationMessage(message, open).then((choice) => {
      if (choice === open) {
        openNote(note).catch((err: unknown) => log.warn(`opening ${key}: ${errorText(err)}`));
      }
    });
  } finally {
    watch.dispose();
  }
}

/** Registers "gonotes: Add Selection to Notes". */
export function registerCapture(
  runningClient: () => Promise<LanguageClient | undefined>,
  log: vscode.LogOutputChannel,
): vscode.Disposable {
  return vscode.commands.registerCommand(ADD_SELECTION_TO_NOTES, () => addSelectionToNotes(runningClient, log));
}
