#!/usr/bin/env python3
"""Throughput benchmark: mtpe check (every rule + spelling, JSON) against aspell and hunspell.

Builds a corpus of each requested size from ../shared/corpus/wmt-ru-en/sys-*.en.txt (the
eight MT outputs, concatenated in name order and repeated, cut at a line end; or from
--source FILE), then runs, alternating within each round, `mtpe check --format json`,
`aspell list` and `hunspell -l` on the same file, and prints per tool the median wall
time, MB/s, words/s, peak memory (max RSS) and start-up time (a one-line file), plus the
mtpe/aspell throughput ratio. A benchmark, not a test: run it on a quiet machine.

usage: bench/bench.py [--mtpe build/mtpe] [--sizes 1,10,100] [--rounds 3]
                      [--source FILE] [--no-hunspell] [-j N]
"""
import argparse, os, shutil, statistics, subprocess, sys, tempfile, time, resource

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.path.normpath(os.path.join(HERE, '..', '..', 'shared', 'corpus', 'wmt-ru-en'))


def build_corpus(path, size, sources):
    data = b''.join(open(s, 'rb').read() for s in sources)
    if not data.endswith(b'\n'):
        data += b'\n'
    with open(path, 'wb') as out:
        n = 0
        while n < size:
            for line in data.splitlines(keepends=True):
                out.write(line)
                n += len(line)
                if n >= size:
                    break


def run(cmd, stdin_path=None):
    """Runs cmd, returns (seconds, max RSS in KiB of that child)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    with open(stdin_path, 'rb') if stdin_path else open(os.devnull, 'rb') as f:
        p = subprocess.run(cmd, stdin=f, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    dt = time.perf_counter() - t0
    if p.returncode not in (0, 1):
        sys.exit(f"{cmd[0]} failed ({p.returncode}): {p.stderr.decode(errors='replace')[-500:]}")
    # ru_maxrss of RUSAGE_CHILDREN is the max over all children so far; measure via /usr/bin/time instead
    return dt


def peak_rss(cmd, stdin_path=None):
    t = shutil.which('time') or '/usr/bin/time'
    if not os.path.exists(t):
        return 0
    with open(stdin_path, 'rb') if stdin_path else open(os.devnull, 'rb') as f:
        p = subprocess.run([t, '-f', '%M'] + cmd, stdin=f, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        return int(p.stderr.decode().strip().splitlines()[-1])
    except (ValueError, IndexError):
        return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--mtpe', default=os.path.join(HERE, '..', 'build', 'mtpe'))
    ap.add_argument('--sizes', default='1,10,100', help='sizes in MB')
    ap.add_argument('--rounds', type=int, default=3)
    ap.add_argument('--source', action='append', help='text file(s) to build the corpus from')
    ap.add_argument('--no-hunspell', action='store_true', help='skip hunspell -l (slow on big files)')
    ap.add_argument('-j', type=int, default=0, help='pass -j N to mtpe check')
    a = ap.parse_args()
    sources = a.source or sorted(os.path.join(SHARED, f) for f in os.listdir(SHARED)
                                 if f.startswith('sys-') and f.endswith('.en.txt')) if (a.source or os.path.isdir(SHARED)) else None
    if not sources:
        print(f"bench: no corpus ({SHARED} is absent); give --source FILE")
        return 0
    mtpe = os.path.abspath(a.mtpe)
    # --max-size: the default cap (64 MiB) would refuse the 100 MB corpus
    tools = {'mtpe': lambda f: [mtpe, 'check', '--format', 'json', '--max-size', '1G'] +
             (['-j', str(a.j)] if a.j else []) + [f]}
    if shutil.which('aspell'):
        tools['aspell'] = lambda f: ['aspell', '--lang=en_US', 'list']
    if shutil.which('hunspell') and not a.no_hunspell:
        tools['hunspell'] = lambda f: ['hunspell', '-d', 'en_US', '-l']
    stdin_tools = {'aspell', 'hunspell'}
    tmp = tempfile.mkdtemp(prefix='mtpe-bench-')
    try:
        one = os.path.join(tmp, 'one.txt')
        open(one, 'w').write('The minister arrived in Moscow on Monday.\n')
        startup = {}
        for name, cmd in tools.items():
            ts = [run(cmd(one), one if name in stdin_tools else None) for _ in range(7)]
            startup[name] = statistics.median(ts)
        print(f"{'size':>6} {'tool':<9} {'seconds':>8} {'MB/s':>8} {'words/s':>11} {'peak MiB':>9} {'start-up ms':>12}")
        for mb in [float(x) for x in a.sizes.split(',')]:
            path = os.path.join(tmp, f'corpus-{mb:g}MB.txt')
            build_corpus(path, int(mb * 1e6), sources)
            size = os.path.getsize(path)
            words = len(open(path, 'rb').read().split())
            times = {n: [] for n in tools}
            for _ in range(a.rounds):  # alternate the tools within each round
                for name, cmd in tools.items():
                    times[name].append(run(cmd(path), path if name in stdin_tools else None))
            res = {}
            for name, cmd in tools.items():
                t = statistics.median(times[name])
                rss = peak_rss(cmd(path), path if name in stdin_tools else None)
                res[name] = t
                print(f"{mb:>5g}M {name:<9} {t:>8.2f} {size / 1e6 / t:>8.2f} {words / t:>11.0f} {rss / 1024:>9.1f} {startup[name] * 1000:>12.1f}")
            if 'aspell' in res:
                print(f"{mb:>5g}M mtpe/aspell throughput ratio: {res['aspell'] / res['mtpe']:.2f}"
                      f"   (mtpe peak memory limit 64 MiB + 2 x {size / 2**20:.1f} MiB = {64 + 2 * size / 2**20:.0f} MiB)")
            os.unlink(path)
    finally:
        shutil.rmtree(tmp)
    return 0


if __name__ == '__main__':
    sys.exit(main())
