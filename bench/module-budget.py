#!/usr/bin/env python3
"""gonotes' budget for a large Go module: how long after a Go file opens its package and the
module's packages it imports are read (a hover that needs them shows the note), what that costs
in memory, and how fast hovers are then.

Generates a module of 1,000 Go files (49 packages of 20 files, each file a struct type with an
embedded lock, a constructor and methods whose results are types of other packages of the
module; a main package of 20 files importing 12 of them and std packages), starts `gonotes lsp`
with the notes of bench/resolve-notes/, opens one file of the main package and hovers, every
5 ms, a spot whose type is only known from an imported package of the module, until the right
card shows. Then 2,000 hovers over the file's spots.

    python3 bench/module-budget.py --bin target/release/gonotes [--runs 5]

Budgets (issue 11): ready <= 1 s after the file opens, hover p99 <= 1 ms, memory <= +50 MiB.
"""

import argparse
import os
import shutil
import statistics
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import relevance  # noqa: E402  (its LSP client and hover parsing)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NOTES = os.path.join(ROOT, 'bench', 'resolve-notes')
PACKAGES, FILES = 49, 20
IMPORTED = 12


def gen_file(p, f):
    """File f of package p: type T<f> embeds a lock, holds a field of package p+1's type."""
    nxt = (p + 1) % PACKAGES
    lock = ['sync.Mutex', 'sync.RWMutex'][f % 2]
    return f'''package pkg{p:02d}

import (
\t"context"
\t"sync"
\t"time"

\t"example.com/big/pkg{nxt:02d}"
)

// T{f:02d} is one of the package's types.
type T{f:02d} struct {{
\t{lock}
\tName    string
\tNext    *pkg{nxt:02d}.T{f:02d}
\tTimer   *time.Timer
\tctx     context.Context
\tcount   int
\twaiting sync.WaitGroup
}}

// New{f:02d} makes a T{f:02d}.
func New{f:02d}(ctx context.Context) *T{f:02d} {{
\treturn &T{f:02d}{{ctx: ctx, Timer: time.NewTimer(time.Second)}}
}}

// Context is the context it was made with.
func (t *T{f:02d}) Context() context.Context {{ return t.ctx }}

// Group is what it waits for.
func (t *T{f:02d}) Group() *sync.WaitGroup {{ return &t.waiting }}

// Follow gives the next package's value.
func (t *T{f:02d}) Follow() *pkg{nxt:02d}.T{f:02d} {{ return t.Next }}

func (t *T{f:02d}) bump() {{
\tt.count++
}}

var Default{f:02d} = New{f:02d}(context.Background())
'''


def gen_main(f):
    imports = ''.join(f'\t"example.com/big/pkg{p:02d}"\n' for p in range(IMPORTED))
    uses = ''.join(
        f'\tv{p:02d} := pkg{p:02d}.New{f:02d}(ctx)\n'
        f'\tv{p:02d}.Lock()\n'
        f'\t<-v{p:02d}.Context().Done()\n'
        f'\tv{p:02d}.Group().Wait()\n'
        f'\tv{p:02d}.Follow().Timer.Stop()\n'
        for p in range(IMPORTED))
    return f'''package main

import (
\t"context"

{imports})

func run{f:02d}(ctx context.Context) {{
{uses}}}
'''


def generate(dest):
    if os.path.isdir(dest):
        shutil.rmtree(dest)
    os.makedirs(dest)
    with open(os.path.join(dest, 'go.mod'), 'w') as fh:
        fh.write('module example.com/big\n\ngo 1.19\n')
    count = 0
    for p in range(PACKAGES):
        d = os.path.join(dest, f'pkg{p:02d}')
        os.makedirs(d)
        for f in range(FILES):
            with open(os.path.join(d, f't{f:02d}.go'), 'w') as fh:
                fh.write(gen_file(p, f))
            count += 1
    d = os.path.join(dest, 'cmd', 'app')
    os.makedirs(d)
    for f in range(FILES):
        with open(os.path.join(d, f'run{f:02d}.go'), 'w') as fh:
            fh.write(gen_main(f))
        count += 1
    return count, os.path.join(d, 'run00.go')


