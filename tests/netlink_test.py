#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""The control-plane contract of the ipsec6 generic netlink family
(Documentation/netlink.rst), checked on the kernel's YNL library with the
family's spec (tests/ynl_ipsec6.py).

Run by tests/10-netlink.sh in a fresh network namespace with the module
loaded.  Prints "ok - NAME" / "not ok - NAME" lines and "# ..." diagnostics;
the wrapper numbers them.  Exits 0 when it ran to the end (failed points are
reported as points, not by the exit status).

Every rejection is checked for its errno, its extack message (which must
name the attribute), the bad-attribute offset or missing-attribute type the
kernel reports, and that the generation did not move (nothing was
published).
"""
import errno
import json
import os
import random
import re
import socket
import struct
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ynl_ipsec6 as nl  # noqa: E402
from ynl_ipsec6 import C  # noqa: E402


def CMD(n):
    return C['IPSEC6_CMD_' + n]


def P(n):
    return C['IPSEC6_POLICY_A_' + n]


def S(n):
    return C['IPSEC6_SA_A_' + n]


A_POLICY, A_SA = C['IPSEC6_A_POLICY'], C['IPSEC6_A_SA']
A_GEN, A_TXN_FLAGS = C['IPSEC6_A_GENERATION'], C['IPSEC6_A_TXN_FLAGS']
A_STATS = C['IPSEC6_A_STATS']
A_REPLACE = C['IPSEC6_A_REPLACE']
A_OWNER, A_FLOW = C['IPSEC6_A_OWNER'], C['IPSEC6_A_FLOW']
A_COOKIE = C['IPSEC6_A_SOCKET_COOKIE']
REQ = nl.NLM_F_REQUEST | nl.NLM_F_ACK
AH, ESP = 51, 50
TRANSPORT, TUNNEL = 1, 2
D1, D2 = '2001:db8::1', '2001:db8::2'
ANY = object()

# ---- TAP ------------------------------------------------------------------


class Tap:
    def __init__(self):
        self.n = self.failed = 0

    def ok(self, cond, name, diag=()):
        self.n += 1
        name = name.replace('\n', ' ').replace('#', 'no.')
        print(('ok - ' if cond else 'not ok - ') + name, flush=True)
        if not cond:
            self.failed += 1
            if isinstance(diag, str):
                diag = [diag]
            for d in diag:
                for line in str(d).splitlines():
                    print('# ' + line, flush=True)
        return bool(cond)

    def todo(self, cond, name, diag=()):
        """A known gap: reported, never a failure."""
        self.n += 1
        print('todo %s - %s' % ('ok' if cond else 'not ok', name),
              flush=True)
        if not cond:
            for d in ([diag] if isinstance(diag, str) else diag):
                print('# ' + str(d), flush=True)

    def is_(self, got, exp, name):
        return self.ok(got == exp, name,
                       ['     got: %r' % (got,), 'expected: %r' % (exp,)])

    def diag(self, *lines):
        for line in lines:
            print('# ' + str(line), flush=True)

    def section(self, title):
        self.diag('---- ' + title)


T = Tap()


def ename(e):
    return errno.errorcode.get(e, str(e)) if e else 'success'


# ---- sockets and small helpers ------------------------------------------

g = nl.Genl()           # does the changes
g2 = nl.Genl()          # a second, unrelated socket
ev = nl.Genl()          # listens to the events group, sends nothing
ev.join('events')


def u32at(attrs, t):
    return nl.num(attrs, t)


def gen(sock=None):
    """The published generation, from the GENERATION of a dump message."""
    sock = sock or g2
    for cmd in ('POLICY_GET', 'SA_GET'):
        r = sock.dump(CMD(cmd))
        for _, _, a in r.msgs:
            if A_GEN in a:
                return u32at(a, A_GEN)
    return None


def policies(sock=None):
    r = (sock or g2).dump(CMD('POLICY_GET'))
    return nl.nests(r, A_POLICY)


# What traffic changes in a dumped policy.
POL_TRAFFIC = (P('COUNTS'), P('LAST_USED'))


def pol_config(sock=None):
    """The policies without their traffic counters (a stray ND or MLD
    packet on the test's link may count against one at any time)."""
    return [{k: v for k, v in p.items() if k not in POL_TRAFFIC}
            for p in policies(sock)]


def pol_indexes(sock=None):
    return [u32at(p, P('INDEX')) for p in policies(sock)]


def sas(sock=None):
    r = (sock or g2).dump(CMD('SA_GET'))
    return nl.nests(r, A_SA)


def sa_indexes(sock=None):
    return [u32at(s, S('INDEX')) for s in sas(sock)]


def get_policy(index, sock=None):
    r = (sock or g2).request(CMD('POLICY_GET'), pid(index))
    return r, (nl.nests(r, A_POLICY) or [None])[0]


def get_sa(attrs, sock=None):
    r = (sock or g2).request(CMD('SA_GET'), attrs)
    return r, (nl.nests(r, A_SA) or [None])[0]


def pid(index):
    """A policy identity nest."""
    return [nl.nest(A_POLICY, [nl.u32(P('INDEX'), index)])]


def said(index=None, spi=None, dst=None, proto=None):
    a = []
    if index is not None:
        a.append(nl.u32(S('INDEX'), index))
    if spi is not None:
        a.append(nl.u32(S('SPI'), spi))
    if dst is not None:
        a.append(nl.addr(S('DST'), dst))
    if proto is not None:
        a.append(nl.u8(S('PROTO'), proto))
    return [nl.nest(A_SA, a)]


def drop(attrs, *types):
    """attrs (one nest) without the given attribute types inside the nest."""
    n = attrs[0]
    return [nl.Attr(n.atype, [a for a in n.payload if a.atype not in types])]


def add(attrs, *extra):
    n = attrs[0]
    return [nl.Attr(n.atype, list(n.payload) + list(extra))]


def pol(index=10, dir_='bidirect', action='bypass', **kw):
    return nl.policy_attrs(index, dir_, action, **kw)


def apol(index=10, ipp=AH, mode=TRANSPORT, dir_='out', **kw):
    return nl.policy_attrs(index, dir_, 'apply', ipsec_proto=ipp,
                           mode=mode, **kw)


KEY_SHA256 = bytes(range(0xa0, 0xc0))          # 32 bytes
KEY_SHA1 = bytes(range(0x40, 0x54))            # 20
KEY_AES = bytes(range(0x60, 0x70))             # 16
KEY_GCM = bytes(range(0x80, 0x94))             # 20 (16 + salt)
AHK = dict(auth_name='hmac(sha256)', auth_key=KEY_SHA256)
CBC = dict(auth_name='hmac(sha1)', auth_key=KEY_SHA1, enc_name='cbc(aes)',
           enc_key=KEY_AES)
GCM = dict(aead_name='rfc4106(gcm(aes))', aead_key=KEY_GCM, icv_len=128)


def sa(index=1, spi=0x1000, dst=D2, proto=AH, **kw):
    if not any(k in kw for k in ('auth_name', 'aead_name', 'enc_name',
                                 'noalg')):
        kw.update(AHK if proto == AH else CBC)
    kw.pop('noalg', None)
    return nl.sa_attrs(index, spi, dst, proto, **kw)


def larval(dst=D2, proto=ESP, **kw):
    """An SA_ALLOC_SPI request: DST and PROTO, and what kw adds."""
    a = [nl.addr(S('DST'), dst), nl.u8(S('PROTO'), proto)]
    for k, v in kw.items():
        k = k.upper()
        if k == 'SRC':
            a.append(nl.addr(S(k), v))
        elif k == 'HARD_ADD_SECONDS':
            a.append(nl.u64(S(k), v))
        else:
            a.append(nl.u32(S(k), v))
    return [nl.nest(A_SA, a)]


# Notifications are queued on ev synchronously, before the request is
# acknowledged, so nothing needs waiting for.
def drain_events():
    ev.events(0)


def events(timeout=0):
    return ev.events(timeout)


def changed_gens(evs):
    return [u32at(a, A_GEN) for c, a in evs if c == CMD('CHANGED')]


def txn_abort(sock):
    sock.request(CMD('TXN_ABORT'))


def reset():
    """Back to the initial state: the default policy, no SA."""
    for s in (g, g2):
        txn_abort(s)
    r1 = g.request(CMD('POLICY_FLUSH'))
    r2 = g.request(CMD('SA_FLUSH'))
    if r1.error or r2.error:
        T.diag('reset failed: %r %r' % (r1, r2))
    drain_events()


def ok_req(name, r, extra=()):
    return T.ok(r.error == 0, name,
                ['%s: %s' % (ename(r.error), r.msg)] + list(extra))


def expect(name, cmd, attrs, err, msg, at=ANY, miss=None, flags=REQ,
           sock=None, gen_same=True, replace=False):
    """One point: the request fails with err, an extack message matching
    msg, the bad-attribute offset at the attribute reached by the type path
    at (None: no offset), the missing attribute miss (path of types: the
    nest path, then the missing type), and nothing is published."""
    sock = sock or g
    g0 = gen() if gen_same else None
    drain_events()
    if replace:
        attrs = list(attrs) + [nl.flag(A_REPLACE)]
    r = sock.request(cmd, attrs, flags)
    bad = []
    if r.error != err:
        bad.append('errno %s, expected %s' % (ename(r.error), ename(err)))
    if msg is not None and not re.search(msg, r.msg or ''):
        bad.append('extack message %r does not match %r' % (r.msg, msg))
    if miss is not None:
        if r.miss_type != miss[-1]:
            bad.append('missing-attribute type %r, expected %r'
                       % (r.miss_type, miss[-1]))
        want = nl.attr_offset(r.req, *miss[:-1]) if len(miss) > 1 else None
        if r.miss_nest != want:
            bad.append('missing-attribute nest offset %r, expected %r'
                       % (r.miss_nest, want))
        if at is ANY:
            at = None
    if at is not ANY:
        want = nl.attr_offset(r.req, *at) if at is not None else None
        if at is not None and want is None:
            bad.append('test bug: no attribute at %r' % (at,))
        if r.offs != want:
            bad.append('bad-attribute offset %r, expected %r (path %r)'
                       % (r.offs, want, at))
    if gen_same:
        g1 = gen()
        if g1 != g0:
            bad.append('generation moved %r -> %r on a rejected request'
                       % (g0, g1))
        evs = changed_gens(ev.events(0))
        if evs:
            bad.append('CHANGED %r on a rejected request' % evs)
    T.ok(not bad, name, bad)
    return r


def published(name, cmd, attrs, flags=REQ, sock=None, delta=1,
              replace=False):
    """One point: the request succeeds, the generation moves by delta and
    the events group hears CHANGED with the new generation (delta 1) or
    nothing (delta 0)."""
    sock = sock or g
    drain_events()
    g0 = gen()
    if replace:
        attrs = list(attrs) + [nl.flag(A_REPLACE)]
    r = sock.request(cmd, attrs, flags)
    g1 = gen()
    evs = changed_gens(events())
    bad = []
    if r.error:
        bad.append('%s: %s' % (ename(r.error), r.msg))
    if g0 is None or g1 is None or g1 - g0 != delta:
        bad.append('generation %r -> %r, expected +%d' % (g0, g1, delta))
    if evs != ([g1] if delta else []):
        bad.append('CHANGED events %r, expected %r'
                   % (evs, [g1] if delta else []))
    T.ok(not bad, name, bad)
    return r


def send_recv_part(sock, cmd):
    """Start a dump and read only its first datagram."""
    seq, msg = sock.build(cmd, (), nl.NLM_F_REQUEST | nl.NLM_F_DUMP)
    sock.send_raw(msg)
    return seq, sock.sock.recv(1 << 20)


def walk(data):
    """(type, flags, seq, payload) of each message of a datagram."""
    off = 0
    while off + 16 <= len(data):
        ln, typ, flags, seq, _ = struct.unpack_from('=IHHII', data, off)
        yield typ, flags, seq, data[off + 16:off + ln]
        off += (ln + 3) & ~3


def load(sock, reqs, what):
    """Send many requests; a point that they were all accepted."""
    rs = sock.batch(reqs)
    bad = [(i, ename(r.error), r.msg) for i, r in enumerate(rs) if r.error]
    return T.ok(not bad, what, ['%d rejected, first: %r' % (len(bad),
                                                           bad[:3])])


# ---- 1. the initial state ------------------------------------------------

def t_initial():
    T.section('initial state of a namespace')
    r = g.dump(CMD('POLICY_GET'))
    ps = nl.nests(r, A_POLICY)
    T.ok(r.error == 0 and len(ps) == 1,
         'fresh namespace: the policy dump has exactly one policy',
         ['%r, %d policies' % (r, len(ps))])
    p = ps[0] if ps else {}
    want = {P('INDEX'): 1, P('PRIORITY'): 0, P('DIR'): 3, P('ACTION'): 0,
            P('IFINDEX'): 0}
    got = {t: u32at(p, t) for t in p if t not in POL_TRAFFIC}
    T.is_(got, want, 'the default policy: INDEX 1, DIR 3 (IN|OUT), ACTION '
          'BYPASS, no selector, no IPsec attribute')
    gens = [u32at(a, A_GEN) for _, _, a in r.msgs]
    T.ok(gens and gens[0] and gens[0] >= 1,
         'every dumped policy carries GENERATION', ['%r' % gens])
    rs = g.dump(CMD('SA_GET'))
    T.ok(rs.error == 0 and not rs.msgs, 'fresh namespace: no SA',
         ['%r' % rs])
    r1, p1 = get_policy(1)
    T.ok(r1.error == 0 and p1 is not None and
         {t: u32at(p1, t) for t in p1 if t not in POL_TRAFFIC} == want,
         'POLICY_GET INDEX 1 returns the default policy', ['%r %r' % (r1, p1)])
    r = g.request(CMD('STATS_GET'))
    st = nl.parse_attrs(r.msgs[0][2].get(A_STATS, b'')) if r.msgs else {}
    # Every reason, those numbered after PAD (ENCAP_MISMATCH, ...) too.
    want_t = set(range(C['IPSEC6_STATS_A_NO_POLICY'],
                       C['IPSEC6_STATS_A_MAX'] + 1))
    want_t.discard(C['IPSEC6_STATS_A_PAD'])
    T.ok(r.error == 0 and set(st) == want_t and
         all(len(v) == 8 for v in st.values()),
         'STATS_GET: one u64 counter per drop reason (%d)' % len(want_t),
         ['%r %r' % (r, sorted(st))])


# ---- 2. POLICY_NEW/DEL/GET rejections --------------------------------------

def t_policy_rejections():
    T.section('policy rejections')
    reset()
    NEW = CMD('POLICY_NEW')
    ip = (A_POLICY, P('INDEX'))

    def at(n):
        return (A_POLICY, P(n))

    expect('POLICY_NEW without a POLICY nest: EINVAL "POLICY: missing"',
           NEW, [], errno.EINVAL, r'^POLICY: missing', miss=(A_POLICY,))
    for n in ('DIR', 'ACTION'):
        expect('POLICY_NEW without %s: EINVAL, missing type %s' % (n, n),
               NEW, drop(pol(), P(n)), errno.EINVAL, r'^%s: missing' % n,
               miss=(A_POLICY, P(n)))
    expect('policy INDEX 0: EINVAL', NEW, pol(0), errno.EINVAL,
           r'^INDEX: 0 is invalid', at=ip)
    expect('policy DIR 0: EINVAL naming DIR and the policy', NEW,
           pol(dir_=0), errno.EINVAL, r'^DIR: policy 10: no direction',
           at=at('DIR'))
    for d in (0x08, 0x83):
        expect('policy DIR 0x%02x (unknown bits): EINVAL from the policy '
               'mask, offset at DIR' % d, NEW, pol(dir_=d), errno.EINVAL,
               r'reserved bit', at=at('DIR'))
    for a in (4, 255):
        expect('policy ACTION %d: EINVAL "ACTION: unknown value"' % a, NEW,
               pol(action=a), errno.EINVAL, r'^ACTION: unknown value %d' % a,
               at=at('ACTION'))
    A6 = nl.addr
    for side in ('REMOTE', 'LOCAL'):
        for end in ('START', 'END'):
            expect('%s_%s without its pair: EINVAL' % (side, end), NEW,
                   add(pol(), A6(P('%s_%s' % (side, end)), D1)),
                   errno.EINVAL, r'^%s: START and END go together' % side,
                   at=at('%s_%s' % (side, end)))
        expect('%s START > END: EINVAL naming both' % side, NEW,
               pol(**{side.lower(): ('2001:db8::9', D1)}), errno.EINVAL,
               r'^%s: START 2001:db8::9 is above END 2001:db8::1' % side,
               at=at(side + '_START'))
    for side, proto in (('REMOTE_PORT', 6), ('LOCAL_PORT', 17)):
        for end in ('START', 'END'):
            expect('%s_%s without its pair: EINVAL' % (side, end), NEW,
                   add(pol(proto=proto), nl.u16(P('%s_%s' % (side, end)),
                                                80)),
                   errno.EINVAL, r'^%s: START and END go together' % side,
                   at=at('%s_%s' % (side, end)))
        expect('%s START > END: EINVAL' % side, NEW,
               pol(proto=proto, **{side.lower(): (100, 50)}), errno.EINVAL,
               r'^%s: START 100 is above END 50' % side,
               at=at(side + '_START'))
    expect('ports without PROTO: EINVAL', NEW, pol(remote_port=(1, 2)),
           errno.EINVAL, r'^PORT: needs PROTO tcp, udp',
           at=at('REMOTE_PORT_START'))
    for proto in (58, 1, 50):
        expect('LOCAL_PORT with PROTO %d: EINVAL' % proto, NEW,
               pol(proto=proto, local_port=(1, 2)), errno.EINVAL,
               r'^PORT: needs PROTO', at=at('LOCAL_PORT_START'))
    expect('ICMP_TYPE without PROTO: EINVAL', NEW, pol(icmp_type=128),
           errno.EINVAL, r'^ICMP_TYPE/CODE: need PROTO 58',
           at=at('ICMP_TYPE'))
    expect('ICMP_TYPE with PROTO 6: EINVAL', NEW, pol(proto=6, icmp_type=1),
           errno.EINVAL, r'^ICMP_TYPE/CODE: need PROTO 58',
           at=at('ICMP_TYPE'))
    expect('ICMP_CODE with PROTO 17: EINVAL', NEW, pol(proto=17,
                                                      icmp_code=0),
           errno.EINVAL, r'^ICMP_TYPE/CODE: need PROTO 58',
           at=at('ICMP_CODE'))
    expect('ICMP_CODE without ICMP_TYPE: EINVAL', NEW,
           pol(proto=58, icmp_code=0), errno.EINVAL,
           r'^ICMP_CODE: needs ICMP_TYPE', at=at('ICMP_CODE'))
    extra = {'IPSEC_PROTO': nl.u8(P('IPSEC_PROTO'), AH),
             'MODE': nl.u8(P('MODE'), TRANSPORT),
             'TUNNEL_REMOTE': nl.addr(P('TUNNEL_REMOTE'), D2),
             'TUNNEL_LOCAL': nl.addr(P('TUNNEL_LOCAL'), D1),
             'BUNDLE_NEXT': nl.u32(P('BUNDLE_NEXT'), 20),
             'REQID': nl.u32(P('REQID'), 5)}
    for act in ('bypass', 'discard', C['IPSEC6_ACTION_APPCHOICE']):
        for n, a in extra.items():
            if act != 'bypass' and n not in ('IPSEC_PROTO', 'REQID'):
                continue
            expect('%s on a %s policy: EINVAL naming %s' % (n, act, n), NEW,
                   add(pol(action=act), a), errno.EINVAL,
                   r'^%s: policy 10: .*ACTION apply' % n, at=at(n))
    expect('APPLY without IPSEC_PROTO: EINVAL', NEW,
           drop(apol(), P('IPSEC_PROTO')), errno.EINVAL,
           r'^IPSEC_PROTO: missing', miss=(A_POLICY, P('IPSEC_PROTO')))
    expect('APPLY without MODE: EINVAL', NEW, drop(apol(), P('MODE')),
           errno.EINVAL, r'^MODE: missing', miss=(A_POLICY, P('MODE')))
    for v in (0, 6, 52):
        expect('IPSEC_PROTO %d: EINVAL' % v, NEW, apol(ipp=v),
               errno.EINVAL, r'^IPSEC_PROTO: unknown value %d' % v,
               at=at('IPSEC_PROTO'))
    for v in (0, 3):
        expect('policy MODE %d: EINVAL' % v, NEW, apol(mode=v),
               errno.EINVAL, r'^MODE: unknown value %d' % v, at=at('MODE'))
    expect('tunnel MODE without TUNNEL_REMOTE: EINVAL', NEW,
           apol(mode=TUNNEL), errno.EINVAL, r'^TUNNEL_REMOTE.*: missing',
           miss=(A_POLICY, P('TUNNEL_REMOTE')))
    for a in ('ff02::1', '::'):
        expect('TUNNEL_REMOTE %s: EINVAL, not unicast' % a, NEW,
               apol(mode=TUNNEL, tunnel_remote=a), errno.EINVAL,
               r'^TUNNEL_REMOTE: %s is not a unicast address' % a,
               at=at('TUNNEL_REMOTE'))
    for n in ('TUNNEL_REMOTE', 'TUNNEL_LOCAL'):
        expect('%s in transport MODE: EINVAL' % n, NEW,
               apol(**{n.lower(): D2}), errno.EINVAL,
               r'^TUNNEL_\*: only with MODE tunnel', at=at(n))
    expect('BUNDLE_NEXT 0: EINVAL', NEW, apol(bundle_next=0), errno.EINVAL,
           r'^BUNDLE_NEXT: 0 is not another policy', at=at('BUNDLE_NEXT'))
    expect('BUNDLE_NEXT naming the policy itself: EINVAL', NEW,
           apol(bundle_next=10), errno.EINVAL,
           r'^BUNDLE_NEXT: 10 is not another policy', at=at('BUNDLE_NEXT'))
    expect('policy FLAGS 0x4 (unknown bit): EINVAL', NEW, pol(flags=4),
           errno.EINVAL, r'reserved bit', at=at('FLAGS'))
    expect('FROM_PACKET 0x20 (unknown bit): EINVAL', NEW,
           pol(from_packet=0x20), errno.EINVAL, r'reserved bit',
           at=at('FROM_PACKET'))
    # COUNTS is a nest in the spec: without NLA_F_NESTED the generated
    # attribute policy refuses it before the handler can say read-only.
    expect('policy COUNTS on input without NLA_F_NESTED: EINVAL', NEW,
           add(pol(), nl.raw_nest(P('COUNTS'), [])), errno.EINVAL,
           r'^NLA_F_NESTED is missing', at=at('COUNTS'))
    expect('policy COUNTS on input as a flagged nest (as dumped): EINVAL '
           'at it', NEW, add(pol(), nl.nest(P('COUNTS'), [])), errno.EINVAL,
           r'.', at=at('COUNTS'))
    expect('policy LAST_USED on input: EINVAL "LAST_USED: read-only"', NEW,
           add(pol(), nl.u64(P('LAST_USED'), 1)), errno.EINVAL,
           r'^LAST_USED: read-only', at=at('LAST_USED'))
    expect('policy OWNER as a u16: EINVAL at it', NEW,
           add(pol(), nl.u16(P('OWNER'), 1)), errno.EINVAL, r'.',
           at=at('OWNER'))
    bad_len = [('INDEX', nl.u16(P('INDEX'), 10), errno.EINVAL),
               ('PROTO', nl.u32(P('PROTO'), 6), errno.EINVAL),
               ('REMOTE_START', nl.binary(P('REMOTE_START'), bytes(15)),
                errno.ERANGE)]
    for n, a, e in bad_len:
        attrs = add(drop(pol(proto=6, remote=(D1, D2)), P(n)), a)
        expect('%s with a wrong length: %s at %s' % (n, ename(e), n), NEW,
               attrs, e, r'.', at=at(n))
    expect('unknown attribute type %d (MAX + 1) in the policy nest: EINVAL'
           % (P('MAX') + 1), NEW, add(pol(), nl.u32(P('MAX') + 1, 1)),
           errno.EINVAL, r'(?i)unknown attr', at=(A_POLICY, P('MAX') + 1))
    expect('POLICY_A_PAD in the policy nest: EINVAL', NEW,
           add(pol(), nl.u32(P('PAD'), 0)), errno.EINVAL, r'.',
           at=at('PAD'))
    expect('POLICY nest without NLA_F_NESTED: EINVAL', NEW,
           [nl.raw_nest(A_POLICY, pol()[0].payload)], errno.EINVAL,
           r'NLA_F_NESTED', at=(A_POLICY,))
    expect('unknown top-level attribute (SA nest on POLICY_NEW): EINVAL',
           NEW, pol() + [nl.nest(A_SA, [])], errno.EINVAL, r'.',
           at=(A_SA,))
    expect('unknown top-level attribute type 200: EINVAL', NEW,
           pol() + [nl.u32(200, 1)], errno.EINVAL, r'(?i)unknown attr',
           at=(200,))

    DEL = CMD('POLICY_DEL')
    expect('POLICY_DEL with a DIR in the nest: EINVAL', DEL,
           add(pid(1), nl.u8(P('DIR'), 3)), errno.EINVAL, r'.',
           at=at('DIR'))
    expect('POLICY_DEL of a missing policy: ENOENT naming it', DEL, pid(999),
           errno.ENOENT, r'^INDEX: no policy 999', at=None)
    expect('POLICY_GET of a missing policy: ENOENT naming it',
           CMD('POLICY_GET'), pid(999), errno.ENOENT,
           r'^INDEX: no policy 999', at=None)
    for cmd in ('POLICY_GET', 'POLICY_DEL'):
        expect('%s without a POLICY nest: EINVAL' % cmd, CMD(cmd), [],
               errno.EINVAL, r'^POLICY: missing', miss=(A_POLICY,))
        expect('%s without INDEX: EINVAL' % cmd, CMD(cmd),
               [nl.nest(A_POLICY, [])], errno.EINVAL, r'^INDEX: missing',
               miss=(A_POLICY, P('INDEX')))
    T.is_(pol_indexes(), [1], 'after every rejection the SPD is unchanged')


# ---- 3. policies: content, identical/EEXIST/REPLACE, order, bundles ------

def t_policy_semantics():
    T.section('policy semantics')
    reset()
    NEW = CMD('POLICY_NEW')
    full = apol(10, ESP, TUNNEL, dir_='bidirect', priority=7,
                remote=('2001:db8:1::', '2001:db8:1::ffff'),
                local=(D1, D1), proto=6, remote_port=(1000, 2000),
                local_port=(22, 22), ifindex=1, from_packet=0x3,
                tunnel_remote='2001:db8:ff::2', tunnel_local='2001:db8:ff::1',
                reqid=77, flags=1)
    published('POLICY_NEW with every selector and a tunnel template: '
              'accepted, generation +1, CHANGED', NEW, full)
    r, p = get_policy(10)
    sent = nl.parse_attrs(full[0].pack()[4:])
    diffs = [(t, sent[t], p.get(t) if p else None) for t in sent
             if not p or p.get(t) != sent[t]]
    T.ok(r.error == 0 and not diffs,
         'POLICY_GET returns every attribute as it was given',
         ['differs (type, sent, got): %r' % diffs])
    published('the identical POLICY_NEW again: accepted, nothing '
              'published (generation unchanged, no CHANGED)', NEW, full,
              delta=0)
    expect('same INDEX, other content, no IPSEC6_A_REPLACE: EEXIST naming the '
           'policy', NEW, apol(10, ESP, TRANSPORT), errno.EEXIST,
           r'^INDEX: policy 10 exists with other content', at=None)
    r, p2 = get_policy(10)
    T.ok(p2 == p, 'after EEXIST the policy is unchanged')
    published('same INDEX with IPSEC6_A_REPLACE: accepted, published', NEW,
              apol(10, ESP, TRANSPORT), replace=True)
    r, p3 = get_policy(10)
    T.ok(p3 is not None and u32at(p3, P('MODE')) == TRANSPORT and
         P('REMOTE_START') not in p3,
         'IPSEC6_A_REPLACE replaced the whole policy', ['%r' % p3])
    published('IPSEC6_A_REPLACE of a policy that does not exist creates it',
              NEW, pol(11), replace=True)
    published('IPSEC6_A_REPLACE with identical content: nothing published',
              NEW, pol(11), replace=True, delta=0)
    expect('NLM_F_REPLACE (an nlmsg flag): EINVAL from genetlink', NEW,
           pol(11, priority=1), errno.EINVAL, r'nlmsg_flags',
           flags=REQ | nl.NLM_F_REPLACE, at=None)
    expect('IPSEC6_A_REPLACE with a payload: ERANGE at it', NEW,
           pol(11, priority=1) + [nl.u32(A_REPLACE, 1)], errno.ERANGE,
           r'.', at=(A_REPLACE,))
    expect('IPSEC6_A_REPLACE on POLICY_DEL: EINVAL at it',
           CMD('POLICY_DEL'), pid(11) + [nl.flag(A_REPLACE)], errno.EINVAL,
           r'.', at=(A_REPLACE,))
    icmp = pol(12, proto=58, icmp_type=128, icmp_code=0)
    published('ICMPv6 policy (PROTO 58, ICMP_TYPE 128, ICMP_CODE 0) '
              'accepted', NEW, icmp)
    r, p = get_policy(12)
    T.ok(p and u32at(p, P('ICMP_TYPE')) == 128 and
         u32at(p, P('ICMP_CODE')) == 0 and u32at(p, P('PROTO')) == 58,
         'ICMP_TYPE and ICMP_CODE round-trip', ['%r' % p])
    for i, proto in enumerate((17, 132, 136)):
        published('ports with PROTO %d accepted' % proto, NEW,
                  pol(13 + i, proto=proto, remote_port=(5, 5)))
    published('POLICY_DEL of an existing policy: published', CMD('POLICY_DEL'),
              pid(12))
    r, p = get_policy(12)
    T.is_(ename(r.error), 'ENOENT', 'the deleted policy is gone')
    expect('POLICY_DEL of it again: ENOENT', CMD('POLICY_DEL'), pid(12),
           errno.ENOENT, r'^INDEX: no policy 12', at=None)

    T.section('search order')
    reset()
    order = [(5, 3), (5, 2), (7, 100), (10, 7), (10, 5)]
    txn = [(CMD('TXN_BEGIN'), [])]
    for prio, idx in random.Random(7).sample(order, len(order)):
        txn.append((NEW, pol(idx, priority=prio)))
    txn.append((CMD('TXN_COMMIT'), []))
    load(g, txn, 'five policies of mixed priority loaded in a transaction')
    T.is_(pol_indexes(), [3, 2, 100, 7, 5, 1],
          'policy dump order = search order: priority ascending, index '
          'descending, index 1 last although its priority (0) is lowest')
    published('index 1 replaced with priority 1000', NEW,
              pol(1, priority=1000, action='discard'), replace=True)
    T.is_(pol_indexes(), [3, 2, 100, 7, 5, 1],
          'index 1 stays last with a higher priority too')
    published('POLICY_FLUSH: published', CMD('POLICY_FLUSH'), [])
    ps = policies()
    T.ok(len(ps) == 1 and u32at(ps[0], P('INDEX')) == 1 and
         u32at(ps[0], P('ACTION')) == 0 and u32at(ps[0], P('PRIORITY')) == 0,
         'POLICY_FLUSH leaves only the default policy (BYPASS, priority 0)',
         ['%r' % ps])

    T.section('bundles')
    reset()
    expect('BUNDLE_NEXT to a policy that does not exist: EINVAL at commit '
           'naming both', NEW, apol(20, bundle_next=21), errno.EINVAL,
           r'^BUNDLE_NEXT: policy 20: 21 is not an APPLY policy', at=None)
    published('a BYPASS policy 21', NEW, pol(21))
    expect('BUNDLE_NEXT to a BYPASS policy: EINVAL', NEW,
           apol(20, bundle_next=21), errno.EINVAL,
           r'^BUNDLE_NEXT: policy 20: 21 is not an APPLY policy', at=None)
    g0 = gen()
    rs = g.batch([(CMD('TXN_BEGIN'), []),
                  (NEW, apol(30, bundle_next=31)),
                  (NEW, apol(31, ESP, bundle_next=30))])
    r = g.request(CMD('TXN_COMMIT'))
    T.ok(all(x.error == 0 for x in rs) and r.error == errno.ELOOP and
         re.search(r'^BUNDLE_NEXT: policy 3[01]: bundle loops', r.msg) and
         gen() == g0, 'a bundle loop (30 -> 31 -> 30): commit fails with '
         'ELOOP naming the policy', ['%s %r' % (ename(r.error), r.msg)])
    txn_abort(g)
    chain = [(CMD('TXN_BEGIN'), [])]
    for i in range(40, 45):
        chain.append((NEW, apol(i, bundle_next=i + 1) if i < 44 else
                      apol(i)))
    g.batch(chain)
    r = g.request(CMD('TXN_COMMIT'))
    T.ok(r.error == errno.ELOOP and re.search(
        r'^BUNDLE_NEXT: policy 40: bundle loops or exceeds 4', r.msg) and
        gen() == g0, 'a chain of 5 policies: ELOOP "exceeds 4"',
        ['%s %r' % (ename(r.error), r.msg)])
    r = g.request(CMD('POLICY_DEL'), pid(40))
    r2 = g.request(CMD('TXN_COMMIT'))
    T.ok(r.error == 0 and r2.error == 0 and 41 in pol_indexes(),
         'the same chain without its head (4 long) commits',
         ['%r %r' % (r, r2)])
    expect('POLICY_DEL of a policy a bundle points to: EINVAL naming both',
           CMD('POLICY_DEL'), pid(42), errno.EINVAL,
           r'^BUNDLE_NEXT: policy 41: 42 is not an APPLY policy', at=None)
    expect('replacing it with a BYPASS policy: EINVAL', NEW, pol(42),
           errno.EINVAL, r'^BUNDLE_NEXT: policy 41: 42 is not an APPLY',
           replace=True, at=None)


# ---- 4. SA_NEW/DEL/GET rejections ------------------------------------------

def t_sa_rejections():
    T.section('SA rejections')
    reset()
    NEW = CMD('SA_NEW')

    def at(n):
        return (A_SA, S(n))

    def setv(attrs, n, a):
        return add(drop(attrs, S(n)), a)

    expect('SA_NEW without an SA nest: EINVAL "SA: missing"', NEW, [],
           errno.EINVAL, r'^SA: missing', miss=(A_SA,))
    for n in ('SPI', 'DST'):
        expect('SA_NEW without %s: EINVAL, missing type %s' % (n, n), NEW,
               drop(sa(), S(n)), errno.EINVAL, r'^%s: missing' % n,
               miss=(A_SA, S(n)))
    expect('SA SPI 0: EINVAL "SPI: 0 is invalid"', NEW, sa(spi=0),
           errno.EINVAL, r'^SPI: 0 is invalid', at=at('SPI'))
    for spi in (1, 255):
        expect('SA SPI %d: EINVAL "reserved"' % spi, NEW, sa(spi=spi),
               errno.EINVAL, r'^SPI: %d is reserved' % spi, at=at('SPI'))
    expect('SA INDEX 0: EINVAL', NEW, sa(0), errno.EINVAL,
           r'^INDEX: 0 is invalid', at=at('INDEX'))
    for d in ('ff02::1', '::'):
        expect('SA DST %s: EINVAL, not unicast' % d, NEW, sa(dst=d),
               errno.EINVAL, r'^DST: %s is not a unicast address' % d,
               at=at('DST'))
    for v in (0, 6):
        expect('SA PROTO %d: EINVAL' % v, NEW, sa(proto=v, **AHK),
               errno.EINVAL, r'^PROTO: unknown value %d' % v, at=at('PROTO'))
    expect('SA without PROTO and without POLICY: EINVAL', NEW,
           drop(sa(), S('PROTO')), errno.EINVAL, r'^PROTO: missing',
           miss=(A_SA, S('PROTO')))
    for v in (0, 3):
        expect('SA MODE %d: EINVAL' % v, NEW, sa(mode=v), errno.EINVAL,
               r'^MODE: unknown value %d' % v, at=at('MODE'))
    for v in (3, 4, 255):
        expect('SA DIR %d: EINVAL' % v, NEW, sa(dir=v), errno.EINVAL,
               r'^DIR: %d is not IN \(1\), OUT \(2\) or 0' % v, at=at('DIR'))
    expect('SA FLAGS 0x4 (unknown bit): EINVAL', NEW, sa(flags=4),
           errno.EINVAL, r'reserved bit', at=at('FLAGS'))
    expect('REPLAY_WINDOW 4097 (> IPSEC6_REPLAY_MAX): ERANGE', NEW,
           sa(replay_window=4097), errno.ERANGE, r'(?i)range',
           at=at('REPLAY_WINDOW'))
    for n in ('BYTES', 'PACKETS', 'ADD_SECONDS', 'USE_SECONDS'):
        expect('SOFT_%s above HARD_%s: EINVAL' % (n, n), NEW,
               sa(**{'soft_' + n.lower(): 10, 'hard_' + n.lower(): 9}),
               errno.EINVAL, r'^SOFT_%s: above HARD_%s' % (n, n),
               at=at('SOFT_' + n))
    ro = [('KEY_BITS', nl.u32(S('KEY_BITS'), 256)),
          ('STATE', nl.u8(S('STATE'), 0)),
          ('COUNTS', nl.nest(S('COUNTS'), [])),
          ('LAST_USED', nl.u64(S('LAST_USED'), 1)),
          ('ADD_TIME', nl.u64(S('ADD_TIME'), 1))]
    for n, a in ro:
        expect('SA %s on input: EINVAL "%s: read-only"' % (n, n), NEW,
               add(sa(), a), errno.EINVAL, r'^%s: read-only' % n, at=at(n))

    expect('SA SEQ above 2^32-1 without ESN: EINVAL naming SEQ', NEW,
           add(sa(), nl.u64(S('SEQ'), 1 << 32)), errno.EINVAL,
           r'^SEQ: 4294967296 needs FLAGS esn', at=at('SEQ'))
    expect('SA SEQ as a u32: EINVAL at it', NEW,
           add(sa(), nl.u32(S('SEQ'), 1)), errno.EINVAL, r'.',
           at=at('SEQ'))

    T.section('SA algorithm rejections')
    for name in ('hmac(foo)', 'cbc(aes)', 'rfc4106(gcm(aes))'):
        expect('AUTH_NAME %r: ENOENT "unknown algorithm"' % name, NEW,
               sa(auth_name=name, auth_key=KEY_SHA256), errno.ENOENT,
               r"^AUTH: unknown algorithm '%s'" % re.escape(name),
               at=at('AUTH_NAME'))
    expect('ENC_NAME cbc(des): ENOENT', NEW,
           sa(proto=ESP, auth_name='hmac(sha1)', auth_key=KEY_SHA1,
              enc_name='cbc(des)', enc_key=bytes(8)), errno.ENOENT,
           r"^ENC: unknown algorithm 'cbc\(des\)'", at=at('ENC_NAME'))
    for name in ('gcm(aes)', 'hmac(sha1)'):
        expect('AEAD_NAME %r: ENOENT' % name, NEW,
               sa(proto=ESP, aead_name=name, aead_key=KEY_GCM, icv_len=128),
               errno.ENOENT, r"^AEAD: unknown algorithm '%s'"
               % re.escape(name), at=at('AEAD_NAME'))
    expect('AH with ENC_NAME cbc(aes): EINVAL "AH does not encrypt"', NEW,
           sa(proto=AH, enc_name='cbc(aes)', enc_key=KEY_AES, **AHK),
           errno.EINVAL, r'^ENC_NAME: AH does not encrypt',
           at=at('ENC_NAME'))
    for name, key in (('rfc4106(gcm(aes))', KEY_GCM),
                      ('rfc7539esp(chacha20,poly1305)', bytes(36))):
        expect('AH with AEAD %s: EINVAL "not usable with AH"' % name, NEW,
               sa(proto=AH, aead_name=name, aead_key=key, icv_len=128),
               errno.EINVAL, r"^AEAD: '%s' is not usable with AH"
               % re.escape(name), at=at('AEAD_NAME'))
    for n, a in (('AUTH_NAME', dict(auth_name='hmac(sha1)',
                                    auth_key=KEY_SHA1)),
                 ('ENC_NAME', dict(enc_name='cbc(aes)', enc_key=KEY_AES))):
        expect('AEAD_NAME with %s: EINVAL' % n, NEW,
               sa(proto=ESP, **dict(GCM, **a)), errno.EINVAL,
               r'^AEAD_NAME: excludes AUTH_NAME and ENC_NAME',
               at=at('AEAD_NAME'))
    expect('AEAD_NAME without AEAD_KEY: EINVAL', NEW,
           sa(proto=ESP, aead_name='rfc4106(gcm(aes))', icv_len=128),
           errno.EINVAL, r'^AEAD_KEY: missing', miss=(A_SA, S('AEAD_KEY')))
    expect('AUTH_NAME without AUTH_KEY: EINVAL', NEW,
           sa(auth_name='hmac(sha1)'), errno.EINVAL, r'^AUTH_KEY: missing',
           miss=(A_SA, S('AUTH_KEY')))
    expect('AH without any algorithm: EINVAL', NEW, sa(noalg=1),
           errno.EINVAL, r'^AUTH_NAME: missing \(AH needs',
           miss=(A_SA, S('AUTH_NAME')))
    expect('ESP with encryption only: EINVAL (no integrity)', NEW,
           sa(proto=ESP, enc_name='cbc(aes)', enc_key=KEY_AES),
           errno.EINVAL, r'^AUTH_NAME: missing \(ESP needs',
           miss=(A_SA, S('AUTH_NAME')))
    expect('ENC_KEY without ENC_NAME: EINVAL', NEW,
           sa(proto=ESP, auth_name='hmac(sha1)', auth_key=KEY_SHA1,
              enc_key=KEY_AES), errno.EINVAL,
           r'^ENC_KEY: given without ENC_NAME', at=at('ENC_KEY'))
    expect('AUTH_KEY with AEAD_NAME (no AUTH_NAME): EINVAL naming AUTH_KEY',
           NEW, sa(proto=ESP, auth_key=KEY_SHA1, **GCM), errno.EINVAL,
           r'^AUTH_KEY: given without AUTH_NAME', at=at('AUTH_KEY'))
    expect('AEAD_KEY with AUTH_NAME (no AEAD_NAME): EINVAL naming AEAD_KEY',
           NEW, sa(proto=ESP, aead_key=KEY_GCM, **CBC), errno.EINVAL,
           r'^AEAD_KEY: given without AEAD_NAME', at=at('AEAD_KEY'))
    badkeys = [
        ('rfc4106(gcm(aes)) with a 19-byte key', 'AEAD', 'AEAD_KEY',
         dict(aead_name='rfc4106(gcm(aes))', aead_key=bytes(19),
              icv_len=128), 19, 'rfc4106(gcm(aes))'),
        ('rfc7539esp with a 32-byte key', 'AEAD', 'AEAD_KEY',
         dict(aead_name='rfc7539esp(chacha20,poly1305)', aead_key=bytes(32),
              icv_len=128), 32, 'rfc7539esp(chacha20,poly1305)'),
        ('cbc(aes) with a 15-byte key', 'ENC', 'ENC_KEY',
         dict(CBC, enc_key=bytes(15)), 15, 'cbc(aes)'),
        ('cbc(aes) without ENC_KEY', 'ENC', 'ENC_NAME',
         dict(auth_name='hmac(sha1)', auth_key=KEY_SHA1,
              enc_name='cbc(aes)'), 0, 'cbc(aes)'),
        ('ecb(cipher_null) with a 16-byte key', 'ENC', 'ENC_KEY',
         dict(CBC, enc_name='ecb(cipher_null)'), 16, 'ecb(cipher_null)'),
        ('hmac(sha1) with a zero-length key', 'AUTH', 'AUTH_KEY',
         dict(CBC, auth_key=b''), 0, 'hmac(sha1)'),
    ]
    for what, kind, attr, kw, n, alg in badkeys:
        expect('%s: EINVAL naming the key and the algorithm' % what, NEW,
               sa(proto=ESP, **kw), errno.EINVAL,
               r"^%s key: %d bytes does not suit '%s'"
               % (kind, n, re.escape(alg)), at=at(attr))
    expect('AUTH_KEY longer than IPSEC6_KEY_MAX (129 bytes): ERANGE', NEW,
           sa(auth_name='hmac(sha1)', auth_key=bytes(129)), errno.ERANGE,
           r'^AUTH_KEY: 129 bytes, more than 128', at=at('AUTH_KEY'))
    icvs = [('hmac(md5)', 64, dict(auth_name='hmac(md5)',
                                   auth_key=bytes(16))),
            ('hmac(md5)', 160, dict(auth_name='hmac(md5)',
                                    auth_key=bytes(16))),
            ('hmac(sha256)', 100, AHK),
            ('hmac(sha256)', 0, AHK),
            ('hmac(sha384)', 128, dict(auth_name='hmac(sha384)',
                                       auth_key=bytes(48))),
            ('rfc4106(gcm(aes))', 48, dict(GCM)),
            ('rfc4106(gcm(aes))', 160, dict(GCM)),
            ('rfc4543(gcm(aes))', 96, dict(GCM,
                                            aead_name='rfc4543(gcm(aes))'))]
    for alg, icv, kw in icvs:
        kw = dict(kw, icv_len=icv)
        proto = ESP if 'aead_name' in kw else AH
        expect('ICV_LEN %d with %s: EINVAL' % (icv, alg), NEW,
               sa(proto=proto, **kw), errno.EINVAL,
               r"^ICV_LEN: %d bits invalid for '%s'" % (icv, re.escape(alg)),
               at=at('ICV_LEN'))
    expect('AEAD_NAME without ICV_LEN: EINVAL', NEW,
           sa(proto=ESP, aead_name='rfc4106(gcm(aes))', aead_key=KEY_GCM),
           errno.EINVAL, r'^ICV_LEN: missing',
           miss=(A_SA, S('ICV_LEN')))
    expect('AUTH_NAME without a terminating NUL: EINVAL', NEW,
           setv(sa(), 'AUTH_NAME', nl.binary(S('AUTH_NAME'),
                                             b'hmac(sha256)')),
           errno.EINVAL, r'.', at=at('AUTH_NAME'))
    expect('AUTH_NAME of 64 characters: EINVAL', NEW,
           sa(auth_name='h' * 64, auth_key=KEY_SHA256), errno.EINVAL, r'.',
           at=at('AUTH_NAME'))
    expect('KEYFILE of 256 characters: EINVAL', NEW,
           sa(keyfile='k' * 256), errno.EINVAL, r'.', at=at('KEYFILE'))
    expect('unknown attribute type 50 in the SA nest: EINVAL', NEW,
           add(sa(), nl.u32(50, 1)), errno.EINVAL, r'(?i)unknown attr',
           at=(A_SA, 50))
    expect('unknown top-level attribute (POLICY nest on SA_NEW): EINVAL',
           NEW, sa() + pol(), errno.EINVAL, r'.', at=(A_POLICY,))
    T.is_(sa_indexes(), [], 'after every rejection the SAD is still empty')

    T.section('SA references to policies')
    reset()
    published('policies: 20 AH transport, 21 ESP tunnel, 22 BYPASS',
              CMD('TXN_BEGIN'), [], delta=0)
    load(g, [(CMD('POLICY_NEW'), apol(20, AH, TRANSPORT)),
             (CMD('POLICY_NEW'), apol(21, ESP, TUNNEL, tunnel_remote=D2)),
             (CMD('POLICY_NEW'), pol(22))], '... staged')
    ok_req('... committed', g.request(CMD('TXN_COMMIT')))
    expect('SA naming a missing policy, no PROTO: ENOENT, nothing to take '
           'PROTO from', NEW, drop(sa(policy=77), S('PROTO')), errno.ENOENT,
           r'^POLICY: SA 1: 77 is no APPLY policy to take PROTO from',
           at=at('POLICY'))
    expect('SA naming a BYPASS policy, no PROTO: ENOENT', NEW,
           drop(sa(policy=22), S('PROTO')), errno.ENOENT,
           r'^POLICY: SA 1: 22 is no APPLY policy', at=at('POLICY'))
    expect('SA naming a missing policy (PROTO given): ENOENT at commit',
           NEW, sa(policy=77), errno.ENOENT,
           r'^POLICY: SA 1: policy 77 does not exist', at=None)
    expect('SA naming a BYPASS policy: EINVAL at commit', NEW,
           sa(policy=22), errno.EINVAL,
           r'^POLICY: SA 1: policy 22 is not APPLY', at=None)
    expect('AH SA naming an ESP policy: EINVAL at commit', NEW,
           sa(policy=21, proto=AH), errno.EINVAL,
           r'^PROTO: SA 1: policy 21 uses the other IPsec protocol',
           at=None)
    expect('transport SA naming a tunnel policy: EINVAL at commit', NEW,
           sa(policy=21, proto=ESP, mode=TRANSPORT), errno.EINVAL,
           r'^MODE: SA 1: policy 21 uses the other mode', at=None)
    published('SA naming the ESP tunnel policy, without PROTO and MODE: '
              'accepted', NEW, drop(sa(1, proto=ESP, policy=21),
                                    S('PROTO')))
    r, s = get_sa(said(1))
    T.ok(s and u32at(s, S('PROTO')) == ESP and
         u32at(s, S('MODE')) == TUNNEL and u32at(s, S('POLICY')) == 21,
         'PROTO and MODE come from the policy (ESP, tunnel)', ['%r' % s])
    published('the same SA stating PROTO ESP and MODE tunnel: equal, '
              'nothing published', NEW, sa(1, proto=ESP, policy=21,
                                            mode=TUNNEL), delta=0)
    expect('policy 21 replaced by a BYPASS policy while SA 1 names it: '
           'EINVAL at commit', CMD('POLICY_NEW'), pol(21), errno.EINVAL,
           r'^POLICY: SA 1: policy 21 is not APPLY', at=None, replace=True)
    expect('policy 21 replaced by an ESP transport policy while SA 1 '
           '(tunnel) names it: EINVAL at commit', CMD('POLICY_NEW'),
           apol(21, ESP, TRANSPORT), errno.EINVAL,
           r'^MODE: SA 1: policy 21 uses the other mode', at=None,
           replace=True)
    published('SA 2 naming policy 20', NEW, sa(2, 0x2000, policy=20))
    published('POLICY_DEL of policy 20: accepted', CMD('POLICY_DEL'),
              pid(20))
    T.is_(sa_indexes(), [1], 'the SA that named policy 20 went with it')
    published('POLICY_FLUSH', CMD('POLICY_FLUSH'), [])
    T.is_(sa_indexes(), [], 'POLICY_FLUSH deleted the SA naming policy 21')


# ---- 5. SAs: accepted configurations, keys, identity ---------------------

def t_sa_semantics():
    T.section('SA semantics')
    reset()
    NEW = CMD('SA_NEW')
    rnd = random.Random(42)

    def key(n):
        return bytes(rnd.randrange(256) for _ in range(n))

    # (what, proto, algorithm attributes, expected ICV_LEN, extra attrs)
    good = [
        ('AH hmac(md5) 16-byte key', AH,
         dict(auth_name='hmac(md5)', auth_key=key(16)), 96, {}),
        ('AH hmac(md5) ICV 128', AH,
         dict(auth_name='hmac(md5)', auth_key=key(16), icv_len=128), 128,
         {}),
        ('AH hmac(sha1) 20-byte key', AH,
         dict(auth_name='hmac(sha1)', auth_key=key(20)), 96, {}),
        ('AH hmac(sha1) ICV 160', AH,
         dict(auth_name='hmac(sha1)', auth_key=key(20), icv_len=160), 160,
         {}),
        ('AH hmac(sha256) 32-byte key', AH,
         dict(auth_name='hmac(sha256)', auth_key=key(32)), 128, {}),
        ('AH hmac(sha384) 48-byte key', AH,
         dict(auth_name='hmac(sha384)', auth_key=key(48)), 192, {}),
        ('AH hmac(sha512) 64-byte key', AH,
         dict(auth_name='hmac(sha512)', auth_key=key(64)), 256, {}),
        ('AH hmac(sha256) with a 128-byte key (IPSEC6_KEY_MAX)', AH,
         dict(auth_name='hmac(sha256)', auth_key=key(128)), 128, {}),
        ('AH rfc4543(gcm(aes)) (AES-GMAC)', AH,
         dict(aead_name='rfc4543(gcm(aes))', aead_key=key(20), icv_len=128),
         128, {}),
        ('ESP hmac(sha1) + cbc(aes) 128', ESP,
         dict(auth_name='hmac(sha1)', auth_key=key(20),
              enc_name='cbc(aes)', enc_key=key(16)), 96, {}),
        ('ESP hmac(sha256) + cbc(aes) 256', ESP,
         dict(auth_name='hmac(sha256)', auth_key=key(32),
              enc_name='cbc(aes)', enc_key=key(32)), 128, {}),
        ('ESP hmac(sha256), NULL encryption by omission', ESP,
         dict(auth_name='hmac(sha256)', auth_key=key(32)), 128, {}),
        ('ESP hmac(sha1) + ecb(cipher_null) without key', ESP,
         dict(auth_name='hmac(sha1)', auth_key=key(20),
              enc_name='ecb(cipher_null)'), 96, {}),
        ('ESP rfc4106(gcm(aes)) 128, ICV 64', ESP,
         dict(aead_name='rfc4106(gcm(aes))', aead_key=key(20), icv_len=64),
         64, {}),
        ('ESP rfc4106(gcm(aes)) 256, ICV 96', ESP,
         dict(aead_name='rfc4106(gcm(aes))', aead_key=key(36), icv_len=96),
         96, {}),
        ('ESP rfc4543(gcm(aes)) 192', ESP,
         dict(aead_name='rfc4543(gcm(aes))', aead_key=key(28), icv_len=128),
         128, {}),
        ('ESP rfc7539esp(chacha20,poly1305)', ESP,
         dict(aead_name='rfc7539esp(chacha20,poly1305)', aead_key=key(36),
              icv_len=128), 128, {}),
        ('SPI 256, REPLAY_WINDOW 4096, ESN, soft == hard, DIR in', AH,
         dict(auth_name='hmac(sha1)', auth_key=key(20)), 96,
         dict(replay_window=4096, flags=1, soft_bytes=5, hard_bytes=5,
              dir=1, spi=256)),
        ('tunnel mode, DIR out, SRC, REQID, selectors, lifetimes', ESP,
         dict(aead_name='rfc4106(gcm(aes))', aead_key=key(20), icv_len=128),
         128, dict(mode=TUNNEL, dir=2, src=D1, reqid=9, sel_dst=D2,
                   sel_src=D1, sel_proto=17, sel_dport=53, sel_sport=1053,
                   soft_packets=10, hard_packets=20, soft_add_seconds=3000,
                   hard_add_seconds=6000, soft_use_seconds=7,
                   hard_use_seconds=8, flags=3)),
    ]
    keys, raws = [], []
    sent = {}
    for i, (what, proto, algs, icv, extra) in enumerate(good, 1):
        kw = dict(algs, **extra)
        kw.setdefault('keyfile', '/etc/ipsec6/keys/sa%d.key' % i)
        if 'enc_name' in kw:
            kw['enc_keyfile'] = '/etc/ipsec6/keys/sa%d.enc' % i
        spi = kw.pop('spi', 0x10000 + i)
        attrs = sa(i, spi, D2, proto, **kw)
        r = g.request(NEW, attrs)
        ok_req('SA_NEW accepted: %s' % what, r)
        raws += r.raw
        sent[i] = (attrs, icv, kw)
        keys += [kw[k] for k in ('auth_key', 'enc_key', 'aead_key')
                 if kw.get(k)]
    r_dump = g.dump(CMD('SA_GET'))
    dumped = {u32at(s, S('INDEX')): s for s in nl.nests(r_dump, A_SA)}
    T.is_(sorted(dumped), sorted(sent), 'the SA dump lists every SA, by '
          'index')
    T.is_([u32at(s, S('INDEX')) for s in nl.nests(r_dump, A_SA)],
          sorted(dumped), 'SA dump order is by index')
    raws += r_dump.raw
    bad_bits, bad_icv, bad_rt, bad_keys = [], [], [], []
    for i, (attrs, icv, kw) in sent.items():
        s = dumped.get(i, {})
        nbytes = sum(len(kw.get(k) or b'')
                     for k in ('auth_key', 'enc_key', 'aead_key'))
        if u32at(s, S('KEY_BITS')) != 8 * nbytes:
            bad_bits.append((i, u32at(s, S('KEY_BITS')), 8 * nbytes))
        if u32at(s, S('ICV_LEN')) != icv:
            bad_icv.append((i, u32at(s, S('ICV_LEN')), icv))
        given = nl.parse_attrs(attrs[0].pack()[4:])
        for t, v in given.items():
            if t in (S('AUTH_KEY'), S('ENC_KEY'), S('AEAD_KEY')):
                continue
            if s.get(t) != v:
                bad_rt.append((i, t, v, s.get(t)))
        for t in (S('AUTH_KEY'), S('ENC_KEY'), S('AEAD_KEY')):
            if t in s:
                bad_keys.append((i, t))
        rg, sg = get_sa(said(i))
        raws += rg.raw
        if sg != s:
            bad_rt.append((i, 'SA_GET differs from the dump'))
    T.ok(not bad_keys, 'no dumped SA has an AUTH_KEY, ENC_KEY or AEAD_KEY '
         'attribute', ['%r' % bad_keys])
    T.ok(not bad_bits, 'KEY_BITS is 8 * the key bytes given (salt '
         'included), for every SA', ['(index, got, want) %r' % bad_bits])
    T.ok(not bad_icv, 'ICV_LEN is as given, or the algorithm default '
         '(96 md5/sha1, 128/192/256 sha256/384/512)',
         ['(index, got, want) %r' % bad_icv])
    T.ok(not bad_rt, 'every other attribute (KEYFILE, ENC_KEYFILE, '
         'lifetimes, selectors, flags...) round-trips, SA_GET = dump',
         ['%r' % bad_rt[:6]])
    blob = b''.join(raws)
    leaked = [k.hex() for k in keys if k in blob]
    T.ok(keys and not leaked, 'none of the %d keys appears anywhere in '
         'the raw SA_GET and SA dump replies' % len(keys), leaked[:3])
    T.ok(r_dump.nrecv >= 1 and all(
        u32at(a, A_GEN) == gen() for _, _, a in r_dump.msgs),
        'every dumped SA carries the current GENERATION')

    T.section('SA identity')
    reset()
    base = sa(1, 0x1234, D2, AH, keyfile='a')
    published('SA 1 (AH, SPI 0x1234, DST %s)' % D2, NEW, base)
    published('the identical SA_NEW again: accepted, nothing published',
              NEW, base, delta=0)
    expect('same INDEX with another key: EEXIST (keys are compared)', NEW,
           sa(1, 0x1234, D2, AH, keyfile='a', auth_name='hmac(sha256)',
              auth_key=bytes(32)), errno.EEXIST,
           r'^INDEX: SA 1 exists with other content', at=None)
    expect('same INDEX with another SPI: EEXIST', NEW,
           sa(1, 0x1235, D2, AH, keyfile='a'), errno.EEXIST,
           r'^INDEX: SA 1 exists with other content', at=None)
    published('same INDEX with IPSEC6_A_REPLACE: accepted', NEW,
              sa(1, 0x1234, D2, AH, keyfile='b'), replace=True)
    r, s = get_sa(said(1))
    T.ok(s and s.get(S('KEYFILE')) == b'b\0', 'IPSEC6_A_REPLACE replaced the '
         'SA', ['%r' % s])
    expect('another INDEX, same SPI/DST/PROTO: EEXIST naming both SAs', NEW,
           sa(2, 0x1234, D2, AH), errno.EEXIST,
           r'^SPI: SA 2: SPI 4660, DST and PROTO used by SA 1', at=None)
    published('same SPI and DST, other PROTO: accepted', NEW,
              sa(2, 0x1234, D2, ESP))
    published('same SPI and PROTO, other DST: accepted', NEW,
              sa(3, 0x1234, D1, AH))
    r, s = get_sa(said(spi=0x1234, dst=D2, proto=ESP))
    T.ok(r.error == 0 and s and u32at(s, S('INDEX')) == 2,
         'SA_GET by SPI/DST/PROTO finds the right SA', ['%r %r' % (r, s)])
    expect('SA_GET without a nest: EINVAL', CMD('SA_GET'), [], errno.EINVAL,
           r'^SA: missing', miss=(A_SA,))
    expect('SA_GET with neither INDEX nor SPI: EINVAL', CMD('SA_GET'),
           [nl.nest(A_SA, [])], errno.EINVAL, r'^SPI \(or INDEX\): missing',
           miss=(A_SA, S('SPI')))
    expect('SA_GET of a missing index: ENOENT', CMD('SA_GET'), said(99),
           errno.ENOENT, r'^INDEX: no SA 99', at=None)
    expect('SA_GET by an unknown SPI/DST/PROTO: ENOENT naming them',
           CMD('SA_GET'), said(spi=0x999, dst=D2, proto=AH), errno.ENOENT,
           r'^SA: no SA with SPI 2457, DST 2001:db8::2, PROTO 51',
           at=(A_SA,))
    DEL = CMD('SA_DEL')
    expect('SA_DEL of a missing index: ENOENT', DEL, said(99), errno.ENOENT,
           r'^INDEX: no SA 99', at=None)
    expect('SA_DEL by an unknown SPI/DST/PROTO: ENOENT', DEL,
           said(spi=0x999, dst=D2, proto=AH), errno.ENOENT,
           r'^SA: no SA with SPI 2457', at=(A_SA,))
    expect('SA_DEL without a nest: EINVAL', DEL, [], errno.EINVAL,
           r'^SA: missing', miss=(A_SA,))
    expect('SA_DEL with neither INDEX nor SPI: EINVAL', DEL,
           [nl.nest(A_SA, [])], errno.EINVAL, r'^SPI \(or INDEX\): missing',
           miss=(A_SA, S('SPI')))
    expect('SA_DEL by SPI without DST: EINVAL', DEL, said(spi=0x1234),
           errno.EINVAL, r'^DST: missing', miss=(A_SA, S('DST')))
    expect('SA_DEL by SPI and DST without PROTO: EINVAL', DEL,
           said(spi=0x1234, dst=D2), errno.EINVAL, r'^PROTO: missing',
           miss=(A_SA, S('PROTO')))
    expect('SA_DEL with an algorithm in the nest: EINVAL', DEL,
           add(said(1), nl.string(S('AUTH_NAME'), 'hmac(sha1)')),
           errno.EINVAL, r'.', at=(A_SA, S('AUTH_NAME')))
    published('SA_DEL by SPI/DST/PROTO: accepted', DEL,
              said(spi=0x1234, dst=D2, proto=ESP))
    published('SA_DEL by INDEX: accepted', DEL, said(3))
    T.is_(sa_indexes(), [1], 'SA_DEL removed exactly SAs 2 and 3')
    published('SA_FLUSH: accepted', CMD('SA_FLUSH'), [])
    T.is_(sa_indexes(), [], 'SA_FLUSH removed every SA')


# ---- 6. commands without attributes, unknown commands, garbage -----------

def t_malformed():
    T.section('commands without attributes, unknown commands')
    reset()
    load(g, [(CMD('POLICY_NEW'), pol(10)), (CMD('SA_NEW'), sa(1))],
         'a policy and an SA to lose if a bad FLUSH went through')
    for cmd in ('POLICY_FLUSH', 'SA_FLUSH', 'TXN_COMMIT', 'TXN_ABORT',
                'STATS_GET'):
        for a in (nl.u32(A_GEN, 1), nl.nest(A_POLICY, [])):
            expect('%s with an attribute (type %d): EINVAL at it'
                   % (cmd, a.atype), CMD(cmd), [a], errno.EINVAL, r'.',
                   at=(a.atype,))
    T.ok(pol_indexes() == [10, 1] and sa_indexes() == [1],
         'the rejected FLUSH requests flushed nothing')
    expect('TXN_BEGIN with TXN_FLAGS 0x2 (unknown bit): EINVAL',
           CMD('TXN_BEGIN'), [nl.u32(A_TXN_FLAGS, 2)], errno.EINVAL,
           r'reserved bit', at=(A_TXN_FLAGS,))
    expect('TXN_BEGIN with a POLICY nest: EINVAL', CMD('TXN_BEGIN'),
           pol(), errno.EINVAL, r'.', at=(A_POLICY,))
    for c in (0, CMD('CHANGED'), CMD('SA_EXPIRED'), CMD('MAX') + 1, 255):
        expect('unknown command %d: EOPNOTSUPP' % c, c, [],
               errno.EOPNOTSUPP, None)
    expect('POLICY_NEW as a dump request: EOPNOTSUPP', CMD('POLICY_NEW'),
           pol(), errno.EOPNOTSUPP, None,
           flags=nl.NLM_F_REQUEST | nl.NLM_F_DUMP)

    T.section('truncated and garbage requests')
    g0, p0, s0 = gen(), pol_config(), sas()
    gz = nl.Genl()
    full_seq, full = gz.build(CMD('SA_NEW'), sa(5, 0x5000, D1, ESP, **GCM))
    bad = []
    for cut in range(17, len(full) - 1, 3):
        m = bytearray(full[:cut])
        struct.pack_into('=I', m, 0, cut)
        gz.send_raw(bytes(m))
        r = gz.collect(struct.unpack_from('=I', m, 8)[0])
        if r.error == 0:
            bad.append(cut)
    T.ok(not bad, 'SA_NEW truncated at every 3rd byte (nlmsg_len fixed): '
         'each answered with an error', ['accepted at %r' % bad])
    # nlmsg_len larger than what was sent: dropped without an answer.
    m = bytearray(full)
    struct.pack_into('=I', m, 0, len(full) + 64)
    gz.send_raw(bytes(m))
    r = gz.request(CMD('STATS_GET'))
    T.ok(r.error == 0 and r.msgs, 'a message longer than its datagram is '
         'dropped, the socket keeps working', ['%r' % r])
    rnd = random.Random(1)
    bad, n, moved = [], 0, None
    for cmd in list(range(1, CMD('STATS_GET') + 1)) + [
            CMD('SA_ALLOC_SPI'), CMD('SA_UPDATE'), CMD('SOCKET_BYPASS')]:
        for _ in range(60):
            ln = rnd.choice((1, 2, 3, 4, 7, 8, 12, 16, 40, 200))
            raw = bytes(rnd.randrange(256) for _ in range(ln))
            if rnd.random() < 0.5:
                # a plausible nest header in front of the garbage
                raw = struct.pack('=HH', 4 + ln, 0x8000 | rnd.choice(
                    (A_POLICY, A_SA))) + raw
            seq, msg = gz.build(cmd, raw=raw)
            gz.send_raw(msg)
            r = gz.collect(seq, dump=False)
            n += 1
            if r.error == 0:
                bad.append((cmd, raw.hex()))
            if not moved and (gen() != g0 or pol_config() != p0):
                moved = (cmd, raw.hex(), r.error, r.msg)
    T.ok(not bad, '%d requests with random attribute bytes: each answered '
         'with an error' % n, ['accepted: %r' % bad[:5]])
    gz.close()
    T.ok(gen() == g0 and pol_config() == p0 and sas() == s0,
         'after the malformed requests nothing changed',
         ['first change after: %r' % (moved,), 'gen %r -> %r' % (g0, gen()),
          'policies %r -> %r' % (p0, pol_config()), 'sas %r -> %r' % (s0, sas())])


# ---- 7. transactions -------------------------------------------------------

def t_transactions():
    T.section('transactions')
    reset()
    NEW, BEGIN = CMD('POLICY_NEW'), CMD('TXN_BEGIN')
    COMMIT, ABORT = CMD('TXN_COMMIT'), CMD('TXN_ABORT')
    expect('TXN_COMMIT without an open transaction: ENOENT', COMMIT, [],
           errno.ENOENT, r'^no open transaction on this socket', at=None)
    expect('TXN_ABORT without an open transaction: ENOENT', ABORT, [],
           errno.ENOENT, r'^no open transaction on this socket', at=None)
    published('TXN_BEGIN: accepted, nothing published', BEGIN, [], delta=0)
    expect('TXN_BEGIN again on the same socket: EBUSY "overlapping '
           'transaction"', BEGIN, [], errno.EBUSY,
           r'^overlapping transaction: port %d' % g.portid, at=None)
    expect('TXN_BEGIN on another socket: EBUSY', BEGIN, [], errno.EBUSY,
           r'^overlapping transaction', sock=g2, at=None)
    others = [('POLICY_NEW', pol(50)), ('POLICY_DEL', pid(1)),
              ('POLICY_FLUSH', []), ('SA_NEW', sa(50)),
              ('SA_DEL', said(1)), ('SA_FLUSH', [])]
    for c, a in others:
        expect('%s from another socket while a transaction is open: EBUSY '
               'naming the owner' % c, CMD(c), a, errno.EBUSY,
               r'^a transaction of port %d is open' % g.portid, sock=g2,
               at=None)
    expect('TXN_COMMIT from another socket: ENOENT', COMMIT, [],
           errno.ENOENT, r'^no open transaction on this socket', sock=g2)
    expect('TXN_ABORT from another socket: ENOENT', ABORT, [],
           errno.ENOENT, r'^no open transaction on this socket', sock=g2)
    g0 = gen()
    drain_events()
    load(g, [(NEW, pol(20)), (NEW, apol(21)), (CMD('SA_NEW'), sa(1, policy=21)),
             (CMD('SA_NEW'), sa(2, 0x2000)), (CMD('POLICY_DEL'), pid(20)),
             (CMD('SA_DEL'), said(2)), (NEW, pol(22, priority=3))],
         'seven changes staged in the transaction')
    T.ok(pol_indexes() == [1] and pol_indexes(g) == [1] and sas() == [],
         'staged changes are invisible, to the owner too, before COMMIT')
    T.ok(gen() == g0 and not changed_gens(events()),
         'staging publishes nothing: no generation change, no CHANGED')
    r, p = get_policy(21, g)
    T.is_(ename(r.error), 'ENOENT', 'POLICY_GET does not see staged '
          'policies either')
    r = g.request(COMMIT)
    g1 = gen()
    evs = changed_gens(events())
    T.ok(r.error == 0 and g1 == g0 + 1 and evs == [g1],
         'TXN_COMMIT publishes the whole set as one change: generation +1, '
         'one CHANGED', ['%r gen %r -> %r, events %r' % (r, g0, g1, evs)])
    T.ok(pol_indexes() == [21, 22, 1] and sa_indexes() == [1],
         'the committed tables are the staged ones',
         ['%r %r' % (pol_indexes(), sa_indexes())])
    published('after COMMIT the socket makes single changes again', NEW,
              pol(23))
    ok_req('... and another socket too',
           g2.request(CMD('POLICY_DEL'), pid(23)))

    T.section('a rejected request poisons the transaction')
    rejected = [
        ('SA_NEW with SPI 0 (handler)', CMD('SA_NEW'), sa(9, 0)),
        ('POLICY_NEW with INDEX 0 (handler)', NEW, pol(0)),
        ('POLICY_NEW without ACTION (handler)', NEW,
         drop(pol(31), P('ACTION'))),
        ('POLICY_DEL of a missing policy', CMD('POLICY_DEL'), pid(999)),
        ('POLICY_DEL without INDEX', CMD('POLICY_DEL'),
         [nl.nest(A_POLICY, [])]),
        ('SA_DEL of a missing SA', CMD('SA_DEL'), said(99)),
        ('SA_NEW without a nest', CMD('SA_NEW'), []),
        ('POLICY_NEW with EEXIST', NEW, pol(21)),
        ('POLICY_NEW with COUNTS (read-only)', NEW,
         add(pol(32), nl.nest(P('COUNTS'), []))),
        # Refused by genetlink with the generated attribute policies, before
        # ipsec6 sees them: TXN_REQUESTS tells the commit.
        ('POLICY_NEW with DIR 0x08 (attribute policy, TXN_REQUESTS)', NEW,
         pol(32, dir_=8)),
        ('SA_NEW with REPLAY_WINDOW 5000 (attribute policy, TXN_REQUESTS)',
         CMD('SA_NEW'), sa(9, replay_window=5000)),
    ]
    for what, cmd, attrs in rejected:
        g0, p0 = gen(), pol_indexes()
        counted = 'TXN_REQUESTS' in what
        r0 = g.request(BEGIN)
        r1 = g.request(NEW, pol(30))
        r2 = g.request(cmd, attrs)
        r3 = g.request(NEW, pol(33))
        r4 = g.request(COMMIT, [nl.u32(C['IPSEC6_A_TXN_REQUESTS'], 3)]
                       if counted else [])
        T.ok(r0.error == 0 and r1.error == 0 and r2.error != 0 and
             r3.error == 0 and r4.error == errno.EINVAL and
             re.search(r'3 sent, 2 reached' if counted else
                       r'rejected request', r4.msg) and gen() == g0 and
             pol_indexes() == p0,
             'in a transaction, %s is rejected and then COMMIT fails '
             '(EINVAL), publishing nothing' % what,
             ['BEGIN %s, good %s, bad %s %r, good %s, COMMIT %s %r' % (
                 ename(r0.error), ename(r1.error), ename(r2.error), r2.msg,
                 ename(r3.error), ename(r4.error), r4.msg),
              'generation %r -> %r, policies %r' % (g0, gen(),
                                                   pol_indexes())])
        r5 = g.request(COMMIT)
        r6 = g.request(ABORT)
        T.ok(r5.error == errno.EINVAL and r6.error == 0,
             '... the set stays open and failed until TXN_ABORT',
             ['COMMIT %s, ABORT %s' % (ename(r5.error), ename(r6.error))])

    # genetlink refuses some requests itself (an unknown top-level
    # attribute, reserved nlmsg_flags): ipsec6 never sees them.  TXN_COMMIT
    # says how many change requests were sent; a difference fails the set.
    A_REQS = C['IPSEC6_A_TXN_REQUESTS']
    refused = [
        ('an unknown top-level attribute', pol(34) + [nl.u32(200, 0)], 0),
        ('NLM_F_REPLACE in nlmsg_flags', pol(34), 0x100),
    ]
    for what, attrs, flags in refused:
        g0, p0 = gen(), pol_indexes()
        rs = g.batch([(BEGIN, []), (NEW, pol(30)), (NEW, attrs, flags),
                      (NEW, pol(33))])
        r4 = g.request(COMMIT, [nl.u32(A_REQS, 3)])
        r5 = g.request(COMMIT)
        r6 = g.request(ABORT)
        T.ok(rs[2].error == errno.EINVAL and r4.error == errno.EINVAL and
             re.search(r'^TXN_REQUESTS: 3 sent, 2 reached ipsec6', r4.msg)
             and r5.error == errno.EINVAL and r6.error == 0 and
             gen() == g0 and pol_indexes() == p0,
             'in a transaction, a request genetlink refuses (%s) fails '
             'TXN_COMMIT with TXN_REQUESTS 3 (EINVAL, naming both counts); '
             'the set stays failed, nothing published' % what,
             ['refused request %s %r; COMMIT %s %r; COMMIT again %s %r; '
              'ABORT %s' % (ename(rs[2].error), rs[2].msg, ename(r4.error),
                            r4.msg, ename(r5.error), r5.msg,
                            ename(r6.error)),
              'generation %r -> %r' % (g0, gen())])
        if r4.error == 0 or r5.error == 0:
            reset()
    g0 = gen()
    rs = g.batch([(BEGIN, []), (NEW, pol(30)), (NEW, pol(33))])
    r3 = g.request(COMMIT, [nl.u32(A_REQS, 2)])
    T.ok(all(r.error == 0 for r in rs) and r3.error == 0 and gen() != g0 and
         {30, 33} <= set(pol_indexes()),
         'TXN_COMMIT with the right TXN_REQUESTS (2) publishes the set',
         ['COMMIT %s %r' % (ename(r3.error), r3.msg)])
    reset()

    T.section('commit-time reference errors leave the set open')
    reset()
    g0 = gen()
    load(g, [(BEGIN, []), (CMD('SA_NEW'), sa(1, policy=40))],
         'staged: an SA naming policy 40, which does not exist')
    r = g.request(COMMIT)
    T.ok(r.error == errno.ENOENT and
         re.search(r'^POLICY: SA 1: policy 40 does not exist', r.msg) and
         gen() == g0 and sa_indexes() == [],
         'TXN_COMMIT fails with ENOENT naming SA 1 and policy 40, nothing '
         'published', ['%s %r' % (ename(r.error), r.msg)])
    expect('the set is still open: another socket gets EBUSY',
           CMD('POLICY_NEW'), pol(41), errno.EBUSY, r'transaction of port',
           sock=g2, at=None)
    r = g.request(NEW, apol(40))
    r2 = g.request(COMMIT)
    T.ok(r.error == 0 and r2.error == 0 and sa_indexes() == [1] and
         gen() == g0 + 1, 'adding policy 40 to the open set makes the same '
         'COMMIT succeed', ['%r %r' % (r, r2)])
    load(g, [(BEGIN, []), (CMD('SA_NEW'), sa(2, 0x2000, policy=41))],
         'staged: an SA naming policy 41, which does not exist')
    r = g.request(COMMIT)
    r2 = g.request(ABORT)
    r3 = g2.request(BEGIN)
    r4 = g2.request(ABORT)
    T.ok(r.error == errno.ENOENT and r2.error == 0 and r3.error == 0 and
         r4.error == 0 and sa_indexes() == [1],
         'after a failed COMMIT, TXN_ABORT drops the set and another socket '
         'can begin one', ['%r %r %r %r' % (r, r2, r3, r4)])

    T.section('closing the owner drops the transaction')
    g3 = nl.Genl()
    load(g3, [(BEGIN, []), (NEW, pol(60))],
         'a third socket opens a transaction and stages policy 60')
    expect('meanwhile the second socket gets EBUSY', BEGIN, [], errno.EBUSY,
           r'^overlapping transaction: port %d' % g3.portid, sock=g2,
           at=None)
    g0 = gen()
    g3.close()
    r = g2.request(BEGIN)
    r2 = g2.request(ABORT)
    T.ok(r.error == 0 and r2.error == 0 and 60 not in pol_indexes() and
         gen() == g0, 'once the owner is closed another socket can begin, '
         'and nothing of the dropped set was published',
         ['%r %r' % (r, r2)])

    T.section('TXN_F_REPLACE')
    reset()
    load(g, [(NEW, pol(70)), (CMD('SA_NEW'), sa(1))],
         'a policy and an SA')
    g0 = gen()
    load(g, [(BEGIN, [nl.u32(A_TXN_FLAGS, C['IPSEC6_TXN_F_REPLACE'])]),
             (NEW, pol(71))], 'REPLACE transaction staging policy 71 only')
    r = g.request(COMMIT)
    T.ok(r.error == 0 and pol_indexes() == [71] and sa_indexes() == [] and
         gen() == g0 + 1, 'a TXN_F_REPLACE set starts from empty tables: '
         'no default policy, no old SA, one generation',
         ['%r %r %r' % (r, pol_indexes(), sa_indexes())])
    load(g, [(BEGIN, [nl.u32(A_TXN_FLAGS, C['IPSEC6_TXN_F_REPLACE'])])],
         'an empty REPLACE transaction')
    r = g.request(COMMIT)
    rp = g.dump(CMD('POLICY_GET'))
    T.ok(r.error == 0 and rp.error == 0 and not rp.msgs,
         'an empty REPLACE set commits an empty SPD', ['%r %r' % (r, rp)])
    gens = changed_gens(events())
    r = g.request(CMD('POLICY_FLUSH'))
    g1, evs = gen(), changed_gens(events())
    T.ok(r.error == 0 and pol_indexes() == [1] and gens and
         evs == [gens[-1] + 1] and g1 == gens[-1] + 1,
         'POLICY_FLUSH on an empty SPD brings back just the default policy, '
         'generation +1', ['%r, CHANGED before %r after %r, generation %r'
                           % (r, gens, evs, g1)])


# ---- 8. privileges ---------------------------------------------------------

def in_child(fn, *args):
    """Run fn(*args) in a forked child as nobody (uid/gid 65534, no
    groups, no capabilities); its JSON-able result comes back."""
    rd, wr = os.pipe()
    pid_ = os.fork()
    if pid_ == 0:
        os.close(rd)
        try:
            os.setgroups([])
            os.setgid(65534)
            os.setuid(65534)
            res = fn(*args)
        except Exception as e:  # noqa: BLE001
            res = {'exception': repr(e)}
        os.write(wr, json.dumps(res).encode())
        os._exit(0)
    os.close(wr)
    data = b''
    while True:
        chunk = os.read(rd, 65536)
        if not chunk:
            break
        data += chunk
    os.close(rd)
    os.waitpid(pid_, 0)
    return json.loads(data or b'{"exception": "no result"}')


CHANGES = [('POLICY_NEW', lambda: pol(80)), ('POLICY_DEL', lambda: pid(10)),
           ('POLICY_FLUSH', list), ('SA_NEW', lambda: sa(80, 0x8000)),
           ('SA_DEL', lambda: said(1)), ('SA_FLUSH', list),
           ('TXN_BEGIN', list), ('TXN_COMMIT', list), ('TXN_ABORT', list),
           ('SA_ALLOC_SPI', lambda: larval()),
           ('SA_UPDATE', lambda: sa(1, 0x1000)),
           ('SOCKET_BYPASS', lambda: [nl.u64(A_COOKIE, 1)])]


def unpriv_requests(existing_sock=None):
    s = existing_sock or nl.Genl()
    out = {}
    for c, mk in CHANGES:
        r = s.request(CMD(c), mk())
        out[c] = [ename(r.error), r.msg]
    r = s.dump(CMD('POLICY_GET'))
    out['POLICY_GET dump'] = [ename(r.error), len(r.msgs)]
    r = s.request(CMD('POLICY_GET'), pid(10))
    out['POLICY_GET'] = [ename(r.error), len(r.msgs)]
    r = s.dump(CMD('SA_GET'))
    out['SA_GET dump'] = [ename(r.error), len(r.msgs)]
    r = s.request(CMD('SA_GET'), said(1))
    out['SA_GET'] = [ename(r.error), len(r.msgs)]
    r = s.request(CMD('STATS_GET'))
    out['STATS_GET'] = [ename(r.error), len(r.msgs)]
    try:
        s.join('events')
        out['join events'] = 'success'
    except OSError as e:
        out['join events'] = ename(e.errno)
    return out


def root_socket_then_drop():
    """A socket opened as root and used after dropping privileges."""
    return unpriv_requests(ROOT_SOCK)


def nobody_socket_fd(sock_fd):
    s = nl.Genl()
    socket.send_fds(socket.socket(fileno=sock_fd), [b'x'], [s.sock.fileno()])
    return 'sent'


def t_privileges():
    T.section('privileges')
    reset()
    load(g, [(CMD('POLICY_NEW'), pol(10)), (CMD('SA_NEW'), sa(1))],
         'a policy and an SA to protect')
    g0, p0, s0 = gen(), pol_config(), sas()
    res = in_child(unpriv_requests)
    if 'exception' in res:
        T.ok(False, 'unprivileged child ran', [res['exception']])
        return
    for c, _ in CHANGES:
        e, msg = res[c]
        T.is_(e, 'EPERM', 'as nobody, %s gets EPERM' % c)
    T.ok(gen() == g0 and pol_config() == p0 and sas() == s0,
         'nothing changed through the unprivileged requests')
    # The SPD and the drop counters are security state too (XFRM's dumps
    # need CAP_NET_ADMIN as well).
    T.is_(res['POLICY_GET dump'][0], 'EPERM',
          'as nobody, the POLICY_GET dump gets EPERM')
    T.is_(res['POLICY_GET'][0], 'EPERM',
          'as nobody, POLICY_GET of one policy gets EPERM')
    T.is_(res['STATS_GET'][0], 'EPERM', 'as nobody, STATS_GET gets EPERM')
    T.is_(res['SA_GET dump'][0], 'EPERM', 'as nobody, the SA_GET dump gets '
          'EPERM')
    T.is_(res['SA_GET'][0], 'EPERM', 'as nobody, SA_GET gets EPERM')
    T.is_(res['join events'], 'EPERM', 'as nobody, joining the "events" '
          'group (SA_EXPIRED carries SA contents) gets EPERM')
    global ROOT_SOCK
    ROOT_SOCK = nl.Genl()
    res = in_child(root_socket_then_drop)
    ROOT_SOCK.close()
    T.ok('exception' not in res and
         all(res[c][0] == 'EPERM' for c, _ in CHANGES),
         'a socket opened as root, used after dropping to nobody: every '
         'change gets EPERM', ['%r' % res])
    T.ok('exception' not in res and
         all(res[c][0] == 'EPERM' for c in
             ('POLICY_GET dump', 'POLICY_GET', 'SA_GET dump', 'SA_GET',
              'STATS_GET')),
         'a socket opened as root, used after dropping to nobody: every '
         'query gets EPERM', ['%r' % res])
    a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
    in_child(nobody_socket_fd, a.fileno())
    _, fds, _, _ = socket.recv_fds(b, 1, 1)
    a.close()
    b.close()
    bad = []
    if fds:
        s = nl.Genl.__new__(nl.Genl)
        s.sock = socket.socket(fileno=fds[0])
        s.seq, s.family, s.groups = 1, g.family, g.groups
        for c, mk in CHANGES:
            r = s.request(CMD(c), mk())
            if r.error != errno.EPERM:
                bad.append((c, ename(r.error)))
        s.close()
    T.ok(fds and not bad, 'a socket opened by nobody and handed to root: '
         'every change gets EPERM (the opener is checked too)',
         ['%r' % bad])
    T.ok(gen() == g0 and pol_config() == p0 and sas() == s0,
         'nothing changed through those sockets either')


ROOT_SOCK = None


# ---- 9. large dumps, atomic publication, NLM_F_DUMP_INTR -----------------

def fast_dump_indexes(sock):
    """A policy dump parsed just enough: (intr, error, [indexes],
    generations).  Relies on the message layout GENERATION, then the POLICY
    nest starting with INDEX, and checks it."""
    seq, msg = sock.build(CMD('POLICY_GET'), (),
                          nl.NLM_F_REQUEST | nl.NLM_F_DUMP)
    sock.send_raw(msg)
    intr, idx, gens = False, [], set()
    while True:
        data = sock.sock.recv(1 << 20)
        for typ, flags, mseq, pl in walk(data):
            if mseq != seq:
                continue
            if flags & nl.NLM_F_DUMP_INTR:
                intr = True
            if typ == nl.NLMSG_DONE:
                return intr, 0, idx, gens
            if typ == nl.NLMSG_ERROR:
                return intr, -struct.unpack_from('=i', pl)[0], idx, gens
            t1, = struct.unpack_from('=H', pl, 6)
            t2, = struct.unpack_from('=H', pl, 14)
            t3, = struct.unpack_from('=H', pl, 18)
            if (t1, t2 & 0x3fff, t3) != (A_GEN, A_POLICY, P('INDEX')):
                return intr, -1, idx, gens
            gens.add(struct.unpack_from('=I', pl, 8)[0])
            idx.append(struct.unpack_from('=I', pl, 20)[0])


def t_dumps():
    T.section('large dumps')
    reset()
    N = 5000
    reqs = [(CMD('TXN_BEGIN'), [])]
    reqs += [(CMD('POLICY_NEW'), pol(i, priority=i % 3)) for i in
             range(2, N + 2)]
    t0 = time.time()
    load(g, reqs, '%d policies staged in one transaction' % N)
    r = g.request(CMD('TXN_COMMIT'))
    ok_req('... and committed (%.1f s)' % (time.time() - t0), r)
    r = g2.dump(CMD('POLICY_GET'))
    idx = [u32at(p, P('INDEX')) for p in nl.nests(r, A_POLICY)]
    want = sorted(range(2, N + 2), key=lambda i: (i % 3, -i)) + [1]
    T.ok(r.error == 0 and idx == want,
         'the dump returns all %d policies in search order' % (N + 1),
         ['%r, %d policies, first %r' % (r, len(idx), idx[:5])])
    T.ok(r.nrecv > 3, 'the dump took several recv() calls (%d)' % r.nrecv)
    gens = {u32at(a, A_GEN) for _, _, a in r.msgs}
    T.ok(len(gens) == 1 and not r.intr, 'one GENERATION across the whole '
         'dump, no NLM_F_DUMP_INTR', ['%r intr=%r' % (gens, r.intr)])
    M = 300
    reqs = [(CMD('TXN_BEGIN'), [])]
    reqs += [(CMD('SA_NEW'), sa(i, 0x10000 + i)) for i in range(1, M + 1)]
    load(g, reqs, '%d SAs staged' % M)
    ok_req('... and committed', g.request(CMD('TXN_COMMIT')))
    r = g2.dump(CMD('SA_GET'))
    T.ok(r.error == 0 and [u32at(s, S('INDEX')) for s in
                           nl.nests(r, A_SA)] == list(range(1, M + 1)) and
         r.nrecv > 1, 'the SA dump returns all %d SAs over %d recv() calls'
         % (M, r.nrecv), ['%r' % r])

    T.section('NLM_F_DUMP_INTR')
    d = nl.Genl()
    seq, first = send_recv_part(d, CMD('POLICY_GET'))
    first_msgs = [m for m in walk(first) if m[2] == seq]
    r = g.request(CMD('POLICY_NEW'), pol(N + 10))
    rest = d.collect(seq, dump=True)
    T.ok(first_msgs and not any(f & nl.NLM_F_DUMP_INTR
                                for _, f, _, _ in first_msgs) and
         r.error == 0 and rest.intr,
         'a dump that spans a commit is flagged NLM_F_DUMP_INTR after the '
         'change, not before',
         ['first part %d messages, change %r, rest intr=%r'
          % (len(first_msgs), r, rest.intr)])
    e2, i2 = fast_dump_indexes(d)[1:3]
    T.ok(e2 == 0 and len(i2) == N + 2, 'the restarted dump is complete')
    d.close()

    T.section('atomic publication under a concurrent dumper')
    reset()
    OLD, NEWN = 1000, 2000
    old = set(range(2, OLD + 2)) | {1}
    reqs = [(CMD('TXN_BEGIN'), [])]
    reqs += [(CMD('POLICY_NEW'), pol(i)) for i in sorted(old - {1})]
    reqs.append((CMD('TXN_COMMIT'), []))
    load(g, reqs, 'the old set: %d policies' % len(old))
    new = (old - set(range(2, 502))) | set(range(10000, 10000 + NEWN))
    stop = threading.Event()
    results = []

    def dumper():
        s = nl.Genl()
        while not stop.is_set():
            t = time.time()
            results.append(fast_dump_indexes(s) + (t,))
        s.close()

    def wait(cond, limit=30):
        t_end = time.time() + limit
        while not cond() and time.time() < t_end and th.is_alive():
            time.sleep(0.02)

    th = threading.Thread(target=dumper)
    th.start()
    wait(lambda: results)       # at least one dump of the old set
    reqs = [(CMD('TXN_BEGIN'), [])]
    reqs += [(CMD('POLICY_DEL'), pid(i)) for i in range(2, 502)]
    reqs += [(CMD('POLICY_NEW'), pol(i)) for i in
             range(10000, 10000 + NEWN)]
    load(g, reqs, 'a transaction deleting 500 and adding %d policies '
         'while another thread dumps' % NEWN)
    r = g.request(CMD('TXN_COMMIT'))
    t_commit = time.time()
    ok_req('... committed', r)
    # at least one dump that started after the commit
    wait(lambda: any(x[4] > t_commit for x in results))
    stop.set()
    th.join()
    n_old = n_new = n_intr = 0
    mixed = []
    for intr, err, idx, gens, _ in results:
        if err:
            mixed.append(('error', err))
        elif intr:
            n_intr += 1
        elif set(idx) == old and len(idx) == len(old) and len(gens) == 1:
            n_old += 1
        elif set(idx) == new and len(idx) == len(new) and len(gens) == 1:
            n_new += 1
        else:
            mixed.append((len(idx), sorted(gens)))
    T.diag('concurrent dumps: %d of the old set, %d of the new, %d flagged '
           'NLM_F_DUMP_INTR' % (n_old, n_new, n_intr))
    T.ok(not mixed and n_old and n_new,
         'every complete dump shows exactly the old or exactly the new set '
         '(%d old, %d new, %d interrupted)' % (n_old, n_new, n_intr),
         ['not old nor new: %r' % mixed[:5]])
    reset()


# ---- 10. SA state across change sets -------------------------------------

PEER = '2001:db8:1::2'      # reached through the dummy d0 (10-netlink.sh)


def sa_seq(index):
    r, s_ = get_sa(said(index))
    return u32at(s_, S('SEQ')) if s_ else None


def t_sa_state():
    T.section('SA state across change sets')
    reset()
    pa = apol(50, AH, TRANSPORT, remote=(PEER, PEER), proto=17)
    sa1 = sa(1, 0x5000, PEER, AH, dir=2, policy=50)
    load(g, [(CMD('POLICY_NEW'), pa), (CMD('SA_NEW'), sa1)],
         'an outbound AH policy and SA for UDP to %s' % PEER)
    u = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)

    def send(n=1):
        for _ in range(n):
            try:
                u.sendto(b'x', (PEER, 9))
            except OSError as e:
                T.diag('sendto: %s' % e)

    t0 = int(time.time())
    send(3)
    if not T.is_(sa_seq(1), 3, 'three datagrams through the SA: SEQ 3'):
        T.diag('(the datapath did not protect them; the rest of this '
               'section depends on it)')
    _, s1 = get_sa(said(1))
    _, p50 = get_policy(50)
    lu = (u32at(s1 or {}, S('LAST_USED')), u32at(p50 or {}, P('LAST_USED')))
    T.ok(all(x is not None and t0 <= x <= time.time() for x in lu),
         'LAST_USED of the SA and of its policy: the second they were sent '
         '(%d)' % t0, ['%r' % (lu,)])
    published('the identical SA_NEW: nothing published', CMD('SA_NEW'), sa1,
              delta=0)
    T.is_(sa_seq(1), 3, '... SEQ kept')
    published('an unrelated policy added', CMD('POLICY_NEW'), pol(60))
    T.is_(sa_seq(1), 3, '... SEQ kept')
    same = [(CMD('TXN_BEGIN'), [nl.u32(A_TXN_FLAGS,
                                       C['IPSEC6_TXN_F_REPLACE'])]),
            (CMD('POLICY_NEW'), pol(1)), (CMD('POLICY_NEW'), pa),
            (CMD('SA_NEW'), sa1)]
    g0 = gen()
    load(g, same, 'a TXN_F_REPLACE set with the same policies and SA, '
         'without policy 60')
    ok_req('... committed', g.request(CMD('TXN_COMMIT')))
    T.ok(sa_seq(1) == 3 and pol_indexes() == [50, 1] and gen() == g0 + 1,
         'the SA reloaded unchanged by a REPLACE set keeps SEQ 3 (same key: '
         'restarting the sequence would reuse IVs)',
         ['SEQ %r, policies %r' % (sa_seq(1), pol_indexes())])
    send()
    T.is_(sa_seq(1), 4, 'the next datagram gets SEQ 4')
    g0 = gen()
    load(g, same, 'the same REPLACE set again')
    drain_events()
    r = g.request(CMD('TXN_COMMIT'))
    T.ok(r.error == 0 and gen() == g0 and not changed_gens(events()),
         'a REPLACE set identical to the published tables publishes '
         'nothing', ['%r generation %r -> %r' % (r, g0, gen())])
    load(g, [(CMD('TXN_BEGIN'), []), (CMD('SA_DEL'), said(1)),
             (CMD('SA_NEW'), sa1), (CMD('TXN_COMMIT'), [])],
         'SA_DEL and the same SA_NEW in one transaction')
    T.is_(sa_seq(1), 4, '... SEQ kept')
    published('the SA replaced with another key', CMD('SA_NEW'),
              sa(1, 0x5000, PEER, AH, dir=2, policy=50,
                 auth_name='hmac(sha256)', auth_key=bytes(32)),
              replace=True)
    T.is_(sa_seq(1), 0, '... is a new SA: SEQ 0')
    send()
    published('SA_DEL', CMD('SA_DEL'), said(1))
    published('the same SA_NEW as a new change set', CMD('SA_NEW'), sa1)
    T.is_(sa_seq(1), 0, 'an SA deleted and added in two change sets '
          'starts again at SEQ 0')
    u.close()


