#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Driver of tests/60-lifecycle.sh: loops that would cost several process
starts per iteration in the shell (each ~0.2-1 s under TCG) run here, on
netlink and system calls.  Prints the lines tests/dp_lib.sh's dp_run turns
into points (plan N, ok NAME, nok NAME, diag TEXT).

  lifecycle.py reload N ASYNC KO
      h1/h2 exist, h2 is an XFRM peer (ESP AES-GCM, SPIs 0x1001/0x1002),
      ipsec6 is not loaded.  N times: load KO (crypto_async=ASYNC every
      other time, else 0), configure h1, wait until protected replies
      arrive, then, at real-time priority so that no crypto worker runs in
      between: a burst of UDP datagrams from h1, read how many of them are
      inside the transform (sequence numbers handed out minus transforms
      completed), delete_module().
  lifecycle.py teardown N
      ipsec6 is loaded.  N times: h1/h2 with the module on both sides and
      a ping from h1; then a burst from the peer into the victim (h2 for
      odd, h1 for even iterations), and the victim's namespace is deleted
      while it decrypts them and encrypts its answers.  Then the other.
  lifecycle.py delete N ASYNC
      ipsec6 is loaded, h1/h2 exist.  N rounds: on h1, then h2: a burst
      from that side, the number of its packets inside the transform, and
      at once (same real-time stretch) SA flush; add back; traffic must
      resume.  The same with policy flush.

With /sys/kernel/tracing, ipsec6_netns_exit() and init_wait_var_entry()
are traced: a namespace exit that waited for packets still inside
asynchronous crypto shows the second right after the first, same task.
"""
import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ynl_ipsec6 as nl  # noqa: E402
from ynl_ipsec6 import C  # noqa: E402
from netns_helper import enter  # noqa: E402

H1, H2 = '2001:db8::1', '2001:db8::2'
MAC1, MAC2 = '00:aa:00:53:a9:2c', '00:aa:00:92:d0:f1'
KEY_A = bytes.fromhex('0102030405060708090a0b0c0d0e0f1011121314')
SPI_OUT = {'h1': 0x1001, 'h2': 0x1002}
BURST = 100
ME = {'h1': H1, 'h2': H2}
PEER = {'h1': 'h2', 'h2': 'h1'}

libc = ctypes.CDLL(None, use_errno=True)
SYS_finit_module, SYS_delete_module = 313, 176
TRACING = '/sys/kernel/tracing'


def out(kind, text=''):
    print(('%s %s' % (kind, text)).rstrip(), flush=True)


def point(good, name, diags=()):
    out('ok' if good else 'nok', name)
    for d in diags:
        out('diag', d)


def CMD(n):
    return C['IPSEC6_CMD_' + n]


def cmd_ip(*args):
    subprocess.run(('ip',) + args, check=True, stdout=subprocess.DEVNULL)


def genl(ns):
    enter(ns)
    try:
        return nl.Genl()
    finally:
        enter('-')


def udp(ns):
    enter(ns)
    try:
        s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 20)
        return s
    finally:
        enter('-')


def sa_reqs(ns):
    reqs = []
    for i, (src, dst) in enumerate(((H1, H2), (H2, H1)), 1):
        reqs.append((CMD('SA_NEW'), nl.sa_attrs(
            i, 0x1000 + i, dst, C['IPSEC6_PROTO_ESP'],
            mode=C['IPSEC6_MODE_TRANSPORT'], src=src,
            aead_name='rfc4106(gcm(aes))', aead_key=KEY_A, icv_len=128)))
    return reqs


def policy_reqs(ns):
    me, peer = ME[ns], ME[PEER[ns]]
    reqs = []
    for i, d in ((2, 'out'), (3, 'in')):
        reqs.append((CMD('POLICY_NEW'), nl.policy_attrs(
            i, d, 'apply', remote=(peer, peer), local=(me, me),
            ipsec_proto=C['IPSEC6_PROTO_ESP'],
            mode=C['IPSEC6_MODE_TRANSPORT'])))
    return reqs


def commit(g, reqs):
    """One transaction; returns an error text or None."""
    r = g.request(CMD('TXN_BEGIN'))
    if r.error:
        return 'TXN_BEGIN: %d %s' % (r.error, r.msg)
    for r in g.batch(reqs):
        if r.error:
            g.request(CMD('TXN_ABORT'))
            return 'rejected: %d %s' % (r.error, r.msg)
    r = g.request(CMD('TXN_COMMIT'))
    if r.error:
        return 'TXN_COMMIT: %d %s' % (r.error, r.msg)
    return None


def configure(g, ns, what=('sa', 'policy')):
    reqs = []
    if 'sa' in what:
        reqs += sa_reqs(ns)
    if 'policy' in what:
        reqs += policy_reqs(ns)
    return commit(g, reqs)


def flush(g, what):
    r = g.request(CMD('SA_FLUSH' if what == 'sa' else 'POLICY_FLUSH'))
    return 'flush %s: %d %s' % (what, r.error, r.msg) if r.error else None


def sa_counts(g):
    """{spi: (seq, packets)}"""
    res = {}
    for sa in nl.nests(g.dump(CMD('SA_GET')), C['IPSEC6_A_SA']):
        counts = nl.parse_attrs(sa.get(C['IPSEC6_SA_A_COUNTS'], b''))
        res[nl.num(sa, C['IPSEC6_SA_A_SPI'])] = (
            nl.num(sa, C['IPSEC6_SA_A_SEQ']) or 0,
            nl.num(counts, C['IPSEC6_COUNTS_A_PACKETS']) or 0)
    return res


def in_flight(g, spi):
    c = sa_counts(g).get(spi)
    return c[0] - c[1] if c else None


def wait_flow(g, spi, timeout=10.0):
    """Packets arrive on inbound SA spi (of g's namespace) from now on."""
    start = sa_counts(g).get(spi, (0, 0))[1]
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if sa_counts(g).get(spi, (0, 0))[1] > start:
            return True
        time.sleep(0.02)
    return False


@contextlib.contextmanager
def realtime():
    """No crypto worker (SCHED_OTHER) runs on this CPU meanwhile."""
    os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(10))
    try:
        yield
    finally:
        os.sched_setscheduler(0, os.SCHED_OTHER, os.sched_param(0))


