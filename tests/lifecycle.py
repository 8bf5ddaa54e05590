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
      odd, h1 for even iterations), and, while the victim decrypts them
      and encrypts its answers, the victim's namespace is deleted (two
      iterations out of four) or its veth (RTM_DELLINK; the pair goes).
      Then the other namespace.  The devices freed and ipsec6's
      asynchronous completions are traced (DevTrace): no completion may
      refer to a device that was freed.  The hosts of each round are built
      over rtnetlink (make_hosts), the ping is a child process: no exec.
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
import struct
import sys
import threading
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


class ping(flood):
    """A child process in ns sending an ICMPv6 echo request to dst every
    10 ms (raw socket; the peer's kernel answers)."""

    def __init__(self, ns, dst):
        enter(ns)
        try:
            s = socket.socket(socket.AF_INET6, socket.SOCK_RAW,
                              socket.IPPROTO_ICMPV6)
        finally:
            enter('-')
        self.pid = os.fork()
        if self.pid == 0:
            try:
                os.closerange(3, s.fileno())
                os.closerange(s.fileno() + 1, 1 << 16)
                n = 0
                while True:
                    n = (n + 1) & 0xffff
                    try:
                        s.sendto(struct.pack('!BBHHH', 128, 0, 0, os.getpid() & 0xffff,
                                             n) + b'lifecycle', (dst, 0))
                    except OSError:
                        pass
                    time.sleep(0.01)
            finally:
                os._exit(0)
        s.close()


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


