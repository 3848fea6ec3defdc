// What the status bar item says, from the server's `gonotes/status` notification.

import type { StatusParams } from './lsp_ext';

/** The notification's params as they may come: a newer server's state is shown as it is. */
export type GonotesStatus = Omit<Partial<StatusParams>, 'state'> & { state: string };

export interface StatusView {
  text: string;
  tooltip: string;
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function statusView(s: GonotesStatus): StatusView {
  const notes = s.notes ?? 0;
  const lines: string[] = [];
  if (s.state === 'ready') {
    lines.push(`gonotes: ${plural(notes, 'note', 'notes')}, ${plural(s.sections ?? 0, 'section', 'sections')}`);
  } else if (s.state === 'indexing') {
    lines.push('gonotes: indexing notes…');
  } else {
    lines.push(`gonotes: ${s.state}`);
  }
  if (s.skipped) {
    lines.push(`${plural(s.skipped, 'file', 'files')} skipped`);
  }
  if (s.message) {
    lines.push(s.message);
  }
  lines.push('Click to show the log.');
  const tooltip = lines.join('\n');
  if (s.state === 'ready') {
    return { text: `$(book) ${plural(notes, 'note', 'notes')}`, tooltip };
  }
  if (s.state === 'indexing') {
    return { text: '$(sync~spin) indexing…', tooltip };
  }
  return { text: `$(book) ${s.state}`, tooltip };
}