# ---- 11. for IKE daemons: kernel-assigned indexes, owners ----------------

AUTO = C['IPSEC6_INDEX_AUTO']
IKE = 0x4b45            # the plugin's OWNER


def answers(r, cmd, top):
    """The objects (nest top) of the reply messages of cmd in r."""
    return [nl.parse_attrs(a[top]) for _, c, a in r.msgs
            if c == CMD(cmd) and top in a]


def nodyn(obj, *types):
    """An object without the attributes traffic and time change."""
    drop_ = set(types) | {P('COUNTS'), P('LAST_USED')}
    return {k: v for k, v in obj.items() if k not in drop_}


def t_auto_index():
    T.section('kernel-assigned indexes')
    reset()
    NEW, SNEW = CMD('POLICY_NEW'), CMD('SA_NEW')
    r = published('POLICY_NEW without INDEX: published', NEW,
                  drop(pol(priority=5), P('INDEX')))
    ps = answers(r, 'POLICY_NEW', A_POLICY)
    i0 = u32at(ps[0], P('INDEX')) if len(ps) == 1 else None
    T.ok(len(r.msgs) == 1 and i0 is not None and i0 >= AUTO,
         'it answers with one POLICY_NEW message before the ack, the '
         'policy at an index from 0x%x up' % AUTO, ['%r' % r.msgs])
    _, p = get_policy(i0 or 0)
    T.ok(p is not None and ps and nodyn(ps[0]) == nodyn(p),
         '... the policy as POLICY_GET shows it', ['%r' % ps, '%r' % p])
    r = published('a second one', NEW, drop(pol(priority=5), P('INDEX')))
    ps = answers(r, 'POLICY_NEW', A_POLICY)
    T.is_([u32at(x, P('INDEX')) for x in ps], [i0 + 1],
          '... gets the next index')
    r = published('POLICY_NEW at the next index, given', NEW,
                  pol(i0 + 2, priority=5))
    T.is_(r.msgs, [], '... no answer message (the index was given)')
    r = published('POLICY_NEW without INDEX once more', NEW,
                  drop(pol(priority=6), P('INDEX')))
    T.is_([u32at(x, P('INDEX')) for x in answers(r, 'POLICY_NEW', A_POLICY)],
          [i0 + 3], '... skips the index in use')
    r = published('POLICY_NEW with INDEX and NLM_F_ECHO', NEW, pol(30),
                  flags=REQ | nl.NLM_F_ECHO)
    T.is_([u32at(x, P('INDEX')) for x in answers(r, 'POLICY_NEW', A_POLICY)],
          [30], '... answers with the policy')

    r = published('SA_NEW without INDEX: published', SNEW,
                  drop(sa(0, 0x3000, D2, ESP, **GCM), S('INDEX')))
    ss = answers(r, 'SA_NEW', A_SA)
    j0 = u32at(ss[0], S('INDEX')) if len(ss) == 1 else None
    T.ok(j0 is not None and j0 >= AUTO and
         not any(S(k) in ss[0] for k in ('AUTH_KEY', 'ENC_KEY', 'AEAD_KEY'))
         and u32at(ss[0], S('KEY_BITS')) == 160,
         'it answers with the SA (KEY_BITS 160, no key) at an index from '
         '0x%x up' % AUTO, ['%r' % r.msgs])
    _, s_ = get_sa(said(j0 or 0))
    T.ok(s_ is not None and ss and nodyn(ss[0]) == nodyn(s_),
         '... the SA as SA_GET shows it', ['%r' % ss, '%r' % s_])
    r = published('SA_NEW with INDEX and NLM_F_ECHO', SNEW,
                  sa(7, 0x3001, D2, ESP, **GCM), flags=REQ | nl.NLM_F_ECHO)
    T.is_([u32at(x, S('INDEX')) for x in answers(r, 'SA_NEW', A_SA)], [7],
          '... answers with the SA')
    r = published('SA_NEW with INDEX, no echo', SNEW,
                  sa(8, 0x3002, D2, ESP, **GCM))
    T.is_(r.msgs, [], '... no answer message')

    T.section('kernel-assigned indexes in a transaction')
    ok_req('TXN_BEGIN', g.request(CMD('TXN_BEGIN')))
    r = g.request(NEW, drop(pol(priority=7), P('INDEX')))
    k1 = [u32at(x, P('INDEX')) for x in answers(r, 'POLICY_NEW', A_POLICY)]
    r = g.request(NEW, drop(pol(priority=7), P('INDEX')))
    k2 = [u32at(x, P('INDEX')) for x in answers(r, 'POLICY_NEW', A_POLICY)]
    r = g.request(SNEW, drop(sa(0, 0x3003, D2, ESP, **GCM), S('INDEX')))
    k3 = [u32at(x, S('INDEX')) for x in answers(r, 'SA_NEW', A_SA)]
    T.ok(len(k1) == 1 and k2 == [k1[0] + 1] and k1[0] not in pol_indexes()
         and len(k3) == 1 and k3[0] not in sa_indexes(),
         'staged requests without INDEX get distinct free indexes and '
         'answers with the staged objects', ['%r %r %r' % (k1, k2, k3)])
    ok_req('TXN_COMMIT', g.request(CMD('TXN_COMMIT')))
    T.ok(k1 and k2 and k3 and k1[0] in pol_indexes() and
         k2[0] in pol_indexes() and k3[0] in sa_indexes(),
         '... published with those indexes')