class DevTrace:
    """Devices freed, and ipsec6's asynchronous completions, in a trace
    instance of their own (kprobe events; read from its trace_pipe by a
    thread, so nothing is lost however long the run).

    free_netdev(dev) kills a device pointer, alloc_netdev_mqs() returning
    it brings it back.  ipsec6_input_done()/ipsec6_output_done(skb, pkt,
    err) record skb->dev (offset 16 of struct sk_buff) and the hook
    state's in and out (struct ipsec6_pkt starts with struct
    nf_hook_state: u8 hook, u8 pf, in at 8, out at 16).  A completion
    that names a dead pointer is a packet that came back from the crypto
    API after its device was freed: a use after free.

    A namespace being dismantled is seen at xfrm_user's pre_exit (before
    its devices go; xfrm_user is loaded); ipsec6_hooks_resume(skb, state)
    records state->net (offset 32 of struct nf_hook_state), our namespace
    init a new one.  A packet resumed into a dying namespace would meet
    devices of it that are freed (its loopback)."""

    INST = TRACING + '/instances/ipsec6_lc'
    PKT = 'skbdev=+16(%di):x64 in=+8(%si):x64 out=+16(%si):x64'
    EVENTS = (('ipsec6_lc_free', 'p:ipsec6_lc_free free_netdev dev=%di:x64'),
              ('ipsec6_lc_alloc',
               'r:ipsec6_lc_alloc alloc_netdev_mqs dev=$retval:x64'),
              ('ipsec6_lc_in', 'p:ipsec6_lc_in ipsec6:ipsec6_input_done ' + PKT),
              ('ipsec6_lc_out',
               'p:ipsec6_lc_out ipsec6:ipsec6_output_done ' + PKT),
              ('ipsec6_lc_nsexit', 'p:ipsec6_lc_nsexit ipsec6:ipsec6_netns_exit'),
              ('ipsec6_lc_nsinit',
               'p:ipsec6_lc_nsinit ipsec6:ipsec6_netns_init net=%di:x64'),
              ('ipsec6_lc_resume',
               'p:ipsec6_lc_resume ipsec6:ipsec6_hooks_resume net=+32(%si):x64'),
              ('ipsec6_lc_dying',
               'p:ipsec6_lc_dying xfrm_user_net_pre_exit net=%di:x64'))

    def __init__(self):
        self.ok = False
        self.events = []
        try:
            self.stop_events()
            if not os.path.isdir(self.INST):
                os.mkdir(self.INST)
            for name, ev in self.EVENTS:
                self.w(TRACING + '/kprobe_events', ev, append=True)
            self.w(self.INST + '/buffer_size_kb', '4096')
            for name, _ in self.EVENTS:
                self.w('%s/events/kprobes/%s/enable' % (self.INST, name), '1')
            self.w(self.INST + '/tracing_on', '1')
        except OSError as e:
            self.why = str(e)
            self.stop_events()
            return
        self.ok = True
        self.done = threading.Event()
        self.thread = threading.Thread(target=self.read, daemon=True)
        self.thread.start()

    @staticmethod
    def w(path, value, append=False):
        fd = os.open(path, os.O_WRONLY | (os.O_APPEND if append else os.O_TRUNC))
        try:
            os.write(fd, value.encode() + b'\n')
        finally:
            os.close(fd)

    def mark(self, text):
        if self.ok:
            self.w(self.INST + '/trace_marker', 'ipsec6_lc ' + text)

    def read(self):
        fd = os.open(self.INST + '/trace_pipe', os.O_RDONLY)
        rest = b''
        try:
            while True:
                data = os.read(fd, 65536)
                lines = (rest + data).split(b'\n')
                rest = lines.pop()
                for line in lines:
                    if self.parse(line.decode(errors='replace')):
                        return
        finally:
            os.close(fd)
            self.done.set()

    def parse(self, line):
        """Appends (kind, values); true at the end marker."""
        if 'ipsec6_lc ' in line and 'tracing_mark_write' in line:
            text = line.split('ipsec6_lc ', 1)[1].strip()
            self.events.append(('mark', text))
            return text == 'end'
        for kind in ('free', 'alloc', 'in', 'out', 'nsexit', 'nsinit',
                     'resume', 'dying'):
            if 'ipsec6_lc_%s:' % kind in line:
                vals = dict(f.split('=', 1) for f in line.split() if '=' in f)
                self.events.append((kind, {k: int(v, 16) for k, v in vals.items()
                                           if v.startswith('0x')}))
        return False

    def finish(self, exits):
        """After ipsec6's exit ran for at least exits namespaces (their
        devices were freed before): (completions naming a freed device,
        packets resumed into a dying namespace, examples of both, per
        deletion the completions after it began)."""
        if not self.ok:
            return None
        end = time.monotonic() + 60
        while (sum(1 for k, _ in self.events if k == 'nsexit') < exits and
               time.monotonic() < end):
            time.sleep(0.1)
        self.mark('end')
        self.done.wait(30)
        self.stop_events()
        dead, late, examples, parked, since = set(), 0, [], [], None
        dying, resumed = set(), 0
        for kind, v in self.events:
            if kind == 'mark':
                if v.startswith('del '):
                    since = []
                    parked.append(since)
                continue
            if kind == 'dying':
                dying.add(v['net'])
                continue
            if kind == 'nsinit':
                dying.discard(v['net'])
                continue
            if kind == 'resume':
                if v['net'] in dying:
                    resumed += 1
                    if len(examples) < 10:
                        examples.append('resumed into a namespace being dismantled: '
                                        'net=%#x' % v['net'])
                continue
            if kind == 'free':
                dead.add(v['dev'])
                continue
            if kind == 'alloc':
                dead.discard(v['dev'])
                continue
            if kind == 'nsexit':
                continue
            devs = {v[k] for k in ('skbdev', 'in', 'out') if v.get(k)}
            if devs & dead:
                late += 1
                if len(examples) < 5:
                    examples.append('%s_done after free_netdev: %s' %
                                    (kind, ' '.join('%s=%#x' % i for i in sorted(v.items()))))
            elif since is not None:
                since.append(devs)
        # Every device the pair used is freed at the end of its round:
        # what completes after the deletion began was waited for.
        return late, resumed, examples, [len(x) for x in parked]

    def stop_events(self):
        for name, _ in self.EVENTS:
            try:
                self.w('%s/events/kprobes/%s/enable' % (self.INST, name), '0')
            except OSError:
                pass
        for name, _ in self.EVENTS:
            try:
                self.w(TRACING + '/kprobe_events', '-:' + name, append=True)
            except OSError:
                pass
        try:
            os.rmdir(self.INST)
        except OSError:
            pass


