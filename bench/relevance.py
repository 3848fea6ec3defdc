#!/usr/bin/env python3
"""gonotes' relevance benchmark: do hovers show the note section a reader wants, and nothing
where the notes say nothing?

    python3 bench/relevance.py --bin GONOTES --vaults DIR [--cli-only] [--loo] [--json FILE]
                               [--vault NAME]... [--gotypes BIN] [--jobs N]

Run it through `bash bench/relevance.sh`, which installs and builds what it needs. DIR holds
the labelled collections and their `cases.json` (per collection: `covered` symbols with the
sections a reader accepts, `uncovered` symbols that must get no card). Modes:

  CLI   `gonotes lookup SYMBOL --notes COLLECTION` for every case.
  LSP   hovers over `gonotes lsp` at real spots of Go's standard library where go/types resolves
        the name under the cursor to the case's symbol (spots from bench/gotypes, cached under
        target/relevance/). Up to 3 spots per symbol; a symbol counts by the majority of its spots.
  LOO   (--loo) leave-one-collection-out over the parameters of bench/relevance-grid.json,
        passed to gonotes as GONOTES_TUNE=name=value,...; CLI lookups.

Figures per collection and pooled: recall (covered symbols that get a card), p@1 (cards that are
accepted), hit@1 (covered symbols whose card is accepted), noise (uncovered symbols that get a
card). Acceptance rules: see judge() and bench/README.md. Python 3 standard library only.
"""
import argparse
import concurrent.futures
import hashlib
import itertools
import json
import os
import queue
import re
import subprocess
import sys
import threading
import time
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CACHE_DIR = os.path.join(ROOT, 'target', 'relevance')
GRID_FILE = os.path.join(ROOT, 'bench', 'relevance-grid.json')
SPOTS_PER_SYMBOL = 3
# The benchmark measures the notes side, so it hovers first where the name is plain to a per-file
# reading, as in a user's own code: `how` says the name needs no other file (cross-file resolution
# is measured on its own) and `from` that the file imports the name's package by an ordinary
# import (not the package's own code, not a dot import). Tiers, best first: both; `how` only; any.
PREFERRED_HOW = ('pkg', 'samefile', 'syntax', 'builtin')
PREFERRED_FROM = ('import', '-')

# Standard-library packages hovered in (with their _test.go files): lots of real usage of the
# names Go notes talk about.
STD_PACKAGES = [
    'bufio', 'bytes', 'container/heap', 'context', 'database/sql', 'encoding/json', 'errors',
    'flag', 'fmt', 'image', 'io', 'io/fs', 'io/ioutil', 'log', 'math', 'math/rand', 'net',
    'net/http', 'net/http/httptest', 'os', 'os/exec', 'os/signal', 'path/filepath', 'reflect',
    'regexp', 'runtime/pprof', 'runtime/trace', 'sort', 'strconv', 'strings', 'sync',
    'sync/atomic', 'testing', 'text/tabwriter', 'text/template', 'time',
]