def spots(text):
    """(line, character, the note expected) for each use in the main file."""
    out = []
    want = {'Lock': None, 'Done': 'context.Context', 'Wait': 'sync.WaitGroup',
            'Stop': 'time.Timer'}
    for i, line in enumerate(text.split('\n')):
        for word, note in want.items():
            at = line.find('.' + word + '(')
            if at < 0:
                continue
            if word == 'Lock':
                # T00, T02, ... embed a Mutex; the file's own index decides
                note = 'sync.Mutex'
            out.append((i, at + 2, note))
    return out


def rss_kib(pid):
    with open(f'/proc/{pid}/status') as fh:
        for line in fh:
            if line.startswith('VmRSS:'):
                return int(line.split()[1])
    return 0


def one_run(binary, path, text):
    options = {'notes': {'paths': [NOTES], 'builtin': False}}
    client = relevance.LspClient(binary, options, dict(os.environ))
    try:
        rid = client.request('initialize', {
            'processId': os.getpid(), 'rootUri': None, 'workspaceFolders': None,
            'capabilities': {'general': {'positionEncodings': ['utf-16']},
                             'textDocument': {'hover': {'contentFormat': ['markdown']}}},
            'initializationOptions': options})
        client.wait(rid)
        client.notify('initialized', {})
        client.wait_ready()
        time.sleep(0.3)
        before = rss_kib(client.proc.pid)
        uri = 'file://' + urllib.parse.quote(path)
        sp = spots(text)
        line, char, note = sp[0]  # v00.Lock(): Lock promoted from pkg00.T00's embedded Mutex
        opened = time.monotonic()
        client.notify('textDocument/didOpen', {'textDocument': {
            'uri': uri, 'languageId': 'go', 'version': 1, 'text': text}})
        ready = None
        while time.monotonic() - opened < 10:
            msg = client.wait(client.request('textDocument/hover', {
                'textDocument': {'uri': uri}, 'position': {'line': line, 'character': char}}))
            card = relevance.hover_card(msg.get('result'), NOTES)
            if card and card.get('file') == note + '.md':
                ready = time.monotonic() - opened
                break
            time.sleep(0.005)
        time.sleep(0.5)
        after = rss_kib(client.proc.pid)
        times, wrong = [], 0
        for k in range(2000):
            line, char, note = sp[k % len(sp)]
            t0 = time.perf_counter()
            msg = client.wait(client.request('textDocument/hover', {
                'textDocument': {'uri': uri}, 'position': {'line': line, 'character': char}}))
            times.append((time.perf_counter() - t0) * 1000)
            card = relevance.hover_card(msg.get('result'), NOTES)
            if not card or card.get('file') != note + '.md':
                wrong += 1
        times.sort()
        return ready, (after - before) / 1024, times[len(times) // 2], times[int(len(times) * 0.99)], wrong, len(sp)
    finally:
        client.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--bin', required=True)
    ap.add_argument('--runs', type=int, default=5)
    ap.add_argument('--dir', default=os.path.join(ROOT, 'target', 'resolve', 'module-1000'))
    args = ap.parse_args()
    count, main_file = generate(args.dir)
    with open(main_file, encoding='utf-8') as fh:
        text = fh.read()
    rows = [one_run(args.bin, main_file, text) for _ in range(args.runs)]
    readies = [r[0] for r in rows if r[0] is not None]
    med = lambda xs: statistics.median(xs) if xs else float('nan')
    print(f'module: {count} Go files in {PACKAGES + 1} packages; the open file imports '
          f'{IMPORTED} of them; {args.runs} runs, medians')
    print()
    print('| figure | budget | measured |')
    print('| --- | ---: | ---: |')
    print('| open -> hover through an imported package shows the note | <= 1000 ms | %.0f ms%s |' % (
        med(readies) * 1000, '' if len(readies) == len(rows) else f' ({len(rows) - len(readies)} runs never)'))
    print('| memory after it, over the server before the open | <= +50 MiB | +%.1f MiB |' % med([r[1] for r in rows]))
    print('| hover p50 (2,000 hovers on %d spots) | | %.3f ms |' % (rows[0][5], med([r[2] for r in rows])))
    print('| hover p99 | <= 1 ms | %.3f ms |' % med([r[3] for r in rows]))
    print('| hovers without the right note | 0 | %d |' % sum(r[4] for r in rows))


if __name__ == '__main__':
    main()