def ifindex(ns, name):
    enter(ns)
    try:
        return socket.if_nametoindex(name)
    finally:
        enter('-')


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
        out('skip', 'packets inside the transforms at rmmod\tno cryptd')
    if ex:
        out('diag', 'namespace exits traced: %d, %d of them waited for packets in crypto'
            % ex)
        point(ex[0] >= 3 * rmmods, 'each rmmod ran the exit of the 3 namespaces (%d traced)'
              % ex[0])
    else:
        out('skip', 'namespace exits traced\tno function tracer')
    point(alive and fl, 'the ping and the UDP flood ran throughout')


# rtnetlink, for building the hosts of a teardown round without running
# ip (each exec costs a good part of a second in a loaded TCG guest).
RTM_NEWLINK, RTM_DELLINK, RTM_NEWADDR, RTM_NEWNEIGH = 16, 17, 20, 28
NLM_F_REQUEST, NLM_F_ACK, NLM_F_EXCL, NLM_F_CREATE = 1, 4, 0x200, 0x400
IFLA_ADDRESS, IFLA_IFNAME, IFLA_LINKINFO, IFLA_NET_NS_FD = 1, 3, 18, 28
IFLA_INFO_KIND, IFLA_INFO_DATA, VETH_INFO_PEER = 1, 2, 1
IFA_ADDRESS, IFA_LOCAL, IFA_FLAGS, IFA_F_NODAD = 1, 2, 8, 0x02
NDA_DST, NDA_LLADDR, NUD_PERMANENT = 1, 2, 0x80
IFF_UP, CLONE_NEWNET, MS_BIND = 1, 0x40000000, 4096


def mac(text):
    return bytes(int(x, 16) for x in text.split(':'))


def ifinfo(index=0, flags=0, change=0):
    return struct.pack('=BxHiII', socket.AF_UNSPEC, 0, index, flags, change)


class Rtnl:
    """An rtnetlink socket in namespace ns (None: this one)."""

    def __init__(self, ns=None):
        if ns:
            enter(ns)
        try:
            self.s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0)
        finally:
            if ns:
                enter('-')
        self.seq = 0

    def req(self, typ, body, flags=0):
        """Sends one request; returns its errno (0: done)."""
        self.seq += 1
        self.s.send(struct.pack('=IHHII', 16 + len(body), typ,
                                NLM_F_REQUEST | NLM_F_ACK | flags, self.seq, 0)
                    + body)
        while True:
            data, off = self.s.recv(65536), 0
            while off + 20 <= len(data):
                ln, t, _, seq, _ = struct.unpack_from('=IHHII', data, off)
                if t == 2 and seq == self.seq:      # NLMSG_ERROR
                    return -struct.unpack_from('=i', data, off + 16)[0]
                off += (ln + 3) & ~3

    def close(self):
        self.s.close()


def netns_add(name):
    """ip netns add NAME: a child enters a new namespace, which is bound
    on /run/netns/NAME."""
    path = '/run/netns/' + name
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(r)
            if libc.unshare(CLONE_NEWNET) == 0:
                os.write(w, b'1')
                time.sleep(60)
        finally:
            os._exit(0)
    os.close(w)
    try:
        if os.read(r, 1) != b'1':
            raise SystemExit('netns add %s: unshare failed' % name)
        os.close(os.open(path, os.O_RDONLY | os.O_CREAT | os.O_EXCL, 0))
        if libc.mount(('/proc/%d/ns/net' % pid).encode(), path.encode(),
                      None, MS_BIND, None) != 0:
            raise SystemExit('netns add %s: mount: %s'
                             % (name, os.strerror(ctypes.get_errno())))
    finally:
        os.close(r)
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)


