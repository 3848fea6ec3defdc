#!/usr/bin/env python3
"""gonotes' resolution benchmark: do hovers on methods and fields show the note of the
receiver's type, as go/types resolves it, and nothing where the notes have no such note?

Reads the go/types harness's TSV (bench/gotypes), keeps the member spots (`pkg.Type.Member`),
drives one `gonotes lsp` over them with the notes of bench/resolve-notes/ (one note per std
type, named after it) and prints, split by `how`, the share of spots whose type has a note that
show it, and the share of the other spots that show any card. Method: bench/README.md,
section "Resolution".
"""

import argparse
import collections
import hashlib
import os
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import relevance  # noqa: E402  (its LSP client and hover parsing)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NOTES = os.path.join(ROOT, 'bench', 'resolve-notes')


def covered_types():
    return {f[:-3] for f in os.listdir(NOTES) if f.endswith('.md')}


def read_sites(tsv):
    """Member spots: (file, line, col16, name, how, type)."""
    out = []
    with open(tsv, encoding='utf-8') as f:
        next(f)
        for row in f:
            file, line, col16, _len16, name, how, frm, _path = row.rstrip('\n').split('\t')
            parts = name.split('.')
            # a type of the file's own package (T.Errorf inside package testing) is the user's
            # own type, not the std one a note is about
            if len(parts) != 3 or how in ('syntax', 'builtin') or frm == 'own':
                continue
            out.append({'file': file, 'line': int(line), 'col16': int(col16), 'name': name,
                        'how': how, 'type': parts[0] + '.' + parts[1]})
    return out


def sample(sites, n):
    """Up to n sites, in a fixed pseudo-random order (SHA-1 of file:line:col)."""
    key = lambda s: hashlib.sha1(('%s:%d:%d' % (s['file'], s['line'], s['col16'])).encode()).digest()
    return sorted(sites, key=key)[:n]


def hover_all(binary, spots, settle):
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
        for path in sorted({s['file'] for s in spots}):
            with open(path, encoding='utf-8') as f:
                text = f.read()
            client.notify('textDocument/didOpen', {'textDocument': {
                'uri': 'file://' + urllib.parse.quote(path), 'languageId': 'go', 'version': 1,
                'text': text}})
        time.sleep(settle)  # the package thread reads each open file's package
        ids = [(s, client.request('textDocument/hover', {
            'textDocument': {'uri': 'file://' + urllib.parse.quote(s['file'])},
            'position': {'line': s['line'] - 1, 'character': s['col16'] - 1}})) for s in spots]
        out = {}
        started = time.monotonic()
        for s, rid in ids:
            msg = client.wait(rid)
            card = relevance.hover_card(msg.get('result'), NOTES) if 'error' not in msg else None
            out[(s['file'], s['line'], s['col16'])] = card
        elapsed = time.monotonic() - started
        return out, elapsed
    finally:
        client.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--bin', required=True)
    ap.add_argument('--tsv', required=True, action='append', metavar='[LABEL=]PATH',
                    help='a corpus: the harness\'s TSV, with a label for its table')
    ap.add_argument('--per-class', type=int, default=4000,
                    help='sites sampled among those whose type has a note, and among the others')
    ap.add_argument('--settle', type=float, default=10.0)
    ap.add_argument('--failures', type=int, default=15)
    args = ap.parse_args()
    covered = covered_types()
    corpora = []
    for t in args.tsv:
        label, _, path = t.rpartition('=')
        corpora.append((label or os.path.basename(path), read_sites(path)))
    plans = []
    for label, sites in corpora:
        with_note = sample([s for s in sites if s['type'] in covered], args.per_class)
        without = sample([s for s in sites if s['type'] not in covered], args.per_class)
        plans.append((label, sites, with_note, without))
    everything = [s for _, _, w, wo in plans for s in w + wo]
    cards, elapsed = hover_all(args.bin, everything, args.settle)
    for label, sites, with_note, without in plans:
        report(label, sites, with_note, without, cards, covered, args.failures)
    print('%d hovers in %.2f s' % (len(cards), elapsed))


def report(label, sites, with_note, without, cards, covered, failures):
    shown = collections.Counter()
    total = collections.Counter()
    misses = collections.defaultdict(list)
    for s in with_note:
        card = cards.get((s['file'], s['line'], s['col16']))
        key = card.get('key') if card else None
        ok = bool(card) and card.get('file') == s['type'] + '.md'
        total[s['how']] += 1
        total['all'] += 1
        if ok:
            shown[s['how']] += 1
            shown['all'] += 1
        else:
            misses[s['how']].append((s, key))
    noisy = [s for s in without if cards.get((s['file'], s['line'], s['col16']))]
    noise_how = collections.Counter(s['how'] for s in noisy)
    total_how = collections.Counter(s['how'] for s in without)
    hows = ['pkg', 'samefile', 'otherfile', 'embedded', 'call', 'import', 'other', 'all']
    print('%s: %d member sites (%d whose type has a note)' % (
        label, len(sites), sum(1 for s in sites if s['type'] in covered)))
    print()
    print('| how | sites with a note | show the note | sites without | show a card |')
    print('| --- | ---: | ---: | ---: | ---: |')
    for h in hows:
        n, k = total[h], shown[h]
        m = len(without) if h == 'all' else total_how[h]
        z = len(noisy) if h == 'all' else noise_how[h]
        pct = lambda a, b: '%.1f%%' % (100.0 * a / b) if b else '-'
        print('| %s | %d | %s | %d | %s |' % (h, n, pct(k, n), m, pct(z, m)))
    print()
    for h in hows[:-1]:
        for s, key in misses[h][:failures]:
            print('MISS %s %s:%d:%d %s got %s' % (h, s['file'], s['line'], s['col16'], s['name'], key))
    for s in noisy[:failures]:
        card = cards[(s['file'], s['line'], s['col16'])]
        print('NOISE %s %s:%d:%d %s got %s' % (s['how'], s['file'], s['line'], s['col16'], s['name'], card.get('key')))
    print()

if __name__ == '__main__':
    main()