def t_owner():
    T.section('owners and owner-filtered flushes')
    reset()
    NEW, SNEW = CMD('POLICY_NEW'), CMD('SA_NEW')
    load(g, [(NEW, pol(10)), (NEW, apol(11, AH, owner=IKE)),
             (NEW, apol(12, ESP, owner=IKE)), (NEW, apol(13, AH, owner=7)),
             (SNEW, sa(1, 0x4001, owner=IKE)),
             (SNEW, sa(2, 0x4002, policy=11)),
             (SNEW, sa(3, 0x4003, owner=IKE)), (SNEW, sa(4, 0x4004)),
             (SNEW, sa(5, 0x4005, owner=7, policy=13))],
         'policies and SAs of the administrator (no OWNER), 0x4b45 and 7')
    _, p = get_policy(11)
    _, p10 = get_policy(10)
    T.ok(p and u32at(p, P('OWNER')) == IKE and p10 and
         P('OWNER') not in p10, 'a policy dump shows OWNER; none without',
         ['%r %r' % (p, p10)])
    _, s_ = get_sa(said(1))
    _, s4 = get_sa(said(4))
    T.ok(s_ and u32at(s_, S('OWNER')) == IKE and s4 and S('OWNER') not in s4,
         'an SA dump shows OWNER; none without', ['%r %r' % (s_, s4)])
    expect('the same policy with another OWNER: EEXIST (OWNER is content)',
           NEW, apol(11, AH, owner=8), errno.EEXIST,
           r'^INDEX: policy 11 exists with other content', at=None)
    expect('the same SA with another OWNER: EEXIST', SNEW,
           sa(1, 0x4001, owner=8), errno.EEXIST,
           r'^INDEX: SA 1 exists with other content', at=None)
    expect('SA_FLUSH with OWNER as a u16: EINVAL at it', CMD('SA_FLUSH'),
           [nl.u16(A_OWNER, IKE)], errno.EINVAL, r'.', at=(A_OWNER,))
    expect('POLICY_FLUSH with OWNER as a u64: EINVAL at it',
           CMD('POLICY_FLUSH'), [nl.u64(A_OWNER, IKE)], errno.EINVAL, r'.',
           at=(A_OWNER,))
    published('SA_FLUSH with OWNER 0x4b45', CMD('SA_FLUSH'),
              [nl.u32(A_OWNER, IKE)])
    T.is_(sa_indexes(), [2, 4, 5], '... deleted only that owner\'s SAs')
    published('POLICY_FLUSH with OWNER 0x4b45', CMD('POLICY_FLUSH'),
              [nl.u32(A_OWNER, IKE)])
    T.is_((pol_indexes(), sa_indexes()), ([13, 10, 1], [4, 5]),
          '... deleted that owner\'s policies and the SA naming one; the '
          'default policy stays')
    published('POLICY_FLUSH with an OWNER nobody has: nothing published',
              CMD('POLICY_FLUSH'), [nl.u32(A_OWNER, 99)], delta=0)
    published('POLICY_FLUSH with OWNER 7', CMD('POLICY_FLUSH'),
              [nl.u32(A_OWNER, 7)])
    T.is_((pol_indexes(), sa_indexes()), ([10, 1], [4]),
          '... and that one\'s')
    published('POLICY_FLUSH with OWNER 0 (the administrator\'s)',
              CMD('POLICY_FLUSH'), [nl.u32(A_OWNER, 0)])
    T.is_(pol_indexes(), [], '... deletes the default policy too, without '
          'adding it back')
    published('POLICY_FLUSH without OWNER', CMD('POLICY_FLUSH'), [])
    T.is_(pol_indexes(), [1], '... brings the default policy back')