def make_hosts():
    """h1 and h2 joined by veth0: global addresses (no DAD), links up,
    static neighbours, as lc_lib.sh's lc_hosts."""
    for ns in ('h1', 'h2'):
        if os.path.exists('/run/netns/' + ns):
            gone(ns)
        netns_add(ns)
    fds = [os.open('/run/netns/' + ns, os.O_RDONLY) for ns in ('h1', 'h2')]
    rt = Rtnl()
    try:
        peer = ifinfo() + b''.join(a.pack() for a in (
            nl.string(IFLA_IFNAME, 'veth0'), nl.binary(IFLA_ADDRESS, mac(MAC2)),
            nl.u32(IFLA_NET_NS_FD, fds[1])))
        err = rt.req(RTM_NEWLINK, ifinfo() + b''.join(a.pack() for a in (
            nl.string(IFLA_IFNAME, 'veth0'), nl.binary(IFLA_ADDRESS, mac(MAC1)),
            nl.u32(IFLA_NET_NS_FD, fds[0]),
            nl.nest(IFLA_LINKINFO, [
                nl.string(IFLA_INFO_KIND, 'veth'),
                nl.nest(IFLA_INFO_DATA, [nl.Attr(VETH_INFO_PEER, peer)])]))),
            NLM_F_CREATE | NLM_F_EXCL)
    finally:
        rt.close()
        for fd in fds:
            os.close(fd)
    if err:
        raise SystemExit('veth: %s' % os.strerror(err))
    for ns, me, other, lladdr in (('h1', H1, H2, MAC2), ('h2', H2, H1, MAC1)):
        rt = Rtnl(ns)
        enter(ns)
        try:
            lo, veth = socket.if_nametoindex('lo'), socket.if_nametoindex('veth0')
        finally:
            enter('-')
        ifa = struct.pack('=BBBBi', socket.AF_INET6, 64, 0, 0, veth)
        nda = struct.pack('=BxxxiHBB', socket.AF_INET6, veth, NUD_PERMANENT, 0, 0)
        errs = [rt.req(RTM_NEWLINK, ifinfo(lo, IFF_UP, IFF_UP)),
                rt.req(RTM_NEWLINK, ifinfo(veth, IFF_UP, IFF_UP)),
                rt.req(RTM_NEWADDR, ifa + nl.addr(IFA_LOCAL, me).pack() +
                       nl.addr(IFA_ADDRESS, me).pack() +
                       nl.u32(IFA_FLAGS, IFA_F_NODAD).pack(), NLM_F_CREATE),
                rt.req(RTM_NEWNEIGH, nda + nl.addr(NDA_DST, other).pack() +
                       nl.binary(NDA_LLADDR, mac(lladdr)).pack(),
                       NLM_F_CREATE | 0x100)]     # NLM_F_REPLACE
        rt.close()
        if any(errs):
            raise SystemExit('%s: addresses, links, neighbour: %s' % (ns, errs))


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


