// A tiny LSP client over stdio, to check that a gonotes binary speaks the contract
// (docs/protocol.md) before a whole VS Code is started around it.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

type Json = Record<string, unknown>;

export class LspProcess {
  private readonly proc: ChildProcessWithoutNullStreams;
  private buffer = Buffer.alloc(0);
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  readonly notifications: { method: string; params: unknown }[] = [];
  readonly serverRequests: { method: string; params: unknown }[] = [];
  stderr = '';

  constructor(command: string, env: NodeJS.ProcessEnv) {
    this.proc = spawn(command, ['lsp'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc.stdout.on('data', (chunk: Buffer) => this.onData(chunk));
    this.proc.stderr.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString('utf8');
    });
    this.proc.on('exit', (code, signal) => {
      for (const p of this.pending.values()) {
        p.reject(new Error(`server exited (${code ?? signal}) before answering; stderr:\n${this.stderr.slice(-2000)}`));
      }
      this.pending.clear();
    });
    this.proc.on('error', (err) => {
      for (const p of this.pending.values()) {
        p.reject(err);
      }
      this.pending.clear();
    });
  }

  private send(msg: Json): void {
    const body = Buffer.from(JSON.stringify({ jsonrpc: '2.0', ...msg }), 'utf8');
    this.proc.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
    this.proc.stdin.write(body);
  }

  private onData(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const headerEnd = this.buffer.indexOf('\r\n\r\n');
      if (headerEnd < 0) {
        return;
      }
      const header = this.buffer.subarray(0, headerEnd).toString('ascii');
      const m = /Content-Length:\s*(\d+)/i.exec(header);
      if (!m) {
        throw new Error(`bad LSP header: ${header}`);
      }
      const len = Number(m[1]);
      if (this.buffer.length < headerEnd + 4 + len) {
        return;
      }
      const body = this.buffer.subarray(headerEnd + 4, headerEnd + 4 + len).toString('utf8');
      this.buffer = this.buffer.subarray(headerEnd + 4 + len);
      this.onMessage(JSON.parse(body) as Json);
    }
  }

  private onMessage(msg: Json): void {
    if (typeof msg.method === 'string') {
      if (msg.id !== undefined) {
        this.serverRequests.push({ method: msg.method, params: msg.params });
        // Answer what a client would: configuration (with the defaults), everything else with null.
        const result =
          msg.method === 'workspace/configuration'
            ? ((msg.params as { items: unknown[] }).items ?? []).map(() => ({
                notes: { paths: [], builtin: true },
                definition: false,
              }))
            : null;
        this.send({ id: msg.id, result });
      } else {
        this.notifications.push({ method: msg.method, params: msg.params });
      }
      return;
    }
    const p = this.pending.get(msg.id as number);
    if (p) {
      this.pending.delete(msg.id as number);
      if (msg.error) {
        p.reject(new Error(`LSP error: ${JSON.stringify(msg.error)}`));
      } else {
        p.resolve(msg.result);
      }
    }
  }

  request<T = unknown>(method: string, params: unknown, timeoutMs = 15000): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${method}: no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v as T);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.send({ id, method, params });
    });
  }

  notify(method: string, params: unknown): void {
    this.send({ method, params });
  }

  async waitFor(pred: () => boolean, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (pred()) {
        return true;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    return pred();
  }

  async close(): Promise<void> {
    try {
      await this.request('shutdown', null, 3000);
      this.notify('exit', null);
    } catch {
      // ignored: killed below
    }
    const exited = new Promise<void>((r) => {
      if (this.proc.exitCode !== null || this.proc.signalCode !== null) {
        r();
      } else {
        this.proc.once('exit', () => r());
      }
    });
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  }
}