def t_larval():
    T.section('SA_ALLOC_SPI rejections')
    reset()
    ALLOC = CMD('SA_ALLOC_SPI')

    def at(n):
        return (A_SA, S(n))

    expect('SA_ALLOC_SPI without an SA nest: EINVAL "SA: missing"', ALLOC,
           [], errno.EINVAL, r'^SA: missing', miss=(A_SA,))
    for n in ('DST', 'PROTO'):
        expect('SA_ALLOC_SPI without %s: EINVAL, missing type %s' % (n, n),
               ALLOC, drop(larval(), S(n)), errno.EINVAL, r'^%s: missing' % n,
               miss=(A_SA, S(n)))
    expect('SA_ALLOC_SPI PROTO 17: EINVAL', ALLOC, larval(proto=17),
           errno.EINVAL, r'^PROTO: unknown value 17', at=at('PROTO'))
    expect('SA_ALLOC_SPI DST ff02::1: EINVAL', ALLOC, larval(dst='ff02::1'),
           errno.EINVAL, r'^DST: ff02::1 is not a unicast', at=at('DST'))
    expect('SA_ALLOC_SPI SPI_MIN 255: EINVAL "reserved"', ALLOC,
           larval(spi_min=255), errno.EINVAL, r'^SPI_MIN: 255 is reserved',
           at=at('SPI_MIN'))
    expect('SA_ALLOC_SPI SPI_MAX below SPI_MIN: EINVAL', ALLOC,
           larval(spi_min=0x2000, spi_max=0x1fff), errno.EINVAL,
           r'^SPI_MAX: 8191 is below SPI_MIN 8192', at=at('SPI_MAX'))
    expect('SA_ALLOC_SPI SPI_MAX 100 alone: EINVAL', ALLOC,
           larval(spi_max=100), errno.EINVAL,
           r'^SPI_MAX: 100 is below SPI_MIN 256', at=at('SPI_MAX'))
    expect('SA_ALLOC_SPI INDEX 0: EINVAL', ALLOC, larval(index=0),
           errno.EINVAL, r'^INDEX: 0 is invalid', at=at('INDEX'))
    for n, a in (('SPI', nl.u32(S('SPI'), 0x1000)),
                 ('AUTH_NAME', nl.string(S('AUTH_NAME'), 'hmac(sha1)')),
                 ('MODE', nl.u8(S('MODE'), TUNNEL)),
                 ('POLICY', nl.u32(S('POLICY'), 10))):
        expect('SA_ALLOC_SPI with %s: EINVAL at it' % n, ALLOC,
               add(larval(), a), errno.EINVAL,
               r'^SA: attribute %d is not taken by SA_ALLOC_SPI' % S(n),
               at=at(n))
    expect('SA_ALLOC_SPI HARD_ADD_SECONDS as a u32: EINVAL at it', ALLOC,
           add(larval(), nl.u32(S('HARD_ADD_SECONDS'), 5)), errno.EINVAL,
           r'.', at=at('HARD_ADD_SECONDS'))
    T.section('SA_NEW attributes of other requests')
    for n, msg in (('SPI_MIN', 'only with SA_ALLOC_SPI'),
                   ('SPI_MAX', 'only with SA_ALLOC_SPI')):
        expect('SA_NEW with %s: EINVAL "%s"' % (n, msg), CMD('SA_NEW'),
               add(sa(), nl.u32(S(n), 2)), errno.EINVAL, r'^%s: %s' % (n, msg),
               at=(A_SA, S(n)))

    T.section('UDP encapsulation (ENCAP_*)')
    SNEW = CMD('SA_NEW')
    enc = [nl.u16(S('ENCAP_TYPE'), 2), nl.u16(S('ENCAP_SPORT'), 4500),
           nl.u16(S('ENCAP_DPORT'), 4501)]
    for n in ('ENCAP_SPORT', 'ENCAP_DPORT', 'ENCAP_OA'):
        a = nl.addr(S(n), D1) if n == 'ENCAP_OA' else nl.u16(S(n), 4500)
        expect('SA_NEW with %s without ENCAP_TYPE: EINVAL' % n, SNEW,
               add(sa(proto=ESP), a), errno.EINVAL,
               r'^%s: only with ENCAP_TYPE' % n, at=at(n))
    expect('ENCAP_TYPE 1 (espinudp-nonike): EINVAL', SNEW,
           add(sa(proto=ESP), nl.u16(S('ENCAP_TYPE'), 1), *enc[1:]),
           errno.EINVAL, r'^ENCAP_TYPE: 1 is not supported \(2 = espinudp\)',
           at=at('ENCAP_TYPE'))
    expect('ENCAP on an AH SA: EINVAL', SNEW, add(sa(), *enc), errno.EINVAL,
           r'^ENCAP_TYPE: SA 1: UDP encapsulation is for ESP only',
           at=at('ENCAP_TYPE'))
    expect('ENCAP_TYPE without ENCAP_DPORT: EINVAL, missing', SNEW,
           add(sa(proto=ESP), *enc[:2]), errno.EINVAL,
           r'^ENCAP_DPORT: missing', miss=(A_SA, S('ENCAP_DPORT')))
    expect('ENCAP_SPORT 0: EINVAL', SNEW,
           add(sa(proto=ESP), enc[0], nl.u16(S('ENCAP_SPORT'), 0), enc[2]),
           errno.EINVAL, r'^ENCAP_SPORT: 0 is invalid', at=at('ENCAP_SPORT'))
    published('SA_NEW with ENCAP espinudp 4500 -> 4501 and OA', SNEW,
              add(sa(7, 0x7007, proto=ESP), *enc,
                  nl.addr(S('ENCAP_OA'), D1)))
    _, s_ = get_sa(said(7))
    T.ok(s_ and u32at(s_, S('ENCAP_TYPE')) == 2 and
         u32at(s_, S('ENCAP_SPORT')) == 4500 and
         u32at(s_, S('ENCAP_DPORT')) == 4501 and
         s_.get(S('ENCAP_OA')) == socket.inet_pton(socket.AF_INET6, D1),
         'a dump returns ENCAP_TYPE, both ports and OA', ['%r' % s_])
    published('SA_DEL of it', CMD('SA_DEL'), said(7))

    T.section('larval SAs')
    t0 = int(time.time())
    r = published('SA_ALLOC_SPI (ESP to %s, REQID 7, OWNER 0x4b45, SRC)'
                  % D2, ALLOC, larval(reqid=7, owner=IKE, src=D1))
    ss = answers(r, 'SA_ALLOC_SPI', A_SA)
    s_ = ss[0] if len(ss) == 1 else {}
    spi = u32at(s_, S('SPI'))
    T.ok(len(r.msgs) == 1 and u32at(s_, S('INDEX')) >= AUTO and
         spi and spi >= 256 and s_.get(S('DST')) ==
         socket.inet_pton(socket.AF_INET6, D2) and
         u32at(s_, S('PROTO')) == ESP and u32at(s_, S('REQID')) == 7 and
         u32at(s_, S('OWNER')) == IKE and
         u32at(s_, S('STATE')) == C['IPSEC6_SA_STATE_LARVAL'],
         'it answers SA_ALLOC_SPI with the SA: a kernel-assigned INDEX, an '
         'SPI from 256 up, DST, PROTO, REQID, OWNER, STATE larval',
         ['%r' % r.msgs])
    idx = u32at(s_, S('INDEX'))
    _, g_ = get_sa(said(idx or 0))
    T.ok(g_ and u32at(g_, S('STATE')) == C['IPSEC6_SA_STATE_LARVAL'] and
         u32at(g_, S('HARD_ADD_SECONDS')) == 30 and
         not any(S(k) in g_ for k in ('AUTH_NAME', 'ENC_NAME', 'AEAD_NAME'))
         and t0 - 1 <= (u32at(g_, S('ADD_TIME')) or 0) <= time.time() + 1
         and u32at(g_, S('LAST_USED')) == 0,
         'SA_GET: larval, HARD_ADD_SECONDS 30 by default, no algorithm, '
         'ADD_TIME now, LAST_USED 0', ['%r' % g_])
    r = published('SA_ALLOC_SPI SPI_MIN = SPI_MAX = 0x1234, INDEX 40', ALLOC,
                  larval(spi_min=0x1234, spi_max=0x1234, index=40))
    T.is_([(u32at(x, S('INDEX')), u32at(x, S('SPI'))) for x in
           answers(r, 'SA_ALLOC_SPI', A_SA)], [(40, 0x1234)],
          '... that SPI, at that index')
    expect('SA_ALLOC_SPI of the same SPI, DST and PROTO: ENOSPC', ALLOC,
           larval(spi_min=0x1234, spi_max=0x1234), errno.ENOSPC,
           r'^SPI_MIN: no free SPI in 4660-4660 for DST and PROTO', at=None)
    published('... for AH it is free', ALLOC,
              larval(proto=AH, spi_min=0x1234, spi_max=0x1234))
    expect('SA_ALLOC_SPI at INDEX 40 again: EEXIST', ALLOC,
           larval(index=40, dst=D1), errno.EEXIST,
           r'^INDEX: SA 40 exists', at=None)
    expect('SA_NEW with the larval SA\'s SPI, DST and PROTO: EEXIST',
           CMD('SA_NEW'), sa(41, 0x1234, D2, ESP), errno.EEXIST,
           r'^SPI: SA 41: SPI 4660, DST and PROTO used by SA 40', at=None)
    got = set()
    for i in range(3):
        r = g.request(ALLOC, larval(spi_min=0x2000, spi_max=0x2002))
        got |= {u32at(x, S('SPI')) for x in answers(r, 'SA_ALLOC_SPI', A_SA)}
    T.is_(got, {0x2000, 0x2001, 0x2002}, 'three SA_ALLOC_SPI in '
          '0x2000-0x2002: each SPI of the range once')
    expect('a fourth: ENOSPC', ALLOC, larval(spi_min=0x2000, spi_max=0x2002),
           errno.ENOSPC, r'^SPI_MIN: no free SPI', at=None)
    spis = set()
    for i in range(20):
        r = g.request(ALLOC, larval(dst=D1))
        spis |= {u32at(x, S('SPI')) for x in answers(r, 'SA_ALLOC_SPI', A_SA)}
    T.ok(len(spis) == 20 and min(spis) >= 256,
         '20 SA_ALLOC_SPI over the whole range: 20 different SPIs',
         ['%r' % sorted(spis)])
    ok_req('TXN_BEGIN', g.request(CMD('TXN_BEGIN')))
    ok_req('... an SA with SPI 0x3000 staged',
           g.request(CMD('SA_NEW'), sa(42, 0x3000, D2, ESP, **GCM)))
    r = g.request(ALLOC, larval(spi_min=0x3000, spi_max=0x3001))
    T.is_([u32at(x, S('SPI')) for x in answers(r, 'SA_ALLOC_SPI', A_SA)],
          [0x3001], '... SA_ALLOC_SPI in 0x3000-0x3001 in the transaction '
          'avoids the staged SA\'s SPI')
    ok_req('TXN_COMMIT', g.request(CMD('TXN_COMMIT')))
    published('SA_NEW with REPLACE at the larval SA\'s index completes it',
              CMD('SA_NEW'), sa(40, 0x1234, D2, ESP, reqid=7, **GCM),
              replace=True)
    _, g_ = get_sa(said(40))
    T.ok(g_ and u32at(g_, S('STATE')) == C['IPSEC6_SA_STATE_VALID'] and
         S('AEAD_NAME') in g_, '... STATE valid, with its algorithm',
         ['%r' % g_])

    T.section('larval SA lifetime')
    reset()
    r = published('SA_ALLOC_SPI with HARD_ADD_SECONDS 1', ALLOC,
                  larval(hard_add_seconds=1))
    ss = answers(r, 'SA_ALLOC_SPI', A_SA)
    idx = u32at(ss[0], S('INDEX')) if ss else None
    evs, t1 = [], time.time() + 6 * float(os.environ.get(
        'TEST_TIMEOUT_SCALE', '1'))
    while time.time() < t1 and not any(
            c == CMD('SA_EXPIRED') for c, _ in evs):
        evs += events(0.5)
    exp = [(u32at(a, C['IPSEC6_A_EXPIRE']),
            u32at(nl.parse_attrs(a.get(A_SA, b'')), S('INDEX')))
           for c, a in evs if c == CMD('SA_EXPIRED')]
    T.is_(exp, [(C['IPSEC6_EXPIRE_HARD'], idx)],
          '... a hard SA_EXPIRED for it after a second or two')
    # The event goes out before the expiry work deletes the SA: wait.
    t1 = time.time() + 5 * float(os.environ.get('TEST_TIMEOUT_SCALE', '1'))
    while idx is not None and idx in sa_indexes() and time.time() < t1:
        time.sleep(0.05)
    T.ok(idx is not None and idx not in sa_indexes(), '... and it is gone',
         ['%r' % sa_indexes()])