def do_teardown(n, asyn):
    out('plan', 6)
    tr = Trace()
    dt = DevTrace()
    errors, done, kinds = [], 0, {'netns': 0, 'link': 0}
    phase = dict.fromkeys(('hosts', 'configure', 'flow', 'delete'), 0.0)
    t0 = time.monotonic()
    for i in range(1, n + 1):
        victim = 'h2' if i % 2 else 'h1'
        how = 'link' if (i - 1) // 2 % 2 else 'netns'
        ta = time.monotonic()
        make_hosts()
        phase['hosts'] += time.monotonic() - ta
        traffic = ping('h1', H2)
        g = {ns: genl(ns) for ns in ('h1', 'h2')}
        for ns in ('h1', 'h2'):
            e = configure(g[ns], ns)
            if e:
                errors.append('%d: %s: %s' % (i, ns, e))
        tb = time.monotonic()
        phase['configure'] += tb - ta
        if not wait_flow(g['h1'], SPI_OUT['h2']):
            errors.append('%d: no traffic before the teardown' % i)
        tc = time.monotonic()
        phase['flow'] += tc - tb
        flooder = flood(udp(PEER[victim]), ME[victim])
        s = udp(PEER[victim])
        if how == 'link':
            rt, index = Rtnl(victim), ifindex(victim, 'veth0')
        for x in g.values():
            x.close()
        dt.mark('del %d %s %s' % (i, how, victim))
        with realtime():
            burst(s, ME[victim], 2 * BURST)
            if how == 'link':
                err = rt.req(RTM_DELLINK, ifinfo(index))
                rt.close()
                e = os.strerror(err) if err else None
            else:
                e = gone(victim)
            if victim == 'h1':
                traffic.kill()
        s.close()
        if e:
            errors.append('%d: deleting %s of %s: %s' % (i, how, victim, e))
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
        phase['delete'] += time.monotonic() - tc
        for p in (traffic, flooder):
            p.kill()
            p.wait()
        if how == 'link':
            gone(victim)
        gone(PEER[victim])
        done += 1
        kinds[how] += 1
    secs = time.monotonic() - t0
    ex = tr.exits(2 * done)
    tr.stop()
    # ipsec6's exit of a namespace runs after its devices were freed.
    res = dt.finish(2 * done)
    out('diag', '%d teardowns in %.1f s (%d namespace, %d veth deletions;'
        ' seconds: %s)' % (n, secs, kinds['netns'], kinds['link'],
                           ', '.join('%s %.1f' % i for i in phase.items())))
    point(not errors, 'configured, traffic flowed, then deleted under traffic: %d pairs' % n,
          errors[:20])
    point(done == n, 'each victim namespace or veth was dismantled')
    if ex:
        out('diag', 'namespace exits traced: %d, of which %d waited for packets in crypto'
            % ex)
        point(ex[0] >= 2 * done, 'every namespace exit ran (%d traced)' % ex[0])
    else:
        out('skip', 'every namespace exit ran\tno function tracer')
    if res is None:
        why = 'no kprobe events (%s)' % getattr(dt, 'why', '?')
        out('skip', 'no completion after its device was freed\t' + why)
        out('skip', 'no packet resumed into a namespace being dismantled\t' + why)
        out('skip', 'packets were inside crypto when their device went\t' + why)
        return
    late, resumed, examples, counts = res
    point(late == 0, 'no asynchronous completion referred to a device already freed'
          ' (%d did)' % late, [e for e in examples if 'free' in e])
    point(resumed == 0, 'no packet back from crypto went on into a namespace being'
          ' dismantled (%d did)' % resumed, [e for e in examples if 'resumed' in e])
    if asyn:
        point(sum(1 for c in counts if c) >= len(counts) // 2,
              'in most deletions packets came back from crypto after the deletion'
              ' began (the device waited for them)',
              ['completions after the deletion, per deletion: %s' % counts])
    else:
        out('skip', 'packets were inside crypto when their device went\tno cryptd')


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
        out('skip', 'packets inside the transforms at the flush\tno cryptd')
    point(alive, 'the ping ran throughout')
    for x in g.values():
        x.close()


def main():
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    cmd = sys.argv[1]
    if cmd == 'reload':
        do_reload(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4])
    elif cmd == 'teardown':
        do_teardown(int(sys.argv[2]), int(sys.argv[3]))
    elif cmd == 'delete':
        do_delete(int(sys.argv[2]), int(sys.argv[3]))
    else:
        raise SystemExit('unknown command ' + cmd)


if __name__ == '__main__':
    main()