def say(msg):
    print('[relevance] ' + msg, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------
# Acceptance rules
#
# A card names a file (its URI) and a section: the breadcrumb of headings after the file name,
# and the line the URI points at. It is accepted by an `accept` entry when
#   - the file is the entry's `file` (relative to the collection), or lies under it when `file`
#     ends in `/`;
#   - and the section matches `heading`, compared after normalisation (link targets and HTML tags
#     dropped, then only letters and digits kept, case-folded; CJK counts as letters):
#       `heading: ""` with `tree: true`   any section of the file;
#       `heading: ""`                     the text before the file's first heading (no breadcrumb);
#       otherwise                         the breadcrumb's last heading, or with `tree: true` any
#                                         heading of the breadcrumb.
#     The breadcrumb is the card's own, and also the one found at the card's line with a plain
#     Markdown outline of the file (ATX headings, also inside list items; setext headings; fenced
#     code and front matter skipped), so a heading gonotes renders differently still matches.
#   - A heading text that occurs more than once in its file matches only at the occurrence that
#     directly follows another accepted heading of the same symbol and file (a question, then its
#     answer), located by the card's line; the breadcrumbs are not used for it.
# ---------------------------------------------------------------------------------------------

_FENCE = re.compile(r'^\s*(?:[-*+]\s+|\d+[.)]\s+)*(`{3,}|~{3,})')
_ATX = re.compile(r'^\s*(?:[-*+]\s+|\d+[.)]\s+)?(#{1,6})(?:\s+(.*?))?\s*$')
_BULLET = re.compile(r'^\s*[-*+]\s')
_SETEXT1 = re.compile(r'^\s{0,3}=+\s*$')
_SETEXT2 = re.compile(r'^\s{0,3}--+\s*$')


def norm(text):
    """Heading text for comparison: link targets and HTML tags dropped, letters/digits kept."""
    text = re.sub(r'\]\([^)]*\)', ']', text or '')
    text = re.sub(r'<[^>]*>', '', text)
    return ''.join(ch for ch in text.casefold() if ch.isalnum())


def _indent(line):
    expanded = line.expandtabs(4)
    return len(expanded) - len(expanded.lstrip(' '))


def parse_outline(text):
    """[(line, level, heading text)] of a Markdown text, 1-based lines."""
    lines = text.split('\n')
    start = 0
    if lines and lines[0].strip() == '---':  # front matter, closed within 200 lines
        for j in range(1, min(len(lines), 200)):
            if lines[j].strip() in ('---', '...'):
                start = j + 1
                break
    heads = []
    fence = None  # the opening fence while inside fenced code
    prev = ''     # the previous line, for setext underlines ('' after fences and headings)
    for i in range(start, len(lines)):
        line = lines[i]
        fm = _FENCE.match(line)
        if fence is not None:
            if fm and fm.group(1)[0] == fence[0] and len(fm.group(1)) >= len(fence):
                fence = None
            prev = ''
            continue
        if fm:
            fence, prev = fm.group(1), ''
            continue
        am = _ATX.match(line)
        if am and (_indent(line) < 4 or _BULLET.match(line)):
            heads.append((i + 1, len(am.group(1)), re.sub(r'\s+#+\s*$', '', am.group(2) or '').strip()))
            prev = ''
            continue
        if prev.strip():
            if _SETEXT1.match(line):
                heads.append((i, 1, prev.strip()))
            elif (_SETEXT2.match(line) and not _BULLET.match(prev)
                  and len(prev) - len(prev.lstrip()) <= len(line) - len(line.lstrip())):
                heads.append((i, 2, prev.strip()))
        prev = line
    return heads


_OUTLINES = {}
_OUTLINE_LOCK = threading.Lock()


def outline(path):
    with _OUTLINE_LOCK:
        if path in _OUTLINES:
            return _OUTLINES[path]
    try:
        with open(path, encoding='utf-8', errors='replace') as f:
            heads = parse_outline(f.read())
    except OSError:
        heads = []
    with _OUTLINE_LOCK:
        _OUTLINES[path] = heads
    return heads


def breadcrumb_at(path, line):
    """Headings (outermost first) of the section holding `line`."""
    chain = []
    for ln, level, text in outline(path):
        if ln > line:
            break
        chain = [c for c in chain if c[0] < level] + [(level, text)]
    return [text for _, text in chain]


def judge(card, accepts):
    """True when the card is one of the sections `accepts` lists (rules above)."""
    if not card or not card.get('file'):
        return False
    heads = outline(card['abs'])
    nheads = [norm(text) for _, _, text in heads]
    at = None  # index of the heading the card's line falls under
    for k, (ln, _, _) in enumerate(heads):
        if ln <= card['line']:
            at = k
    crumbs = [[norm(c) for c in card['crumbs']]]
    if card['line']:
        crumbs.append([norm(c) for c in breadcrumb_at(card['abs'], card['line'])])
    for entry in accepts:
        want_file = entry['file']
        if card['file'] != want_file and not (want_file.endswith('/') and card['file'].startswith(want_file)):
            continue
        want = norm(entry.get('heading', ''))
        tree = bool(entry.get('tree', False))
        if not want and tree:
            return True
        if want and nheads.count(want) > 1:
            siblings = {norm(e.get('heading', '')) for e in accepts if e['file'] == want_file} - {want, ''}
            if at is not None and at > 0 and nheads[at] == want and nheads[at - 1] in siblings:
                return True
            continue
        for chain in crumbs:
            if not want:
                if not chain:
                    return True
            elif chain and (chain[-1] == want or (tree and want in chain)):
                return True
    return False


def wanted(accepts):
    return '; '.join('%s › %s%s' % (a['file'], a.get('heading', '') or "''", ' (tree)' if a.get('tree') else '')
                     for a in accepts)


def where(card):
    if not card:
        return 'no card'
    crumbs = ' › '.join(card['crumbs']) or "''"
    return '%s › %s (L%d, key %s)' % (card.get('file'), crumbs, card.get('line', 0), card.get('key'))


def make_card(key, title, uri, vault_dir):
    """A card from its key, its title `FILE › HEADING › ...` and its file:// URI (#L<line>)."""
    card = {'key': key, 'crumbs': [c.strip() for c in title.split(' › ')][1:], 'file': None, 'line': 0}
    m = re.match(r'file://(\S+?)(?:#L(\d+))?$', uri.strip())
    if m:
        path = urllib.parse.unquote(m.group(1))
        card['abs'] = path
        card['file'] = os.path.relpath(path, vault_dir).replace(os.sep, '/')
        card['line'] = int(m.group(2) or 0)
    return card


# ---------------------------------------------------------------------------------------------
# CLI mode: gonotes lookup SYMBOL --notes COLLECTION
# ---------------------------------------------------------------------------------------------

def plain_params():
    """The parameters of the plain CLI and LSP modes: whatever GONOTES_TUNE the caller set."""
    return os.environ.get('GONOTES_TUNE', '')


def cli_env(params):
    env = dict(os.environ)
    env.pop('GONOTES_TUNE', None)
    if params:
        env['GONOTES_TUNE'] = params
    return env


def lookup(binary, vault_dir, symbol, params):
    """The card `gonotes lookup` prints, None when it prints none, {'error': ...} when it fails."""
    try:
        p = subprocess.run([binary, 'lookup', symbol, '--notes', vault_dir], capture_output=True,
                           text=True, timeout=60, env=cli_env(params))
    except subprocess.TimeoutExpired:
        return {'error': 'timeout'}
    if p.returncode == 1:
        return None
    if p.returncode != 0:
        return {'error': 'exit %d: %s' % (p.returncode, p.stderr.strip()[:200])}
    lines = p.stdout.splitlines()
    if not lines:
        return {'error': 'empty output'}
    key, _, title = lines[0].partition(' — ')
    uri = ''
    for line in lines[1:4]:
        m = re.search(r'(file://\S+)\s*$', line.strip())
        if m:
            uri = m.group(1)
            break
    return make_card(key.replace('📓', '').strip(), title, uri, vault_dir)


class CliRunner:
    """Runs lookups in parallel, cached per (binary mtime, params, collection, symbol) for the run."""

    def __init__(self, binary, jobs):
        self.binary, self.jobs = binary, jobs
        self.mtime = os.stat(binary).st_mtime_ns
        self.cache = {}
        self.calls = 0

    def run(self, requests):
        """requests: [(params, vault_dir, symbol)] -> {request: card}"""
        todo = sorted({r for r in requests if (self.mtime,) + r not in self.cache})
        if todo:
            with concurrent.futures.ThreadPoolExecutor(max_workers=self.jobs) as ex:
                for r, card in zip(todo, ex.map(lambda r: lookup(self.binary, r[1], r[2], r[0]), todo)):
                    self.cache[(self.mtime,) + r] = card
            self.calls += len(todo)
        return {r: self.cache[(self.mtime,) + r] for r in requests}


def new_stats():
    return {'covered': 0, 'answered': 0, 'accepted': 0, 'uncovered': 0, 'noise': 0}


def score_cli(cases, names, vaults_dir, runner, params):
    """Per-collection stats and failure lines for one parameter setting."""
    reqs = []
    for n in names:
        vdir = os.path.join(vaults_dir, n)
        for kind in ('covered', 'uncovered'):
            for c in cases[n][kind]:
                reqs.append((params, vdir, c['symbol']))
    cards = runner.run(reqs)
    stats, failures = {}, []
    for n in names:
        vdir = os.path.join(vaults_dir, n)
        s = stats[n] = new_stats()
        for kind in ('covered', 'uncovered'):
            for c in cases[n][kind]:
                card = cards[(params, vdir, c['symbol'])]
                if card and card.get('error'):
                    failures.append({'kind': 'ERROR', 'vault': n, 'symbol': c['symbol'], 'got': card['error']})
                    card = None
                if kind == 'covered':
                    s['covered'] += 1
                    if not card:
                        failures.append({'kind': 'MISS', 'vault': n, 'symbol': c['symbol'], 'want': wanted(c['accept'])})
                        continue
                    s['answered'] += 1
                    if judge(card, c['accept']):
                        s['accepted'] += 1
                    else:
                        failures.append({'kind': 'WRONG', 'vault': n, 'symbol': c['symbol'], 'got': where(card),
                                         'want': wanted(c['accept'])})
                else:
                    s['uncovered'] += 1
                    if card:
                        s['noise'] += 1
                        failures.append({'kind': 'NOISE', 'vault': n, 'symbol': c['symbol'], 'got': where(card)})
    return stats, failures


# ---------------------------------------------------------------------------------------------
# Spots: bench/gotypes over the standard library, cached under target/relevance/
# ---------------------------------------------------------------------------------------------

def go_env(var):
    return subprocess.run(['go', 'env', var], capture_output=True, text=True, check=True).stdout.strip()


def spots_file(gotypes):
    """The TSV of every spot in STD_PACKAGES, made by the harness when not cached."""
    version, goroot = go_env('GOVERSION'), go_env('GOROOT')
    h = hashlib.sha256()
    src_dir = os.path.join(ROOT, 'bench', 'gotypes')
    for name in sorted(os.listdir(src_dir)):
        if name.endswith('.go') or name == 'go.mod':
            with open(os.path.join(src_dir, name), 'rb') as f:
                h.update(name.encode() + b'\0' + f.read())
    h.update(('\n'.join(STD_PACKAGES) + '\n' + goroot).encode())
    path = os.path.join(CACHE_DIR, 'spots-%s-%s.tsv' % (version, h.hexdigest()[:12]))
    if os.path.exists(path):
        return path, version, goroot, True
    if not os.path.exists(gotypes):
        sys.exit('relevance: the ground-truth harness %s is missing (bash bench/relevance.sh builds it)' % gotypes)
    say('go/types over %d standard-library packages (%s) -> %s' % (len(STD_PACKAGES), version, path))
    os.makedirs(CACHE_DIR, exist_ok=True)
    tmp = path + '.tmp%d' % os.getpid()
    with open(tmp, 'w') as out:
        p = subprocess.run([gotypes] + STD_PACKAGES, stdout=out, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        os.unlink(tmp)
        sys.exit('relevance: %s failed:\n%s' % (gotypes, p.stderr))
    os.replace(tmp, path)
    return path, version, goroot, False


def read_spots(path, symbols):
    """{symbol: [spot]} for the spots named by one of `symbols`."""
    out = {}
    with open(path, encoding='utf-8') as f:
        header = f.readline().rstrip('\n').split('\t')
        col = {k: i for i, k in enumerate(header)}
        for line in f:
            row = line.rstrip('\n').split('\t')
            name = row[col['name']]
            if name in symbols:
                out.setdefault(name, []).append({
                    'file': row[col['file']], 'line': int(row[col['line']]), 'col16': int(row[col['col16']]),
                    'len16': int(row[col['len16']]), 'name': name, 'how': row[col['how']],
                    'from': row[col['from']], 'path': row[col['path']]})
    return out


def spot_tier(s):
    if s['how'] in PREFERRED_HOW:
        return 1 if s['from'] in PREFERRED_FROM else 2
    return 3


def choose_spots(candidates, goroot_src):
    """(spots, tier): up to SPOTS_PER_SYMBOL spots of the best tier there is, in a fixed
    pseudo-random order (sha1 of file:line:col, the file relative to GOROOT/src), one per file
    while files last."""
    def order(s):
        rel = os.path.relpath(s['file'], goroot_src)
        return hashlib.sha1(('%s:%d:%d' % (rel, s['line'], s['col16'])).encode()).hexdigest()
    tier = min((spot_tier(s) for s in candidates), default=0)
    pool = sorted((s for s in candidates if spot_tier(s) == tier), key=order)
    chosen, files = [], set()
    for s in pool:
        if s['file'] not in files and len(chosen) < SPOTS_PER_SYMBOL:
            chosen.append(s)
            files.add(s['file'])
    for s in pool:
        if len(chosen) >= SPOTS_PER_SYMBOL:
            break
        if s not in chosen:
            chosen.append(s)
    return chosen, tier


# ---------------------------------------------------------------------------------------------
# LSP mode: hovers over `gonotes lsp`
# ---------------------------------------------------------------------------------------------

class LspClient:
    def __init__(self, binary, options, env):
        self.proc = subprocess.Popen([binary, 'lsp'], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, env=env)
        self.options = options
        self.next_id = 0
        self.lock = threading.Lock()
        self.responses = {}
        self.cond = threading.Condition()
        self.notes = queue.Queue()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _send(self, msg):
        body = json.dumps(msg).encode()
        with self.lock:
            self.proc.stdin.write(b'Content-Length: %d\r\n\r\n' % len(body) + body)
            self.proc.stdin.flush()

    def _read(self):
        out = self.proc.stdout
        while True:
            length = None
            while True:
                line = out.readline()
                if not line:
                    with self.cond:
                        self.responses['eof'] = True
                        self.cond.notify_all()
                    self.notes.put(None)
                    return
                line = line.strip()
                if not line:
                    break
                if line.lower().startswith(b'content-length:'):
                    length = int(line.split(b':')[1])
            msg = json.loads(out.read(length))
            if 'id' in msg and 'method' in msg:  # a request from the server
                if msg['method'] == 'workspace/configuration':
                    items = (msg.get('params') or {}).get('items') or [{}]
                    self._send({'jsonrpc': '2.0', 'id': msg['id'], 'result': [self.options for _ in items]})
                else:
                    self._send({'jsonrpc': '2.0', 'id': msg['id'], 'result': None})
            elif 'id' in msg:
                with self.cond:
                    self.responses[msg['id']] = msg
                    self.cond.notify_all()
            else:
                self.notes.put(msg)

    def request(self, method, params):
        with self.lock:
            self.next_id += 1
            rid = self.next_id
        self._send({'jsonrpc': '2.0', 'id': rid, 'method': method, 'params': params})
        return rid

    def notify(self, method, params):
        self._send({'jsonrpc': '2.0', 'method': method, 'params': params})

    def wait(self, rid, timeout=60):
        deadline = time.monotonic() + timeout
        with self.cond:
            while rid not in self.responses:
                if self.responses.get('eof'):
                    raise RuntimeError('gonotes lsp exited')
                left = deadline - time.monotonic()
                if left <= 0:
                    raise RuntimeError('no answer to request %d within %d s' % (rid, timeout))
                self.cond.wait(left)
            return self.responses.pop(rid)

    def wait_ready(self, timeout=120):
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise RuntimeError('no gonotes/status "ready" within %d s' % timeout)
            try:
                msg = self.notes.get(timeout=left)
            except queue.Empty:
                continue
            if msg is None:
                raise RuntimeError('gonotes lsp exited before "ready"')
            if msg.get('method') == 'gonotes/status' and (msg.get('params') or {}).get('state') == 'ready':
                return msg['params']

    def close(self):
        try:
            self.wait(self.request('shutdown', None), timeout=10)
            self.notify('exit', None)
            self.proc.wait(timeout=10)
        except Exception:
            self.proc.kill()
            self.proc.wait()


_HOVER_HEAD = re.compile(r'^📓 \*\*(.*?)\*\* — \[(.*)\]\((file://.*)\)\s*$')


def hover_card(result, vault_dir):
    """The card of a hover: its Markdown starts `📓 **KEY** — [TITLE](file:///...#L<line>)`."""
    if not result:
        return None
    contents = result.get('contents')
    value = contents.get('value', '') if isinstance(contents, dict) else str(contents or '')
    first = value.split('\n', 1)[0]
    m = _HOVER_HEAD.match(first)
    if not m:
        return {'error': 'unreadable hover: %s' % first[:120]}
    title = re.sub(r'\\(.)', r'\1', m.group(2))  # Markdown escapes in the link text
    return make_card(m.group(1), title, m.group(3), vault_dir)


def hover_session(binary, vault_dir, spots):
    """{(file, line, col16): card} for the spots, from one `gonotes lsp` on the collection."""
    options = {'notes': {'paths': [vault_dir], 'builtin': False}}
    client = LspClient(binary, options, cli_env(plain_params()))
    try:
        rid = client.request('initialize', {
            'processId': os.getpid(), 'rootUri': None, 'workspaceFolders': None,
            'capabilities': {'general': {'positionEncodings': ['utf-16']},
                             'textDocument': {'hover': {'contentFormat': ['markdown', 'plaintext']}}},
            'initializationOptions': options})
        init = client.wait(rid)
        if 'error' in init:
            raise RuntimeError('initialize: %s' % init['error'])
        enc = init['result'].get('capabilities', {}).get('positionEncoding', 'utf-16')
        if enc != 'utf-16':
            raise RuntimeError('server chose position encoding %s' % enc)
        client.notify('initialized', {})
        ready = client.wait_ready()
        files = sorted({s['file'] for s in spots})
        for path in files:
            with open(path, encoding='utf-8') as f:
                text = f.read()
            client.notify('textDocument/didOpen', {'textDocument': {
                'uri': 'file://' + urllib.parse.quote(path), 'languageId': 'go', 'version': 1, 'text': text}})
        ids = []
        for s in spots:
            ids.append((s, client.request('textDocument/hover', {
                'textDocument': {'uri': 'file://' + urllib.parse.quote(s['file'])},
                'position': {'line': s['line'] - 1, 'character': s['col16'] - 1}})))
        out = {}
        for s, rid in ids:
            msg = client.wait(rid)
            if 'error' in msg:
                out[(s['file'], s['line'], s['col16'])] = {'error': 'hover error: %s' % msg['error'].get('message')}
            else:
                out[(s['file'], s['line'], s['col16'])] = hover_card(msg.get('result'), vault_dir)
        return out, ready
    finally:
        client.close()


def score_lsp(cases, names, vaults_dir, binary, spots_by_symbol, goroot_src, jobs):
    chosen = {}
    for sym, cands in spots_by_symbol.items():
        chosen[sym] = choose_spots(cands, goroot_src)

    def session(n):
        """One server on collection n, hovered at the spots of all its cases."""
        spots = {}
        for kind in ('covered', 'uncovered'):
            for c in cases[n][kind]:
                for s in chosen.get(c['symbol'], ([], 0))[0]:
                    spots[(s['file'], s['line'], s['col16'])] = s
        t0 = time.monotonic()
        try:
            cards, ready = hover_session(binary, os.path.join(vaults_dir, n), list(spots.values()))
        except (RuntimeError, OSError) as e:
            sys.exit('relevance: gonotes lsp on %s: %s' % (n, e))
        return cards, ready, time.monotonic() - t0

    def spots_text(got, kind):
        return '; '.join('%s:%d:%d (%s, %s) -> %s%s' % (
            os.path.relpath(sp['file'], goroot_src), sp['line'], sp['col16'], sp['how'], sp['from'], where(card),
            '' if kind == 'uncovered' else (' ✓' if ok else ' ✗')) for sp, card, ok in got)

    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as ex:
        results = dict(zip(names, ex.map(session, names)))

    stats, failures, nospot = {}, [], []
    spot_totals = {'hovers': 0, 'carded': 0, 'accepted_cov': 0, 'cov_spots': 0, 'unc_spots': 0, 'noise_spots': 0}
    fallback = {}
    for n in names:
        cards, ready, secs = results[n]
        s = stats[n] = dict(new_stats(), no_spot_covered=0, no_spot_uncovered=0, seconds=round(secs, 2),
                            sections=ready.get('sections'), notes=ready.get('notes'))
        for kind in ('covered', 'uncovered'):
            for c in cases[n][kind]:
                sym = c['symbol']
                spots, tier = chosen.get(sym, ([], 0))
                if not spots:
                    s['no_spot_' + kind] += 1
                    nospot.append((n, kind, sym))
                    continue
                if tier > 1:
                    fallback[sym] = tier
                got = []
                for sp in spots:
                    card = cards.get((sp['file'], sp['line'], sp['col16']))
                    err = card.get('error') if card else None
                    if err:
                        failures.append({'kind': 'ERROR', 'vault': n, 'symbol': sym, 'got': err})
                        card = None
                    ok = kind == 'covered' and judge(card, c['accept'])
                    got.append((sp, card, ok))
                spot_totals['hovers'] += len(got)
                spot_totals['carded'] += sum(1 for g in got if g[1])
                answered = sum(1 for g in got if g[1]) * 2 > len(got)
                accepted = sum(1 for g in got if g[2]) * 2 > len(got)
                if kind == 'covered':
                    s['covered'] += 1
                    spot_totals['cov_spots'] += len(got)
                    spot_totals['accepted_cov'] += sum(1 for g in got if g[2])
                    if not answered:
                        failures.append({'kind': 'MISS', 'vault': n, 'symbol': sym, 'got': spots_text(got, kind),
                                         'want': wanted(c['accept'])})
                        continue
                    s['answered'] += 1
                    if accepted:
                        s['accepted'] += 1
                    else:
                        failures.append({'kind': 'WRONG', 'vault': n, 'symbol': sym, 'got': spots_text(got, kind),
                                         'want': wanted(c['accept'])})
                else:
                    s['uncovered'] += 1
                    spot_totals['unc_spots'] += len(got)
                    spot_totals['noise_spots'] += sum(1 for g in got if g[1])
                    if answered:
                        s['noise'] += 1
                        failures.append({'kind': 'NOISE', 'vault': n, 'symbol': sym, 'got': spots_text(got, kind)})
    return stats, failures, nospot, chosen, spot_totals, fallback


# ---------------------------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------------------------

def pct(a, b):
    return '%.1f%%' % (100.0 * a / b) if b else '—'


def pooled(stats, names):
    tot = {}
    for n in names:
        for k, v in stats[n].items():
            if isinstance(v, int):
                tot[k] = tot.get(k, 0) + v
    return tot


def figures(s):
    return {'recall': s['answered'] / s['covered'] if s['covered'] else None,
            'p@1': s['accepted'] / s['answered'] if s['answered'] else None,
            'hit@1': s['accepted'] / s['covered'] if s['covered'] else None,
            'noise': s['noise'] / s['uncovered'] if s['uncovered'] else None}


def table(stats, names, extra=None):
    extra = extra or []
    head = ['collection', 'covered', 'recall', 'p@1', 'hit@1', 'noise'] + [h for h, _ in extra]
    rows = []
    for n in names + ['**overall**']:
        s = stats[n] if n in stats else pooled(stats, names)
        rows.append([n if n in stats else n, str(s['covered']), pct(s['answered'], s['covered']),
                     pct(s['accepted'], s['answered']), pct(s['accepted'], s['covered']),
                     '%d/%d (%s)' % (s['noise'], s['uncovered'], pct(s['noise'], s['uncovered']))]
                    + [f(s) for _, f in extra])
    return markdown(head, rows)


def markdown(head, rows):
    widths = [max(len(str(r[i])) for r in rows + [head]) for i in range(len(head))]
    right = [i > 0 for i in range(len(head))]

    def fmt(r):
        return '| ' + ' | '.join(str(c).rjust(w) if right[i] else str(c).ljust(w)
                                 for i, (c, w) in enumerate(zip(r, widths))) + ' |'
    sep = '|' + '|'.join(('-' * (w + 1) + ':') if right[i] else ('-' * (w + 2)) for i, w in enumerate(widths)) + '|'
    return '\n'.join([fmt(head), sep] + [fmt(r) for r in rows])


def print_failures(failures):
    if not failures:
        print('\nNo failures.')
        return
    print('\nFailures (%d):\n' % len(failures))
    print('```')
    order = {'ERROR': 0, 'MISS': 1, 'WRONG': 2, 'NOISE': 3}
    for f in sorted(failures, key=lambda f: (order[f['kind']], f['vault'], f['symbol'])):
        line = '%-5s  %s  %s' % (f['kind'], f['vault'], f['symbol'])
        if f.get('got') and f['kind'] != 'MISS':
            line += ' -> ' + f['got']
        elif f.get('got'):
            line += '  (' + f['got'] + ')'
        if f.get('want'):
            line += '   want: ' + f['want']
        print(line)
    print('```')


# ---------------------------------------------------------------------------------------------
# Leave-one-collection-out over bench/relevance-grid.json
# ---------------------------------------------------------------------------------------------

def grid_points(grid):
    names = sorted(grid)
    for name in names:
        if not isinstance(grid[name], list) or not grid[name]:
            sys.exit('relevance: %s: %r must list candidate values' % (GRID_FILE, name))

    def text(v):
        return json.dumps(v) if isinstance(v, bool) else str(v)
    for combo in itertools.product(*[grid[n] for n in names]):
        yield ','.join('%s=%s' % (n, text(v)) for n, v in zip(names, combo))


def objective(stats, names):
    s = pooled(stats, names)
    hit = s['accepted'] / s['covered'] if s['covered'] else 0.0
    noise = s['noise'] / s['uncovered'] if s['uncovered'] else 0.0
    return hit - noise, hit, noise


def run_loo(cases, names, vaults_dir, runner):
    try:
        with open(GRID_FILE, encoding='utf-8') as f:
            grid = json.load(f)
    except FileNotFoundError:
        grid = {}
    points = list(grid_points(grid))
    say('LOO: %d grid point(s) x %d cases' % (len(points), sum(len(cases[n]['covered']) + len(cases[n]['uncovered']) for n in names)))
    per_point = {p: score_cli(cases, names, vaults_dir, runner, p)[0] for p in points}

    def best(on):
        # the first of the grid points with the highest objective on the collections `on`
        return max(points, key=lambda p: (objective(per_point[p], on)[0], -points.index(p)))
    in_point = best(names)
    rows, held_stats, out = [], {}, {'grid': grid, 'points': len(points), 'in_sample_point': in_point, 'held_out': {}}
    for n in names:
        others = [m for m in names if m != n]
        p = best(others)
        held_stats[n] = per_point[p][n]
        h_obj, h_hit, h_noise = objective(per_point[p], [n])
        i_obj, i_hit, i_noise = objective(per_point[in_point], [n])
        out['held_out'][n] = {'point': p, 'hit@1': h_hit, 'noise': h_noise, 'objective': h_obj,
                              'in_sample': {'hit@1': i_hit, 'noise': i_noise, 'objective': i_obj}}
        rows.append([n, p or '(defaults)', '%.1f%%' % (100 * h_hit), '%.1f%%' % (100 * h_noise), '%+.1f' % (100 * h_obj),
                     '%.1f%%' % (100 * i_hit), '%.1f%%' % (100 * i_noise), '%+.1f' % (100 * i_obj),
                     '%+.1f' % (100 * (h_obj - i_obj))])
    h_obj, h_hit, h_noise = objective(held_stats, names)
    i_obj, i_hit, i_noise = objective(per_point[in_point], names)
    rows.append(['**pooled**', '', '%.1f%%' % (100 * h_hit), '%.1f%%' % (100 * h_noise), '%+.1f' % (100 * h_obj),
                 '%.1f%%' % (100 * i_hit), '%.1f%%' % (100 * i_noise), '%+.1f' % (100 * i_obj),
                 '%+.1f' % (100 * (h_obj - i_obj))])
    out['pooled'] = {'held_out': {'hit@1': h_hit, 'noise': h_noise, 'objective': h_obj},
                     'in_sample': {'hit@1': i_hit, 'noise': i_noise, 'objective': i_obj}}
    print('\n## Leave-one-collection-out (CLI lookups)\n')
    if not grid:
        print('Nothing is tuned: %s is empty, so the only grid point is the defaults and held-out '
              'figures equal in-sample ones.\n' % os.path.relpath(GRID_FILE, ROOT))
    else:
        print('Grid: %s (%d points). Objective = hit@1 over covered cases − noise over uncovered cases, '
              'pooled over the other collections; in-sample point (all collections): `%s`.\n'
              % (', '.join('%s ∈ %s' % (k, grid[k]) for k in sorted(grid)), len(points), in_point or '(defaults)'))
    print(markdown(['held out', 'point chosen on the others', 'hit@1', 'noise', 'objective',
                    'in-sample hit@1', 'in-sample noise', 'in-sample objective', 'Δ objective (points)'], rows))
    return out


# ---------------------------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description='gonotes relevance benchmark (see bench/README.md)')
    ap.add_argument('--bin', required=True, help='the gonotes binary')
    ap.add_argument('--vaults', required=True, help='folder of the labelled collections and cases.json')
    ap.add_argument('--vault', action='append', default=[], help='only this collection (repeatable)')
    ap.add_argument('--cli-only', action='store_true', help='skip the LSP hovers')
    ap.add_argument('--loo', action='store_true', help='leave-one-collection-out over bench/relevance-grid.json')
    ap.add_argument('--json', help='also write every figure and failure to this file')
    ap.add_argument('--gotypes', default=os.path.join(CACHE_DIR, 'gotypes'), help='the ground-truth harness binary')
    ap.add_argument('--jobs', type=int, default=2, help='lookups / LSP sessions at once (default 2)')
    args = ap.parse_args()
    t_start = time.monotonic()

    binary = os.path.abspath(args.bin)
    if not os.access(binary, os.X_OK):
        sys.exit('relevance: %s is not an executable gonotes binary' % binary)
    vaults_dir = os.path.abspath(args.vaults)
    cases_path = os.path.join(vaults_dir, 'cases.json')
    if not os.path.isfile(cases_path):
        sys.exit('relevance: no labelled collections at %s (cases.json missing); pass --vaults DIR' % vaults_dir)
    with open(cases_path, encoding='utf-8') as f:
        cases = json.load(f)['vaults']
    names = sorted(cases)
    if args.vault:
        unknown = [v for v in args.vault if v.rstrip('/').split('/')[-1] not in cases]
        if unknown:
            sys.exit('relevance: unknown collection(s) %s (have: %s)' % (', '.join(unknown), ', '.join(names)))
        names = sorted({v.rstrip('/').split('/')[-1] for v in args.vault})
    for n in names:
        if not os.path.isdir(os.path.join(vaults_dir, n)):
            sys.exit('relevance: collection folder %s is missing' % os.path.join(vaults_dir, n))
    ncov = sum(len(cases[n]['covered']) for n in names)
    nunc = sum(len(cases[n]['uncovered']) for n in names)
    mtime = time.strftime('%Y-%m-%d %H:%M:%S', time.localtime(os.stat(binary).st_mtime))
    tune = os.environ.get('GONOTES_TUNE')
    report = {'binary': binary, 'binary_mtime': mtime, 'vaults': vaults_dir, 'collections': names,
              'covered': ncov, 'uncovered': nunc, 'GONOTES_TUNE': tune}

    print('# gonotes relevance\n')
    print('Binary `%s` (built %s)%s; %d collections, %d covered and %d uncovered cases (`%s`).'
          % (binary, mtime, '; GONOTES_TUNE=`%s`' % tune if tune else '', len(names), ncov, nunc, cases_path))

    runner = CliRunner(binary, args.jobs)
    t0 = time.monotonic()
    cli_stats, cli_fail = score_cli(cases, names, vaults_dir, runner, plain_params())
    report['cli'] = {'stats': cli_stats, 'failures': cli_fail, 'seconds': round(time.monotonic() - t0, 2)}
    print('\n## CLI: `gonotes lookup SYMBOL --notes COLLECTION`\n')
    print(table(cli_stats, names))
    print_failures(cli_fail)

    if not args.cli_only:
        t0 = time.monotonic()
        path, version, goroot, cached = spots_file(args.gotypes)
        goroot_src = os.path.join(goroot, 'src')
        symbols = {c['symbol'] for n in names for k in ('covered', 'uncovered') for c in cases[n][k]}
        spots = read_spots(path, symbols)
        stats, fail, nospot, chosen, st, fallback = score_lsp(cases, names, vaults_dir, binary, spots,
                                                               goroot_src, args.jobs)
        secs = time.monotonic() - t0
        print('\n## LSP: hovers at real spots of Go %s\'s standard library\n' % version)
        print('Spots: go/types over %d packages with their tests (`%s`%s). Up to %d spots per symbol, '
              'one per file while files last, taken first where the name needs no other file '
              '(how = %s) in a file that imports its package (from = %s); a symbol is answered '
              '(accepted) when more than half of its spots get a card (an accepted card). %d hovers, %.1f s.\n'
              % (len(STD_PACKAGES), os.path.relpath(path, ROOT), ', cached' if cached else '', SPOTS_PER_SYMBOL,
                 '/'.join(PREFERRED_HOW), '/'.join(PREFERRED_FROM), st['hovers'], secs))
        print(table(stats, names, extra=[('no spot', lambda s: '%d+%d' % (s['no_spot_covered'], s['no_spot_uncovered']))]))
        print('\nPer spot: %s of covered cases\' spots get an accepted card; %s of uncovered cases\' spots get a card.'
              % (pct(st['accepted_cov'], st['cov_spots']), pct(st['noise_spots'], st['unc_spots'])))
        if nospot:
            by_sym = {}
            for n, kind, sym in nospot:
                by_sym.setdefault(sym, []).append('%s %s' % (n, kind))
            print('No spot in the source set (not counted): %s.'
                  % '; '.join('`%s` (%s)' % (s, ', '.join(v)) for s, v in sorted(by_sym.items())))
        for tier, what in ((2, 'not reached through an ordinary import (own package or dot import)'),
                           (3, 'needing another file to name (otherfile/embedded/call/other)')):
            syms = sorted(sym for sym, t in fallback.items() if t == tier)
            if syms:
                print('Only spots %s for: %s.' % (what, ', '.join('`%s`' % x for x in syms)))
        print_failures(fail)
        report['lsp'] = {'stats': stats, 'failures': fail, 'seconds': round(secs, 2), 'go': version,
                         'spots_tsv': path, 'no_spot': nospot, 'fallback': fallback, 'per_spot': st,
                         'spots': {sym: [dict(s, file=os.path.relpath(s['file'], goroot_src)) for s in v[0]]
                                   for sym, v in sorted(chosen.items()) if sym in symbols}}

    if args.loo:
        if len(names) < 2:
            sys.exit('relevance: --loo needs at least two collections')
        t0 = time.monotonic()
        report['loo'] = run_loo(cases, names, vaults_dir, runner)
        report['loo']['seconds'] = round(time.monotonic() - t0, 2)

    if os.stat(binary).st_mtime_ns != runner.mtime:
        print('\n**Warning**: %s changed during the run; figures may mix two builds.' % binary)
        report['binary_changed'] = True
    total = time.monotonic() - t_start
    report['seconds'] = round(total, 2)
    report['lookups'] = runner.calls
    print('\nWhole run: %.1f s (%d lookups).' % (total, runner.calls))
    if args.json:
        with open(args.json, 'w', encoding='utf-8') as f:
            json.dump(report, f, ensure_ascii=False, indent=1)


if __name__ == '__main__':
    main()