# ---- 12. notifications per object, ACQUIRE -------------------------------

NTF = ('SA_ADD_NTF', 'SA_UPDATE_NTF', 'SA_DEL_NTF', 'POLICY_ADD_NTF',
       'POLICY_DEL_NTF')


def ntfs(evs):
    """(command name, INDEX) of the per-object notifications, and
    'CHANGED' where a CHANGED came, in order."""
    names = {CMD(n): n for n in NTF}
    out = []
    for c, a in evs:
        if c == CMD('CHANGED'):
            out.append('CHANGED')
        elif c in names:
            top = A_SA if names[c].startswith('SA') else A_POLICY
            o = nl.parse_attrs(a.get(top, b''))
            out.append((names[c], u32at(o, S('INDEX') if top == A_SA
                                         else P('INDEX'))))
    return out


def ntf_of(sock, cmd, attrs, flags=REQ):
    drain_events()
    r = sock.request(CMD(cmd), attrs, flags)
    return r, events()


def t_notifications():
    T.section('per-object notifications')
    reset()
    r, evs = ntf_of(g, 'POLICY_NEW', apol(20, AH, owner=IKE))
    T.is_(ntfs(evs), [('POLICY_ADD_NTF', 20), 'CHANGED'],
          'POLICY_NEW: POLICY_ADD_NTF, then CHANGED')
    p = [nl.parse_attrs(a[A_POLICY]) for c, a in evs
         if c == CMD('POLICY_ADD_NTF')]
    _, pg = get_policy(20)
    T.ok(p and pg and nodyn(p[0]) == nodyn(pg) and
         u32at(p[0], P('OWNER')) == IKE,
         '... carrying the policy as POLICY_GET shows it (OWNER too)',
         ['%r' % p, '%r' % pg])
    r, evs = ntf_of(g, 'SA_NEW', sa(1, 0x6001, D2, AH, policy=20))
    T.is_(ntfs(evs), [('SA_ADD_NTF', 1), 'CHANGED'],
          'SA_NEW: SA_ADD_NTF, then CHANGED')
    blob = b''.join(v for _, a in evs for v in a.values())
    T.ok(KEY_SHA256 not in blob and evs and
         S('AUTH_KEY') not in nl.parse_attrs(evs[0][1].get(A_SA, b'')),
         '... without the key', ['%r' % evs])
    r, evs = ntf_of(g, 'SA_NEW', sa(1, 0x6001, D2, AH, policy=20))
    T.is_(ntfs(evs), [], 'the identical SA_NEW: no notification')
    r, evs = ntf_of(g, 'SA_NEW', sa(1, 0x6001, D2, AH, policy=20,
                                    keyfile='k') + [nl.flag(A_REPLACE)])
    T.is_(ntfs(evs), [('SA_UPDATE_NTF', 1), 'CHANGED'],
          'SA_NEW with REPLACE: SA_UPDATE_NTF')
    r, evs = ntf_of(g, 'POLICY_NEW', apol(20, AH, priority=3) +
                    [nl.flag(A_REPLACE)])
    T.is_(ntfs(evs), [('POLICY_ADD_NTF', 20), 'CHANGED'],
          'POLICY_NEW with REPLACE: POLICY_ADD_NTF with the new content')
    T.ok(evs and u32at(nl.parse_attrs(evs[0][1].get(A_POLICY, b'')),
                       P('PRIORITY')) == 3, '... (PRIORITY 3)')
    load(g, [(CMD('SA_NEW'), sa(2, 0x6002)), (CMD('SA_NEW'), sa(3, 0x6003))],
         'SAs 2 and 3')
    drain_events()
    load(g, [(CMD('TXN_BEGIN'), []), (CMD('SA_DEL'), said(3)),
             (CMD('SA_NEW'), sa(4, 0x6003)), (CMD('POLICY_NEW'), pol(30)),
             (CMD('POLICY_DEL'), pid(20)), (CMD('TXN_COMMIT'), [])],
         'a transaction: delete SA 3 and policy 20 (and SA 1 that names '
         'it), add SA 4 with SA 3\'s SPI and policy 30')
    T.is_(ntfs(events()), [('POLICY_DEL_NTF', 20), ('SA_DEL_NTF', 1),
                           ('SA_DEL_NTF', 3), ('POLICY_ADD_NTF', 30),
                           ('SA_ADD_NTF', 4), 'CHANGED'],
          '... one notification per object, deletions first, then CHANGED')
    r, evs = ntf_of(g, 'SA_FLUSH', [])
    T.is_(ntfs(evs), [('SA_DEL_NTF', 2), ('SA_DEL_NTF', 4), 'CHANGED'],
          'SA_FLUSH: SA_DEL_NTF for each SA')
    r, evs = ntf_of(g, 'SA_ALLOC_SPI', larval(hard_add_seconds=1))
    idx = [u32at(x, S('INDEX')) for x in answers(r, 'SA_ALLOC_SPI', A_SA)]
    T.is_(ntfs(evs), [('SA_ADD_NTF', idx[0] if idx else None), 'CHANGED'],
          'SA_ALLOC_SPI: SA_ADD_NTF')
    t1 = time.time() + 6 * float(os.environ.get('TEST_TIMEOUT_SCALE', '1'))
    evs = []
    while time.time() < t1 and 'CHANGED' not in ntfs(evs):
        evs += events(0.5)
    T.is_([x for x in ntfs(evs) if x != 'CHANGED'],
          [('SA_DEL_NTF', idx[0] if idx else None)],
          '... and SA_DEL_NTF when its lifetime deletes it')