def burst(s, dst, n=BURST):
    errs = 0
    for _ in range(n):
        try:
            s.sendto(b'lifecycle', (dst, 9))
        except OSError:
            errs += 1
    return errs


class flood:
    """A child process sending UDP datagrams on socket s as fast as it
    can (blocking when the socket's send buffer is full)."""

    def __init__(self, s, dst):
        self.pid = os.fork()
        if self.pid == 0:
            try:
                # Only this socket: others would keep their namespaces.
                os.closerange(3, s.fileno())
                os.closerange(s.fileno() + 1, 1 << 16)
                while True:
                    try:
                        s.sendto(b'flood', (dst, 9))
                    except OSError:
                        time.sleep(0.001)
            finally:
                os._exit(0)
        s.close()

    def poll(self):
        pid, _ = os.waitpid(self.pid, os.WNOHANG)
        return None if pid == 0 else 0

    def kill(self):
        os.kill(self.pid, signal.SIGKILL)

    def wait(self):
        os.waitpid(self.pid, 0)


def ping(ns, dst):
    return subprocess.Popen(['ip', 'netns', 'exec', ns, 'ping', '-n', '-q',
                             '-i', '0.01', dst],
                            stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def stop(p):
    alive = p.poll() is None
    p.kill()
    p.wait()
    return alive


def summary(vals):
    vals = [v for v in vals if v is not None]
    if not vals:
        return 'none'
    return 'min %d, median %d, max %d' % (min(vals), sorted(vals)[len(vals) // 2],
                                         max(vals))


class Trace:
    """Namespace exits, and whether each waited (init_wait_var_entry).

    The exit is a kprobe event on ipsec6:ipsec6_netns_exit: it is armed
    again each time the module is loaded, and its lines keep the event's
    name once the module is gone (a function tracer line would show a bare
    address then).  The trace is read whole each time, never cleared, so
    no line written between a read and a clear is lost."""

    EVENT = 'ipsec6_lc_exit'

    def __init__(self):
        self.ok = False
        try:
            funcs = open(TRACING + '/available_filter_functions').read()
        except OSError:
            return
        if 'init_wait_var_entry' not in funcs:
            return
        try:
            self.w('tracing_on', '0')
            self.w('current_tracer', 'nop')
            self.w('trace', '')
            self.w('kprobe_events', '-:' + self.EVENT, 'a', quiet=True)
            self.w('kprobe_events', 'p:%s ipsec6:ipsec6_netns_exit' % self.EVENT, 'a')
            self.w('events/kprobes/%s/enable' % self.EVENT, '1')
            self.w('set_ftrace_filter', 'init_wait_var_entry')
            self.w('current_tracer', 'function')
            self.w('tracing_on', '1')
            self.ok = True
        except OSError:
            pass

    def w(self, f, v, mode='w', quiet=False):
        # os.open: Python's own 'a' mode seeks to the end, which tracefs
        # files refuse (EINVAL).
        flags = os.O_WRONLY | (os.O_APPEND if mode == 'a' else os.O_TRUNC)
        try:
            fd = os.open(os.path.join(TRACING, f), flags)
            try:
                os.write(fd, v.encode() + b'\n')
            finally:
                os.close(fd)
        except OSError:
            if not quiet:
                raise

    def count(self):
        n = waited = 0
        pending = {}
        for line in open(TRACING + '/trace').read().splitlines():
            parts = line.split()
            if line.startswith('#') or len(parts) < 5:
                continue
            task = parts[0]
            if self.EVENT + ':' in line:
                n += 1
                pending[task] = True
            elif 'init_wait_var_entry' in line and pending.pop(task, False):
                waited += 1
        return n, waited

    def exits(self, least=0, timeout=30.0):
        """(exits, exits that waited) so far; waits up to timeout for
        at least least exits (namespaces are dismantled by a worker)."""
        if not self.ok:
            return None
        end = time.monotonic() + timeout
        while True:
            n, waited = self.count()
            if n >= least or time.monotonic() > end:
                return n, waited
            time.sleep(0.2)

    def stop(self):
        if self.ok:
            self.w('tracing_on', '0')
            self.w('current_tracer', 'nop')
            self.w('set_ftrace_filter', '')
            self.w('events/kprobes/%s/enable' % self.EVENT, '0')
            self.w('kprobe_events', '-:' + self.EVENT, 'a')
            self.w('trace', '')


def load(ko, asyn):
    fd = os.open(ko, os.O_RDONLY)
    try:
        r = libc.syscall(SYS_finit_module, fd,
                         ('crypto_async=%d' % asyn).encode(), 0)
        return 0 if r == 0 else ctypes.get_errno()
    finally:
        os.close(fd)


def unload():
    r = libc.syscall(SYS_delete_module, b'ipsec6', os.O_NONBLOCK)
    return 0 if r == 0 else ctypes.get_errno()


def do_reload(n, asyn, ko):
    out('plan', 6)
    errors, flows, rmmods, inflight = [], 0, 0, []
    tr = Trace()
    traffic = ping('h1', H2)
    s = udp('h1')
    flooder = flood(udp('h1'), H2)
    t0 = time.monotonic()
    for i in range(1, n + 1):
        a = asyn if i % 2 else 0
        err = load(ko, a)
        if err:
            errors.append('load %d: finit_module: %s' % (i, os.strerror(err)))
            continue
        g = genl('h1')
        e = configure(g, 'h1')
        if e:
            errors.append('load %d: %s' % (i, e))
        if wait_flow(g, SPI_OUT['h2']):
            flows += 1
        else:
            errors.append('load %d: no protected reply within 10 s' % i)
        with realtime():
            burst(s, H2)
            f = in_flight(g, SPI_OUT['h1'])
            g.close()
            err = unload()
        if a:
            inflight.append(f)
        if err:
            errors.append('load %d: delete_module: %s' % (i, os.strerror(err)))
            for _ in range(100):
                time.sleep(0.1)
                if not unload():
                    break
        else:
            rmmods += 1
    secs = time.monotonic() - t0
    alive = stop(traffic)
    fl = stop(flooder)
    ex = tr.exits(3 * rmmods)
    tr.stop()
    diags = errors[:20]
    out('diag', '%d loads in %.1f s' % (n, secs))
    point(not [e for e in errors if 'finit' in e or 'TXN' in e or 'rejected' in e],
          '%d loads, each configured' % n, diags)
    point(flows == n, 'protected traffic flowed through each of the %d loads' % n)
    point(rmmods == n, 'rmmod (delete_module, O_NONBLOCK) succeeded at once all %d times' % n)
    if asyn:
        point(inflight and all(f and f > 0 for f in inflight),
              'every asynchronous load had packets inside its transforms at rmmod',
              ['packets inside the transform at rmmod: %s (%d loads)'
               % (summary(inflight), len(inflight))])
    else:
        out('skip', 'packets inside the transforms at rmmod\tno pcrypt')
    if ex:
        out('diag', 'namespace exits traced: %d, %d of them waited for packets in crypto'
            % ex)
        point(ex[0] >= 3 * rmmods, 'each rmmod ran the exit of the 3 namespaces (%d traced)'
              % ex[0])
    else:
        out('skip', 'namespace exits traced\tno function tracer')
    point(alive and fl, 'the ping and the UDP flood ran throughout')


def make_hosts():
    for ns in ('h1', 'h2'):
        subprocess.run(['ip', 'netns', 'del', ns], stderr=subprocess.DEVNULL)
    cmd_ip('netns', 'add', 'h1')
    cmd_ip('netns', 'add', 'h2')
    cmd_ip('link', 'add', 'name', 'veth0', 'netns', 'h1', 'address', MAC1,
           'type', 'veth', 'peer', 'name', 'veth0', 'netns', 'h2',
           'address', MAC2)
    for ns, me, peer, mac in (('h1', H1, H2, MAC2), ('h2', H2, H1, MAC1)):
        p = subprocess.run(['ip', '-n', ns, '-batch', '-'], input=(
            'link set lo up\nlink set veth0 up\n'
            'addr add %s/64 dev veth0 nodad\n'
            'neigh replace %s lladdr %s dev veth0 nud permanent\n'
            % (me, peer, mac)).encode(), stdout=subprocess.DEVNULL)
        if p.returncode:
            raise SystemExit('ip -n %s -batch failed' % ns)


def gone(ns):
    path = '/run/netns/' + ns
    if libc.umount2(path.encode(), 2) != 0:   # MNT_DETACH
        return os.strerror(ctypes.get_errno())
    os.unlink(path)
    return None


def has_veth(ns):
    enter(ns)
    try:
        socket.if_nametoindex('veth0')
        return True
    except OSError:
        return False
    finally:
        enter('-')


def do_teardown(n):
    out('plan', 3)
    tr = Trace()
    errors, done, waited_total = [], 0, 0
    t0 = time.monotonic()
    for i in range(1, n + 1):
        victim = 'h2' if i % 2 else 'h1'
        make_hosts()
        g = {ns: genl(ns) for ns in ('h1', 'h2')}
        for ns in ('h1', 'h2'):
            e = configure(g[ns], ns)
            if e:
                errors.append('%d: %s: %s' % (i, ns, e))
        traffic = ping('h1', H2)
        if not wait_flow(g['h1'], SPI_OUT['h2']):
            errors.append('%d: no traffic before the teardown' % i)
        flooder = flood(udp(PEER[victim]), ME[victim])
        s = udp(PEER[victim])
        for x in g.values():
            x.close()
        with realtime():
            burst(s, ME[victim], 2 * BURST)
            e = gone(victim)
            if victim == 'h1':
                traffic.kill()
        s.close()
        if e:
            errors.append('%d: deleting %s: %s' % (i, victim, e))
            for p in (traffic, flooder):
                p.kill()
                p.wait()
            continue
        # The victim's veth end goes with it, and the other one then.
        end = time.monotonic() + 30
        while has_veth(PEER[victim]) and time.monotonic() < end:
            time.sleep(0.05)
        if has_veth(PEER[victim]):
            errors.append('%d: %s is not dismantled after 30 s' % (i, victim))
        for p in (traffic, flooder):
            p.kill()
            p.wait()
        gone(PEER[victim])
        done += 1
    secs = time.monotonic() - t0
    ex = tr.exits(2 * done)
    tr.stop()
    out('diag', '%d teardowns in %.1f s' % (n, secs))
    point(not errors, 'configured, traffic flowed, then deleted under traffic: %d pairs' % n,
          errors[:20])
    point(done == n, 'each victim namespace was dismantled')
    if ex:
        out('diag', 'namespace exits traced: %d, of which %d waited for packets in crypto'
            % ex)
        point(ex[0] >= 2 * done, 'every namespace exit ran (%d traced)' % ex[0])
    else:
        out('skip', 'every namespace exit ran\tno function tracer')


def do_delete(n, asyn):
    out('plan', 4)
    g = {ns: genl(ns) for ns in ('h1', 'h2')}
    s = {ns: udp(ns) for ns in ('h1', 'h2')}
    errors, inflight, resumed, total = [], [], 0, 0
    traffic = ping('h1', H2)
    for ns in ('h1', 'h2'):
        e = configure(g[ns], ns)
        if e:
            errors.append('setup %s: %s' % (ns, e))
    if not wait_flow(g['h1'], SPI_OUT['h2']):
        errors.append('no traffic at the start')
    t0 = time.monotonic()
    for i in range(1, n + 1):
        for ns in ('h1', 'h2'):
            for what in ('sa', 'policy'):
                total += 1
                with realtime():
                    burst(s[ns], ME[PEER[ns]])
                    f = in_flight(g[ns], SPI_OUT[ns])
                    e = flush(g[ns], what)
                inflight.append(f)
                if e:
                    errors.append('%d %s: %s' % (i, ns, e))
                e = configure(g[ns], ns, (what,))
                if e:
                    errors.append('%d %s: adding the %ss back: %s'
                                  % (i, ns, what, e))
                if wait_flow(g['h1'], SPI_OUT['h2']):
                    resumed += 1
                else:
                    errors.append('%d: no traffic after %s\'s %ss came back'
                                  % (i, ns, what))
    secs = time.monotonic() - t0
    alive = stop(traffic)
    out('diag', '%d rounds in %.1f s' % (n, secs))
    point(not [e for e in errors if 'traffic' not in e],
          '%d flushes (SAs, policies, on h1 and h2) and re-adds accepted' % total,
          errors[:20])
    point(resumed == total, 'traffic resumed after each of the %d re-adds' % total)
    if asyn:
        point(inflight and all(f and f > 0 for f in inflight),
              'every flush found packets of the SAs inside their transforms',
              ['packets inside the transform at the flush: %s (%d flushes)'
               % (summary(inflight), len(inflight))])
    else:
        out('skip', 'packets inside the transforms at the flush\tno pcrypt')
    point(alive, 'the ping ran throughout')
    for x in g.values():
        x.close()


def main():
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    cmd = sys.argv[1]
    if cmd == 'reload':
        do_reload(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4])
    elif cmd == 'teardown':
        do_teardown(int(sys.argv[2]))
    elif cmd == 'delete':
        do_delete(int(sys.argv[2]), int(sys.argv[3]))
    else:
        raise SystemExit('unknown command ' + cmd)


if __name__ == '__main__':
    main()