SYSPARAM = '/sys/module/ipsec6/parameters/acquire_interval'


def acq_events(evs):
    out = []
    for c, a in evs:
        if c == CMD('ACQUIRE'):
            out.append((nl.parse_attrs(a.get(A_POLICY, b'')),
                        nl.parse_attrs(a.get(A_FLOW, b''))))
    return out


def F(n):
    return C['IPSEC6_FLOW_A_' + n]


def nstat(name):
    r = g2.request(CMD('STATS_GET'))
    st = nl.parse_attrs(r.msgs[0][2].get(A_STATS, b'')) if r.msgs else {}
    return nl.num(st, C['IPSEC6_STATS_A_' + name])


def t_acquire():
    T.section('ACQUIRE')
    reset()
    a6 = socket.inet_pton
    pa = apol(50, ESP, TRANSPORT, remote=('2001:db8:1::', '2001:db8:1::ffff'),
              proto=17, from_packet=C['IPSEC6_FROM_PKT_REMOTE_ADDR'] |
              C['IPSEC6_FROM_PKT_REMOTE_PORT'], reqid=5, owner=IKE)
    published('an outbound ESP policy for UDP to 2001:db8:1::/112, REQID 5, '
              'FROM_PACKET remote address and port, no SA',
              CMD('POLICY_NEW'), pa)
    u = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    u.bind(('2001:db8:1::1', 0))
    sport = u.getsockname()[1]
    ifindex = socket.if_nametoindex('d0')

    def send(port=9, dst=PEER):
        try:
            u.sendto(b'x', (dst, port))
        except OSError:
            pass

    drain_events()
    n0 = nstat('NO_SA')
    send()
    acq = acq_events(events(1))
    T.is_(nstat('NO_SA'), n0 + 1, 'a datagram to %s:9 is dropped as NO_SA'
          % PEER)
    T.is_(len(acq), 1, '... and announced by one ACQUIRE')
    p, f = acq[0] if acq else ({}, {})
    T.ok(u32at(p, P('INDEX')) == 50 and u32at(p, P('REQID')) == 5 and
         u32at(p, P('IPSEC_PROTO')) == ESP and u32at(p, P('OWNER')) == IKE
         and u32at(p, P('ACTION')) == C['IPSEC6_ACTION_APPLY'],
         'its POLICY nest: index 50, APPLY ESP, REQID 5, OWNER', ['%r' % p])
    T.ok(p.get(P('REMOTE_START')) == a6(socket.AF_INET6, PEER) and
         p.get(P('REMOTE_END')) == a6(socket.AF_INET6, PEER) and
         u32at(p, P('REMOTE_PORT_START')) == 9 and
         u32at(p, P('REMOTE_PORT_END')) == 9 and
         P('LOCAL_START') not in p and u32at(p, P('PROTO')) == 17,
         '... FROM_PACKET selectors narrowed to the packet (remote %s, '
         'port 9), the others as configured' % PEER, ['%r' % p])
    T.ok(f.get(F('SRC')) == a6(socket.AF_INET6, '2001:db8:1::1') and
         f.get(F('DST')) == a6(socket.AF_INET6, PEER) and
         u32at(f, F('PROTO')) == 17 and u32at(f, F('SPORT')) == sport and
         u32at(f, F('DPORT')) == 9 and u32at(f, F('IFINDEX')) == ifindex and
         F('ICMP_TYPE') not in f,
         'its FLOW nest: SRC, DST, PROTO 17, SPORT %d, DPORT 9, IFINDEX of '
         'd0' % sport, ['%r' % f])
    send()
    send()
    T.is_(acq_events(events(0.3)), [], 'two more datagrams of that flow: '
          'no ACQUIRE (rate limit)')
    send(10)
    acq = acq_events(events(1))
    T.is_([u32at(x[1], F('DPORT')) for x in acq], [10],
          'another port: another ACQUIRE')
    send(9, '2001:db8:1::3')
    acq = acq_events(events(1))
    T.is_([x[1].get(F('DST')) for x in acq],
          [a6(socket.AF_INET6, '2001:db8:1::3')],
          'another destination: another ACQUIRE')
    published('an SA serving the policy (and its rate-limit entries go)',
              CMD('SA_NEW'), sa(9, 0x9000, '2001:db8:1::7', ESP, reqid=5,
                                 **GCM))
    send()
    acq = acq_events(events(1))
    T.is_(len(acq), 1, 'after an SA for the policy was added, the flow is '
          'announced again at once')
    try:
        with open(SYSPARAM) as fh:
            old = fh.read().strip()
        with open(SYSPARAM, 'w') as fh:
            fh.write('1')
    except OSError as e:
        old = None
        T.diag('acquire_interval: %s' % e)
    T.is_(old, '30', 'the module parameter acquire_interval is 30 by '
          'default')
    counts = []
    for pause in (0, 0, 1.1):
        time.sleep(pause)
        send(11)
        counts.append(len(acq_events(events(0.5))))
    T.is_(counts, [1, 0, 1], 'with acquire_interval 1: a new flow is '
          'announced, at once again it is not, after a second it is')
    if old:
        with open(SYSPARAM, 'w') as fh:
            fh.write(old)
    u.close()
    published('an ICMPv6-only policy, FROM_PACKET proto',
              CMD('POLICY_NEW'),
              apol(51, ESP, TRANSPORT, remote=(PEER, PEER), proto=58,
                   icmp_type=128, from_packet=C['IPSEC6_FROM_PKT_PROTO']))
    drain_events()
    os.system('ping -c 1 -W 1 %s >/dev/null 2>&1' % PEER)
    acq = acq_events(events(1))
    f = acq[0][1] if acq else {}
    T.ok(len(acq) == 1 and u32at(acq[0][0], P('INDEX')) == 51 and
         u32at(f, F('PROTO')) == 58 and u32at(f, F('ICMP_TYPE')) == 128 and
         u32at(f, F('ICMP_CODE')) == 0 and F('SPORT') not in f,
         'a ping: ACQUIRE with ICMP_TYPE 128, ICMP_CODE 0, no ports',
         ['%r' % acq])


# ---- 13. SA_UPDATE ---------------------------------------------------------

def t_sa_update():
    T.section('SA_UPDATE rejections')
    reset()
    UPD = CMD('SA_UPDATE')
    load(g, [(CMD('SA_NEW'), sa(1, 0x7001, D2, ESP, **GCM))],
         'SA 1 (ESP, SPI 0x7001)')

    def at(n):
        return (A_SA, S(n))

    expect('SA_UPDATE without an SA nest: EINVAL "SA: missing"', UPD, [],
           errno.EINVAL, r'^SA: missing', miss=(A_SA,))
    expect('SA_UPDATE of INDEX 77: ENOENT', UPD,
           sa(77, 0x7001, D2, ESP, **GCM), errno.ENOENT,
           r'^INDEX: no SA 77', at=at('INDEX'))
    expect('SA_UPDATE by SPI, DST and PROTO of no SA: ENOENT', UPD,
           drop(sa(0, 0x7002, D2, ESP, **GCM), S('INDEX')), errno.ENOENT,
           r'^SA: no SA with SPI 28674', at=(A_SA,))
    expect('SA_UPDATE without INDEX and SPI: EINVAL', UPD,
           drop(sa(0, 0x7001, D2, ESP, **GCM), S('INDEX'), S('SPI')),
           errno.EINVAL, r'^SPI \(or INDEX\): missing',
           miss=(A_SA, S('SPI')))
    expect('SA_UPDATE with another key: EINVAL (the contract\'s message)',
           UPD, sa(1, 0x7001, D2, ESP, aead_name='rfc4106(gcm(aes))',
                   aead_key=bytes(20), icv_len=128), errno.EINVAL,
           r'^AUTH_KEY: an update cannot change keys; add a new SA', at=None)
    expect('SA_UPDATE with another algorithm: EINVAL', UPD,
           sa(1, 0x7001, D2, ESP, **CBC), errno.EINVAL,
           r'^AUTH_KEY: an update cannot change keys', at=None)
    expect('SA_UPDATE with another SPI (by INDEX): EINVAL', UPD,
           sa(1, 0x7003, D2, ESP, **GCM), errno.EINVAL,
           r'^SPI: an update cannot change it', at=None)
    expect('SA_UPDATE with MODE tunnel: EINVAL', UPD,
           sa(1, 0x7001, D2, ESP, mode=TUNNEL, **GCM), errno.EINVAL,
           r'^MODE: an update cannot change it', at=None)
    expect('SA_UPDATE with FLAGS esn: EINVAL', UPD,
           sa(1, 0x7001, D2, ESP, flags=1, **GCM), errno.EINVAL,
           r'^FLAGS: an update cannot change esn', at=None)
    expect('SA_UPDATE with SPI_MIN: EINVAL', UPD,
           add(sa(1, 0x7001, D2, ESP, **GCM), nl.u32(S('SPI_MIN'), 300)),
           errno.EINVAL, r'^SPI_MIN: only with SA_ALLOC_SPI',
           at=at('SPI_MIN'))

    T.section('SA_UPDATE keeps the state')
    reset()
    pa = apol(50, ESP, TRANSPORT, remote=(PEER, PEER), proto=17)
    s1 = sa(1, 0x7001, PEER, ESP, dir=2, reqid=3, **GCM)
    load(g, [(CMD('POLICY_NEW'), pa), (CMD('SA_NEW'), s1),
             (CMD('SA_NEW'), sa(2, 0x7002, D2, ESP, **GCM))],
         'an outbound ESP policy for UDP to %s, its SA 1, another SA 2'
         % PEER)
    u = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)

    def send(n=1):
        for _ in range(n):
            try:
                u.sendto(b'x', (PEER, 9))
            except OSError as e:
                T.diag('sendto: %s' % e)

    send(3)
    # The counters are charged after the sequence number is taken: wait
    # until they show the three datagrams (SEQ 3), so nothing moves later.
    for _ in range(100):
        _, b4 = get_sa(said(1))
        cnt = nl.parse_attrs(b4.get(S('COUNTS'), b'')) if b4 else {}
        if nl.get_u(cnt, C['IPSEC6_COUNTS_A_PACKETS'], '=Q') == 3:
            break
        time.sleep(0.02)
    drain_events()
    r = g.request(CMD('SA_UPDATE'),
                  sa(1, 0x7001, PEER, ESP, dir=2, reqid=4,
                     soft_packets=1000, hard_packets=2000, replay_window=32,
                     owner=IKE, **GCM))
    ok_req('SA_UPDATE by INDEX: new REQID, lifetimes, window, OWNER', r)
    T.is_(ntfs(events()), [('SA_UPDATE_NTF', 1), 'CHANGED'],
          '... announced by SA_UPDATE_NTF')
    _, af = get_sa(said(1))
    keep = ('SEQ', 'ADD_TIME', 'COUNTS', 'LAST_USED')
    T.ok(b4 and af and all(b4.get(S(k)) == af.get(S(k)) for k in keep) and
         u32at(af, S('SEQ')) == 3 and u32at(af, S('REQID')) == 4 and
         u32at(af, S('OWNER')) == IKE and
         u32at(af, S('HARD_PACKETS')) == 2000,
         'SEQ 3, counters, ADD_TIME and LAST_USED kept; the new REQID, '
         'OWNER and lifetimes in', ['%r' % b4, '%r' % af])
    send()
    T.is_(sa_seq(1), 4, 'the next datagram gets SEQ 4')
    r = g.request(CMD('SA_UPDATE'),
                  drop(sa(0, 0x7001, PEER, ESP, dir=2, reqid=5, **GCM),
                       S('INDEX')), REQ | nl.NLM_F_ECHO)
    T.is_([(u32at(x, S('INDEX')), u32at(x, S('REQID')), u32at(x, S('SEQ')))
           for x in answers(r, 'SA_UPDATE', A_SA)], [(1, 5, 4)],
          'SA_UPDATE by SPI, DST and PROTO (NLM_F_ECHO): the SA keeps '
          'index 1 and SEQ 4')
    D3 = '2001:db8:1::3'
    published('SA_UPDATE of SA 2 by INDEX with another DST', CMD('SA_UPDATE'),
              sa(2, 0x7002, D3, ESP, **GCM))
    r, s2 = get_sa(said(spi=0x7002, dst=D3, proto=ESP))
    T.ok(s2 and u32at(s2, S('INDEX')) == 2 and
         not get_sa(said(spi=0x7002, dst=D2, proto=ESP))[1],
         '... it is found at the new DST only', ['%r' % s2])
    ok_req('TXN_BEGIN', g.request(CMD('TXN_BEGIN')))
    ok_req('... an SA_UPDATE of SA 1 staged',
           g.request(CMD('SA_UPDATE'), sa(1, 0x7001, PEER, ESP, dir=2,
                                          reqid=6, **GCM)))
    ok_req('... TXN_ABORT', g.request(CMD('TXN_ABORT')))
    send()
    _, s_ = get_sa(said(1))
    T.ok(s_ and u32at(s_, S('REQID')) == 5 and u32at(s_, S('SEQ')) == 5,
         'an aborted SA_UPDATE changed nothing: REQID 5, the next datagram '
         'SEQ 5', ['%r' % s_])
    load(g, [(CMD('TXN_BEGIN'), []),
             (CMD('SA_UPDATE'), sa(1, 0x7001, PEER, ESP, dir=2, reqid=7,
                                   **GCM)),
             (CMD('SA_UPDATE'), sa(1, 0x7001, PEER, ESP, dir=2, reqid=8,
                                   **GCM)),
             (CMD('TXN_COMMIT'), [])],
         'two SA_UPDATEs of SA 1 in one transaction')
    _, s_ = get_sa(said(1))
    T.ok(s_ and u32at(s_, S('REQID')) == 8 and u32at(s_, S('SEQ')) == 5,
         '... REQID 8, SEQ still 5', ['%r' % s_])
    published('SA_UPDATE of SA 1 without algorithm, key or ICV_LEN '
              '(a daemon has no keys to send)', CMD('SA_UPDATE'),
              sa(1, 0x7001, PEER, ESP, dir=2, reqid=9, noalg=True))
    send()
    _, s_ = get_sa(said(1))
    T.ok(s_ and u32at(s_, S('REQID')) == 9 and u32at(s_, S('SEQ')) == 6 and
         s_.get(S('AEAD_NAME')) == b'rfc4106(gcm(aes))\0' and
         u32at(s_, S('ICV_LEN')) == 128 and
         u32at(s_, S('KEY_BITS')) == 8 * len(KEY_GCM),
         '... it keeps its algorithm, key length and ICV; REQID 9; the next '
         'datagram SEQ 6', ['%r' % s_])
    u.close()

    T.section('SA_UPDATE completes a larval SA')
    r = g.request(CMD('SA_ALLOC_SPI'), larval(dst=D1, owner=IKE))
    ls = answers(r, 'SA_ALLOC_SPI', A_SA)
    lspi = u32at(ls[0], S('SPI')) if ls else 0
    lidx = u32at(ls[0], S('INDEX')) if ls else 0
    expect('SA_UPDATE of the larval SA with another SPI: EINVAL', CMD(
           'SA_UPDATE'), sa(lidx, lspi + 1, D1, ESP, **GCM), errno.EINVAL,
           r'^SPI: SA %d is larval: SPI, DST and PROTO must be its own' %
           lidx, at=None)
    expect('SA_UPDATE of the larval SA without an algorithm: EINVAL',
           CMD('SA_UPDATE'), sa(lidx, lspi, D1, ESP, noalg=True),
           errno.EINVAL,
           r'^(AEAD|ENC|AUTH)', at=None)
    drain_events()
    r = g.request(CMD('SA_UPDATE'),
                  drop(sa(0, lspi, D1, ESP, owner=IKE, **GCM), S('INDEX')))
    ok_req('SA_UPDATE by its SPI, DST and PROTO with algorithm and key', r)
    T.is_(ntfs(events()), [('SA_UPDATE_NTF', lidx), 'CHANGED'],
          '... SA_UPDATE_NTF')
    _, s_ = get_sa(said(lidx))
    T.ok(s_ and u32at(s_, S('STATE')) == C['IPSEC6_SA_STATE_VALID'] and
         S('AEAD_NAME') in s_ and S('HARD_ADD_SECONDS') not in s_,
         'the SA keeps its index, is valid, has its algorithm and none of '
         'the larval lifetime', ['%r' % s_])


# ---- main ----------------------------------------------------------------

SECTIONS = [t_initial, t_policy_rejections, t_policy_semantics,
            t_sa_rejections, t_sa_semantics, t_malformed, t_transactions,
            t_privileges, t_sa_state, t_dumps, t_auto_index, t_owner,
            t_larval, t_notifications, t_acquire, t_sa_update]


def main():
    only = sys.argv[1:]
    for fn in SECTIONS:
        if only and fn.__name__[2:] not in only:
            continue
        t0 = time.time()
        try:
            fn()
        except Exception:  # noqa: BLE001
            import traceback
            T.ok(False, '%s ran to its end' % fn.__name__,
                 traceback.format_exc())
        T.diag('%s: %.1f s' % (fn.__name__, time.time() - t0))
    T.diag('%d points, %d failed' % (T.n, T.failed))


if __name__ == '__main__':
    main()
