#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Crafted bad packets against ipsec6's inbound datapath (tests/31).

h2 runs ipsec6 with inbound SAs; h1 injects hand-built frames on its veth.
For every packet: the drop counter that must move moves by exactly the
expected amount and no other does, and nothing (or exactly the expected
payload) reaches the UDP sockets in h2.  After each case a valid "marker"
packet of its own SA is sent and awaited, so everything sent before it
has been through the stack.

Packets are built by hand (tests/dp_lib.py: AES-GCM, HMAC, AES-CBC with
python3-cryptography and hashlib) so that they can carry what no
implementation sends: wrong padding, next header 59, sequence 0, a bad
AH length.  Prints lines for tests/dp_lib.sh (dp_run).
"""
import hashlib
import os
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dp_lib as d  # noqa: E402
from dp_lib import H1_IP, H2_IP, UDP, ESP_P, AH_P  # noqa: E402

SPOOF = '2001:db8::11'      # a remote under an APPLY policy without SAs
SPORT = 5555

# Keys: recognisable bytes, so the kernel log can be searched for them.
K_MARK = bytes.fromhex('6d61726b65726b65796b65796b657921') + b'salt'
K_GCM = bytes.fromhex('a1b2c3d4e5f60718293a4b5c6d7e8f90') + b'\x11\x22\x33\x44'
K_NULL = bytes.fromhex('5eed' * 16)
K_AH = bytes.fromhex('ab' * 8 + 'cd' * 8 + 'ef' * 8 + '01' * 8)
K_CBC_ENC = bytes.fromhex('0badc0de' * 4)
K_CBC_AUTH = bytes.fromhex('feedface' * 5)
K_T = bytes.fromhex('7e' * 16) + b'salT'
K_D = bytes.fromhex('d0' * 16) + b'SALT'
ALL_KEYS = [K_MARK, K_GCM, K_NULL, K_AH, K_CBC_ENC, K_CBC_AUTH, K_T, K_D]

P_MARK, P_GCM, P_NULL, P_AH, P_CBC, P_SPOOF, P_T, P_D = \
    9, 10, 11, 12, 13, 14, 15, 16
PORT = {P_MARK: 6000, P_GCM: 6001, P_NULL: 6002, P_AH: 6003, P_CBC: 6004,
        P_T: 6005, P_D: 6006}
SPI = {P_MARK: 0x1000, P_GCM: 0x1001, P_NULL: 0x1002, P_AH: 0x1003,
       P_CBC: 0x1004, P_T: 0x1005, P_D: 0x1006}
WINDOW = 32


class Env:
    def __init__(self, tap):
        self.tap = tap
        self.ctl = d.Ctl('h2')
        self.wire = d.Wire()
        self.listen = {p: d.Listener(port) for p, port in PORT.items()}
        self.mark_seq = 0
        self.n = 0

    # -- configuration ------------------------------------------------------

    def setup(self):
        c = self.ctl
        for p in (P_MARK, P_GCM, P_NULL, P_AH, P_CBC, P_D):
            c.policy(p, 'in', 'apply', remote=(H1_IP, H1_IP),
                     local=(H2_IP, H2_IP), proto=UDP,
                     local_port=(PORT[p], PORT[p]),
                     ipsec_proto=AH_P if p == P_AH else ESP_P, mode=1)
        c.policy(P_SPOOF, 'in', 'apply', remote=(SPOOF, SPOOF),
                 local=(H2_IP, H2_IP), ipsec_proto=ESP_P, mode=1)
        c.policy(P_T, 'in', 'apply', remote=(H1_IP, H1_IP),
                 local=(H2_IP, H2_IP), proto=UDP,
                 local_port=(PORT[P_T], PORT[P_T]), ipsec_proto=ESP_P,
                 mode=1, reqid=77)
        common = dict(src=H1_IP, dir=d.DIR_IN, replay_window=WINDOW)
        gcm = dict(aead_name='rfc4106(gcm(aes))', icv_len=128)
        c.sa(P_MARK, SPI[P_MARK], H2_IP, ESP_P, policy=P_MARK,
             aead_key=K_MARK, **gcm, **dict(common, replay_window=0))
        c.sa(P_GCM, SPI[P_GCM], H2_IP, ESP_P, policy=P_GCM, aead_key=K_GCM,
             **gcm, **common)
        c.sa(P_NULL, SPI[P_NULL], H2_IP, ESP_P, policy=P_NULL,
             auth_name='hmac(sha256)', auth_key=K_NULL, icv_len=128,
             **common)
        c.sa(P_AH, SPI[P_AH], H2_IP, AH_P, policy=P_AH,
             auth_name='hmac(sha256)', auth_key=K_AH, icv_len=128, **common)
        c.sa(P_CBC, SPI[P_CBC], H2_IP, ESP_P, policy=P_CBC,
             auth_name='hmac(sha1)', auth_key=K_CBC_AUTH, icv_len=96,
             enc_name='cbc(aes)', enc_key=K_CBC_ENC, **common)
        # Serves P_T through its template (reqid), not by naming it.
        c.sa(P_T, SPI[P_T], H2_IP, ESP_P, reqid=77, aead_key=K_T, **gcm,
             **common)
        c.sa(P_D, SPI[P_D], H2_IP, ESP_P, policy=P_D, aead_key=K_D, **gcm,
             **common)

    # -- packets --------------------------------------------------------------

    def udp(self, p, payload, src=H1_IP, dport=None):
        return d.udp6(src, H2_IP, SPORT, dport or PORT[p], payload)

    def gcm(self, seq, inner, p=P_GCM, key=None, nh=UDP, pad=None,
            padlen=None, tamper=None, src=H1_IP, ext=(), spi=None):
        key = key or {P_GCM: K_GCM, P_MARK: K_MARK, P_T: K_T,
                      P_D: K_D}[p]
        plain = d.esp_trailer(inner, nh, 4, pad, padlen)
        esp = d.esp_gcm(key, spi or SPI[p], seq, plain)
        return self.wrap(esp, tamper, src, ext, ESP_P)

    def null(self, seq, inner, nh=UDP, pad=None, padlen=None, tamper=None):
        plain = d.esp_trailer(inner, nh, 4, pad, padlen)
        esp = d.esp_hmac(K_NULL, hashlib.sha256, 16, SPI[P_NULL], seq, plain)
        return self.wrap(esp, tamper)

    def cbc(self, seq, inner, nh=UDP, pad=None, padlen=None, tamper=None,
            plain=None, ext=()):
        if plain is None:
            plain = d.esp_trailer(inner, nh, 16, pad, padlen)
        iv = os.urandom(16)
        ct = d.cbc_encrypt(K_CBC_ENC, iv, plain) if len(plain) % 16 == 0 \
            else plain      # not a whole block: only its length matters
        esp = d.esp_hmac(K_CBC_AUTH, hashlib.sha1, 12, SPI[P_CBC], seq,
                         iv + ct)
        return self.wrap(esp, tamper, ext=ext)

    def ah(self, seq, inner, tamper=None, **kw):
        pkt = d.ah_packet(kw.pop('src', H1_IP), H2_IP, SPI[P_AH], seq, K_AH,
                          hashlib.sha256, 16, UDP, inner, **kw)
        return tamper(bytearray(pkt)) if tamper else pkt

    @staticmethod
    def wrap(esp, tamper=None, src=H1_IP, ext=(), nh=ESP_P):
        if tamper:
            esp = bytes(tamper(bytearray(esp)))
        first, chain = d.ext_chain(ext, nh)
        return d.ip6(src, H2_IP, first, chain + esp)

    def payload(self, tag):
        self.n += 1
        return ('%s #%d' % (tag, self.n)).encode()

    # -- checks -------------------------------------------------------------

    def marker(self):
        """A valid packet on its own SA; True once it has arrived."""
        self.mark_seq += 1
        data = b'marker %d' % self.mark_seq
        self.wire.send(self.gcm(self.mark_seq, self.udp(P_MARK, data),
                                p=P_MARK))
        end = 5.0
        while True:
            r = self.listen[P_MARK].recv(end)
            if r is None:
                return False
            if r[0] == data:
                return True

    def expect(self, name, pkts, drops=None, deliver=(), sa=None, xfrm=None,
               wait=3.0):
        """Send pkts; then drop counters must have moved by exactly drops
        ({reason: n}), exactly deliver ([(policy, payload)]) must have
        reached the sockets, and sa ({index: {counter: delta}}) the SAs'
        counters; xfrm: XfrmInNoStates in h2 must grow by that much."""
        drops = drops or {}
        sa = sa or {}
        for lst in self.listen.values():
            lst.drain()
        s0 = self.ctl.stats()
        n0 = d.snmp6('h2')
        c0 = {i: self.ctl.sa_counts(i) for i in sa}
        x0 = d.xfrm_stat('h2', 'XfrmInNoStates') if xfrm is not None \
            else None
        for p in pkts:
            self.wire.send(p)
        if drops:
            d.wait_until(lambda: all(self.ctl.stats()[k] - s0[k] >= v
                                     for k, v in drops.items()), wait)
        got = []
        want = sorted((PORT[p], pl) for p, pl in deliver)
        for port, _ in want:
            r = self.listen_port(port).recv(wait)
            if r:
                got.append((port, r[0]))
        if xfrm:
            d.wait_until(lambda: d.xfrm_stat('h2', 'XfrmInNoStates') - x0
                         >= xfrm, wait)
        marked = self.marker()
        for p, lst in self.listen.items():
            if p != P_MARK:
                got += [(lst.port, r[0]) for r in lst.drain()]
        got.sort()
        dl = d.delta(s0, self.ctl.stats())
        # What the IPv6 stack saw, to explain a failure (the marker adds
        # one delivery of its own).
        stack = {k: v for k, v in d.delta(n0, d.snmp6('h2')).items()
                 if k.startswith(('Ip6In', 'Icmp6Out', 'Udp6', 'Ip6Reasm'))}
        t = self.tap
        t.ok(dl == drops, '%s: drop counters %s' % (name, fmt(drops)),
             'changed: %s' % fmt(dl))
        if want:
            t.ok(got == want and marked,
                 '%s: delivered (%d datagram%s, payload intact)' %
                 (name, len(want), 's' if len(want) > 1 else ''),
                 'expected %r\n     got %r\nmarker arrived: %s\n'
                 'h2 snmp6 changes: %s' % (want, got, marked, fmt(stack)))
        else:
            t.ok(not got and marked, '%s: nothing delivered' % name,
                 'got %r\nmarker arrived: %s\nh2 snmp6 changes: %s' %
                 (got, marked, fmt(stack)))
        for i, exp in sa.items():
            c1 = self.ctl.sa_counts(i)
            dd = {k: c1[k] - c0[i][k] for k in exp} if c1 and c0[i] else None
            t.ok(dd == exp, '%s: SA %d counters %s' % (name, i, fmt(exp)),
                 'got %r' % dd)
        if xfrm is not None:
            x1 = d.xfrm_stat('h2', 'XfrmInNoStates')
            t.ok(x0 is not None and x1 - x0 == xfrm,
                 '%s: reached the stack (XfrmInNoStates +%d)' % (name, xfrm),
                 'XfrmInNoStates %s -> %s' % (x0, x1))

    def listen_port(self, port):
        return next(lst for lst in self.listen.values() if lst.port == port)


def fmt(dct):
    if not dct:
        return 'unchanged'
    return ', '.join('%s %+d' % kv for kv in sorted(dct.items()))


def flip(off, bit=0):
    """A tamper function flipping one bit at off (negative: from the end)."""
    def f(b):
        b[off] ^= 1 << bit
        return b
    return f


def dmesg():
    return subprocess.run(['dmesg'], capture_output=True, text=True,
                          check=False).stdout


def kmsg_mark(text):
    with open('/dev/kmsg', 'w') as f:
        f.write('<6>%s\n' % text)


def since(log, mark):
    i = log.rfind(mark)
    return log[i + len(mark):] if i >= 0 else log


# ---- the cases --------------------------------------------------------------
# Each is (name, points, function(env)); the points are counted up front
# so that a case that dies still accounts for every point.

CASES = case = d.Cases()


class Seq:
    """Sequence numbers in use per SA."""
    gcm = 0
    null = 0
    ah = 0
    cbc = 0


def nxt(attr):
    setattr(Seq, attr, getattr(Seq, attr) + 1)
    return getattr(Seq, attr)


@case(12)
def valid_packets(e):
    """Each SA works: the baseline the bad packets are compared with."""
    pl = e.payload('gcm')
    e.expect('valid ESP AES-GCM', [e.gcm(nxt('gcm'), e.udp(P_GCM, pl))],
             deliver=[(P_GCM, pl)], sa={P_GCM: {'packets': 1, 'drops': 0}})
    pl = e.payload('null')
    e.expect('valid ESP NULL+HMAC-SHA256',
             [e.null(nxt('null'), e.udp(P_NULL, pl))],
             deliver=[(P_NULL, pl)], sa={P_NULL: {'packets': 1}})
    pl = e.payload('ah')
    e.expect('valid AH HMAC-SHA256', [e.ah(nxt('ah'), e.udp(P_AH, pl))],
             deliver=[(P_AH, pl)], sa={P_AH: {'packets': 1}})
    pl = e.payload('cbc')
    e.expect('valid ESP AES-CBC+HMAC-SHA1',
             [e.cbc(nxt('cbc'), e.udp(P_CBC, pl))],
             deliver=[(P_CBC, pl)], sa={P_CBC: {'packets': 1}})


@case(24)
def icv_failures(e):
    ICV = {'ICV_FAIL': 1}
    sa_drop = {P_GCM: {'drops': 1, 'packets': 0}}
    e.expect('ESP GCM, ICV bit flipped',
             [e.gcm(nxt('gcm'), e.udp(P_GCM, e.payload('x')),
                    tamper=flip(-1, 7))], drops=ICV, sa=sa_drop)
    e.expect('ESP GCM, ciphertext bit flipped',
             [e.gcm(nxt('gcm'), e.udp(P_GCM, e.payload('x')),
                    tamper=flip(8 + 8 + 10, 0))], drops=ICV, sa=sa_drop)
    e.expect('ESP GCM, IV bit flipped',
             [e.gcm(nxt('gcm'), e.udp(P_GCM, e.payload('x')),
                    tamper=flip(8 + 3, 2))], drops=ICV)

    def other_seq(b):
        b[4:8] = struct.pack('!I', Seq.gcm + 1000)
        return b
    e.expect('ESP GCM, sequence number changed (authenticated)',
             [e.gcm(nxt('gcm'), e.udp(P_GCM, e.payload('x')),
                    tamper=other_seq)], drops=ICV)
    e.expect('ESP NULL+HMAC, ICV bit flipped',
             [e.null(nxt('null'), e.udp(P_NULL, e.payload('x')),
                     tamper=flip(-3, 4))], drops=ICV,
             sa={P_NULL: {'drops': 1}})
    e.expect('ESP NULL+HMAC, payload byte changed',
             [e.null(nxt('null'), e.udp(P_NULL, e.payload('x')),
                     tamper=flip(8 + 9, 1))], drops=ICV)
    e.expect('ESP AES-CBC+HMAC, ciphertext bit flipped',
             [e.cbc(nxt('cbc'), e.udp(P_CBC, e.payload('x')),
                    tamper=flip(8 + 16 + 3, 3))], drops=ICV)
    e.expect('AH, ICV bit flipped',
             [e.ah(nxt('ah'), e.udp(P_AH, e.payload('x')),
                   tamper=flip(40 + 12 + 5, 0))], drops=ICV,
             sa={P_AH: {'drops': 1, 'packets': 0}})
    e.expect('AH, payload byte changed',
             [e.ah(nxt('ah'), e.udp(P_AH, e.payload('x')),
                   tamper=flip(-1, 0))], drops=ICV)
    e.expect('AH, source address changed (immutable)',
             [e.ah(nxt('ah'), e.udp(P_AH, e.payload('x')),
                   tamper=flip(8 + 15, 4))], drops=ICV)


@case(6)
def ah_mutable_fields(e):
    """Traffic class, flow label and hop limit are not covered by AH."""
    pl = e.payload('mutable')
    pkt = bytearray(e.ah(nxt('ah'), e.udp(P_AH, pl)))
    pkt[0] |= 0x0b      # traffic class
    pkt[1] |= 0xc5      # traffic class / flow label
    pkt[3] = 0x77       # flow label
    pkt[7] = 3          # hop limit
    e.expect('AH, traffic class/flow label/hop limit changed in transit',
             [bytes(pkt)], deliver=[(P_AH, pl)])
    # The window moved for a good packet only: a bad ICV far ahead first.
    s = nxt('gcm')
    e.expect('ESP GCM, bad ICV with sequence number far ahead',
             [e.gcm(s + 1000, e.udp(P_GCM, e.payload('x')),
                    tamper=flip(-1, 0))], drops={'ICV_FAIL': 1})
    pl = e.payload('after')
    e.expect('ESP GCM, next sequence number after it still accepted '
             '(window did not move)', [e.gcm(s, e.udp(P_GCM, pl))],
             deliver=[(P_GCM, pl)])


@case(23)
def replay(e):
    R = {'REPLAY': 1}
    seq = nxt('gcm')
    pl = e.payload('first')
    pkt = e.gcm(seq, e.udp(P_GCM, pl))
    e.expect('replay: first copy', [pkt], deliver=[(P_GCM, pl)])
    e.expect('replay: exact duplicate', [pkt], drops=R,
             sa={P_GCM: {'drops': 1, 'packets': 0}})
    top = seq + 100
    Seq.gcm = top
    pl = e.payload('top')
    e.expect('replay: jump ahead to %d' % top,
             [e.gcm(top, e.udp(P_GCM, pl))], deliver=[(P_GCM, pl)])
    pl = e.payload('edge')
    edge = top - WINDOW + 1
    e.expect('replay: top - window + 1 (%d, window %d) accepted' %
             (edge, WINDOW), [e.gcm(edge, e.udp(P_GCM, pl))],
             deliver=[(P_GCM, pl)])
    e.expect('replay: top - window (%d) rejected' % (top - WINDOW),
             [e.gcm(top - WINDOW, e.udp(P_GCM, e.payload('x')))], drops=R)
    e.expect('replay: far left of the window',
             [e.gcm(top - 90, e.udp(P_GCM, e.payload('x')))], drops=R)
    e.expect('replay: window edge again (duplicate inside the window)',
             [e.gcm(edge, e.udp(P_GCM, e.payload('x')))], drops=R)
    e.expect('replay: sequence number 0',
             [e.gcm(0, e.udp(P_GCM, e.payload('x')))], drops=R)
    e.expect('replay: duplicate with a bad ICV is a replay (checked first)',
             [e.gcm(top, e.udp(P_GCM, e.payload('x')),
                    tamper=flip(-1, 0))], drops=R)
    seq = nxt('ah')
    pl = e.payload('ah')
    pkt = e.ah(seq, e.udp(P_AH, pl))
    e.expect('replay: AH first copy', [pkt], deliver=[(P_AH, pl)])
    e.expect('replay: AH duplicate', [pkt], drops=R)


@case(16)
def replay_window_bits(e):
    """The window is a bitmap indexed modulo its size (64 bits for a window
    of 32): a number whose bit an older, now out-of-window number set is
    new, after a jump (bitmap reset) or after small advances (bits cleared
    one by one)."""
    R = {'REPLAY': 1}
    base = Seq.gcm + 1
    pl = e.payload('base')
    e.expect('window bits: accept %d' % base,
             [e.gcm(base, e.udp(P_GCM, pl))], deliver=[(P_GCM, pl)])
    top = base + 192 + 10
    pl = e.payload('jump')
    e.expect('window bits: jump to %d' % top,
             [e.gcm(top, e.udp(P_GCM, pl))], deliver=[(P_GCM, pl)])
    alias = base + 192
    pl = e.payload('alias')
    e.expect('window bits: %d (same bit as %d, in the window) accepted' %
             (alias, base), [e.gcm(alias, e.udp(P_GCM, pl))],
             deliver=[(P_GCM, pl)])
    base = top + 1
    pl = e.payload('base2')
    e.expect('window bits: accept %d' % base,
             [e.gcm(base, e.udp(P_GCM, pl))], deliver=[(P_GCM, pl)])
    pl = e.payload('step')
    e.expect('window bits: advance by 40 to %d' % (base + 40),
             [e.gcm(base + 40, e.udp(P_GCM, pl))], deliver=[(P_GCM, pl)])
    pl = e.payload('step2')
    e.expect('window bits: advance by 34 to %d' % (base + 74),
             [e.gcm(base + 74, e.udp(P_GCM, pl))], deliver=[(P_GCM, pl)])
    pl = e.payload('alias2')
    e.expect('window bits: %d (same bit as %d, in the window) accepted' %
             (base + 64, base), [e.gcm(base + 64, e.udp(P_GCM, pl))],
             deliver=[(P_GCM, pl)])
    e.expect('window bits: %d again' % (base + 64),
             [e.gcm(base + 64, e.udp(P_GCM, e.payload('x')))], drops=R)
    Seq.gcm = base + 74


@case(10)
def unknown_spi(e):
    inner = e.udp(P_GCM, e.payload('x'), src=d.H1_IP)
    e.expect('unknown SPI under an APPLY policy',
             [e.gcm(5, inner, src=SPOOF, spi=0x7777)],
             drops={'UNKNOWN_SPI': 1})
    e.expect('unknown AH SPI under an APPLY policy',
             [d.ah_packet(SPOOF, H2_IP, 0x7778, 1, K_AH, hashlib.sha256, 16,
                          UDP, e.udp(P_GCM, b'x', src=SPOOF))],
             drops={'UNKNOWN_SPI': 1})
    e.expect('unknown SPI under the default BYPASS policy passes',
             [e.gcm(5, inner, spi=0x7777)], xfrm=1)
    e.expect('SA of the wrong protocol (AH with an ESP SA\'s SPI) '
             'passes under BYPASS',
             [d.ah_packet(H1_IP, H2_IP, SPI[P_GCM], 1, K_AH, hashlib.sha256,
                          16, UDP, e.udp(P_GCM, b'x'))], xfrm=1)


@case(6)
def cleartext(e):
    e.expect('cleartext UDP under an APPLY policy',
             [d.ip6(H1_IP, H2_IP, UDP, e.udp(P_GCM, e.payload('x')))],
             drops={'CLEARTEXT': 1})
    e.expect('cleartext UDP from a remote whose policy covers all '
             'protocols',
             [d.ip6(SPOOF, H2_IP, UDP,
                    e.udp(P_GCM, e.payload('x'), src=SPOOF))],
             drops={'CLEARTEXT': 1})
    pl = e.payload('mismatch')
    e.expect('ESP SA of another policy (UDP to the AH policy\'s port)',
             [e.gcm(nxt('gcm'), e.udp(P_AH, pl))],
             drops={'POLICY_MISMATCH': 1})


@case(18)
def malformed(e):
    M = {'MALFORMED': 1}
    hdr = struct.pack('!II', SPI[P_GCM], nxt('gcm'))
    e.expect('ESP truncated: header and 6 bytes',
             [d.ip6(H1_IP, H2_IP, ESP_P, hdr + bytes(6))], drops=M)
    e.expect('ESP truncated: 2 bytes (no whole SPI)',
             [d.ip6(H1_IP, H2_IP, ESP_P, hdr[:2])], drops=M)
    e.expect('ESP truncated: header + IV + ICV + 1 byte',
             [d.ip6(H1_IP, H2_IP, ESP_P, hdr + bytes(8 + 16 + 1))],
             drops=M)
    e.expect('ESP AES-CBC, ciphertext not a whole number of blocks',
             [e.cbc(nxt('cbc'), None, plain=bytes(20))], drops=M)
    good = e.ah(nxt('ah'), e.udp(P_AH, e.payload('x')))
    e.expect('AH Payload Len too big',
             [e.ah(nxt('ah'), e.udp(P_AH, e.payload('x')),
                   hdrlen=d.ah_len(16) // 4 - 2 + 2)], drops=M)
    e.expect('AH Payload Len too small',
             [e.ah(nxt('ah'), e.udp(P_AH, e.payload('x')),
                   hdrlen=d.ah_len(16) // 4 - 2 - 1)], drops=M)

    def cut(n):
        b = bytearray(good[:40 + n])
        b[4:6] = struct.pack('!H', n)
        return bytes(b)
    e.expect('AH truncated inside the ICV', [cut(20)], drops=M)
    e.expect('AH truncated inside the SPI', [cut(6)], drops=M)
    # Extension header chain that ends inside itself.
    bad = d.ip6(H1_IP, H2_IP, 60, bytes([ESP_P, 4]) + bytes(6))
    e.expect('destination options header longer than the packet, '
             'then ESP', [bad], drops=M)


@case(20)
def bad_padding(e):
    B = {'BAD_PADDING': 1}
    inner = e.udp(P_GCM, b'pad!')        # 8 + 4 = 12 bytes
    e.expect('ESP GCM, padding bytes not 1, 2, 3, ... (valid ICV)',
             [e.gcm(nxt('gcm'), inner, pad=bytes([1, 2, 4, 4, 5, 6]))],
             drops=B, sa={P_GCM: {'drops': 1, 'packets': 0}})
    e.expect('ESP GCM, pad length beyond the payload (valid ICV)',
             [e.gcm(nxt('gcm'), inner, pad=b'', padlen=200)], drops=B)
    e.expect('ESP GCM, padding of zeros (valid ICV)',
             [e.gcm(nxt('gcm'), inner, pad=bytes(6))], drops=B)
    pl = e.payload('longpad')
    e.expect('ESP GCM, longer padding than needed (valid) accepted',
             [e.gcm(nxt('gcm'), e.udp(P_GCM, pl), pad=bytes(range(1, 255)))],
             deliver=[(P_GCM, pl)])
    e.expect('ESP NULL+HMAC, wrong padding byte (valid ICV)',
             [e.null(nxt('null'), inner, pad=bytes([1, 9]))], drops=B,
             sa={P_NULL: {'drops': 1, 'packets': 0}})
    e.expect('ESP AES-CBC+HMAC, wrong padding byte (valid ICV)',
             [e.cbc(nxt('cbc'), inner, pad=bytes([1]) * 2)], drops=B)
    e.expect('ESP AES-CBC+HMAC, pad length 255 (valid ICV)',
             [e.cbc(nxt('cbc'), inner, pad=bytes(range(1, 3)), padlen=255)],
             drops=B)
    # Padding and trailer only, no payload data: refused before the
    # anti-replay window moves, as esp6 does ("garbage padlen").
    seq = nxt('gcm')
    e.expect('ESP GCM, no payload data besides the padding (valid ICV)',
             [e.gcm(seq, b'')], drops=B)
    pl = e.payload('after empty')
    e.expect('... that sequence number is still unused',
             [e.gcm(seq, e.udp(P_GCM, pl))], deliver=[(P_GCM, pl)])


@case(5)
def dummy(e):
    D = {'DUMMY': 1}
    e.expect('ESP GCM, next header 59 (dummy packet)',
             [e.gcm(nxt('gcm'), b'dummy traffic', nh=59)], drops=D,
             sa={P_GCM: {'packets': 1}})
    e.expect('ESP NULL+HMAC, next header 59 (dummy packet)',
             [e.null(nxt('null'), b'', nh=59)], drops=D)


@case(30)
def ext_headers(e):
    hbh = (0, [(0x3e, b'hbh!'), (0x1e, b'fixd')])
    dst = (60, [(0x3e, b'chng'), (0x1e, b'stay')])
    pl = e.payload('ext esp')
    e.expect('hop-by-hop + destination options + ESP',
             [e.gcm(nxt('gcm'), e.udp(P_GCM, pl), ext=[hbh, dst])],
             deliver=[(P_GCM, pl)])
    pl = e.payload('ext ah')
    e.expect('hop-by-hop + destination options + AH',
             [e.ah(nxt('ah'), e.udp(P_AH, pl), ext=[hbh, dst])],
             deliver=[(P_AH, pl)])

    def change(old, new):
        def f(b):
            i = bytes(b).index(old)
            b[i:i + len(new)] = new
            return b
        return f
    pl = e.payload('mutable dst')
    e.expect('AH: destination option with the change bit, data changed '
             'in transit', [e.ah(nxt('ah'), e.udp(P_AH, pl), ext=[hbh, dst],
                                 tamper=change(b'chng', b'CHNG'))],
             deliver=[(P_AH, pl)])
    pl = e.payload('mutable hbh')
    e.expect('AH: hop-by-hop option with the change bit, data changed',
             [e.ah(nxt('ah'), e.udp(P_AH, pl), ext=[hbh, dst],
                   tamper=change(b'hbh!', b'HBH?'))],
             deliver=[(P_AH, pl)])
    e.expect('AH: destination option without the change bit changed',
             [e.ah(nxt('ah'), e.udp(P_AH, e.payload('x')), ext=[hbh, dst],
                   tamper=change(b'stay', b'STAY'))],
             drops={'ICV_FAIL': 1})
    e.expect('AH: hop-by-hop option without the change bit changed',
             [e.ah(nxt('ah'), e.udp(P_AH, e.payload('x')), ext=[hbh, dst],
                   tamper=change(b'fixd', b'FIXD'))],
             drops={'ICV_FAIL': 1})
    pl = e.payload('pad1')
    e.expect('AH: Pad1 and PadN options around a mutable option',
             [e.ah(nxt('ah'), e.udp(P_AH, pl),
                   ext=[(60, [(0, b''), (0x3e, b'abc'), (0, b''),
                              (0x1e, b'x')])],
                   tamper=change(b'abc', b'xyz'))],
             deliver=[(P_AH, pl)])
    # ip6_rcv_core() left the transport header behind the hop-by-hop
    # header (or the IPv6 header): the header removed further on must not
    # move it.  Removal lengths: ESP GCM 16, ESP CBC 24, AH 32.
    for what, ext, mk, p in (
            ('destination options + ESP GCM', [dst],
             lambda pl, ext: e.gcm(nxt('gcm'), e.udp(P_GCM, pl), ext=ext),
             P_GCM),
            ('destination options + AH', [dst],
             lambda pl, ext: e.ah(nxt('ah'), e.udp(P_AH, pl), ext=ext),
             P_AH),
            ('hop-by-hop + ESP AES-CBC', [hbh],
             lambda pl, ext: e.cbc(nxt('cbc'), e.udp(P_CBC, pl), ext=ext),
             P_CBC),
            ('hop-by-hop + destination options + ESP AES-CBC', [hbh, dst],
             lambda pl, ext: e.cbc(nxt('cbc'), e.udp(P_CBC, pl), ext=ext),
             P_CBC)):
        pl = e.payload(what)
        e.expect(what, [mk(pl, ext)], deliver=[(p, pl)])
    pl = e.payload('two dst')
    e.expect('AH behind two destination options headers',
             [e.ah(nxt('ah'), e.udp(P_AH, pl), ext=[hbh, dst, dst])],
             deliver=[(P_AH, pl)])
    # RFC 8200 4.2: options in front of AH/ESP are processed first.  A
    # packet the stack discards for them (ip6_parse_tlv()) is not
    # verified: its sequence number must stay unused, as it does in XFRM.
    seq = nxt('gcm')
    e.expect('ESP behind a destination option of unknown type 0x5e '
             '("discard")',
             [e.gcm(seq, e.udp(P_GCM, e.payload('x')),
                    ext=[(60, [(0x5e, b'drop')])])],
             drops={'MALFORMED': 1})
    pl = e.payload('same seq')
    e.expect('... that sequence number is still unused',
             [e.gcm(seq, e.udp(P_GCM, pl))], deliver=[(P_GCM, pl)])
    e.expect('AH behind PadN with non-zero content',
             [e.ah(nxt('ah'), e.udp(P_AH, e.payload('x')),
                   ext=[(60, [(1, b'\x01\x00')])])],
             drops={'MALFORMED': 1})


FRAG_ID = [0x5a5a0000]


def frag_id():
    FRAG_ID[0] += 1
    return FRAG_ID[0]


@case(29)
def fragments(e):
    big = e.payload('big') + bytes(range(256)) * 11
    esp = e.gcm(nxt('gcm'), e.udp(P_GCM, big))[40:]
    e.expect('ESP in 3 fragments',
             d.fragment(H1_IP, H2_IP, ESP_P, esp, [1232, 2464], frag_id()),
             deliver=[(P_GCM, big)], sa={P_GCM: {'packets': 1}})
    big2 = e.payload('big2') + bytes(range(256)) * 11
    esp = e.gcm(nxt('gcm'), e.udp(P_GCM, big2))[40:]
    e.expect('ESP in 3 fragments, last first',
             d.fragment(H1_IP, H2_IP, ESP_P, esp, [1232, 2464],
                        frag_id())[::-1],
             deliver=[(P_GCM, big2)])
    esp = e.gcm(nxt('gcm'), e.udp(P_GCM, e.payload('ovl') + bytes(2000)))
    esp = esp[40:]
    e.expect('ESP in overlapping fragments (dropped by reassembly)',
             d.fragment(H1_IP, H2_IP, ESP_P, esp, [1232], frag_id(),
                        offsets=[0, 1200]))
    esp = e.gcm(nxt('gcm'), e.udp(P_GCM, e.payload('hole') + bytes(2000)))
    fr = d.fragment(H1_IP, H2_IP, ESP_P, esp[40:], [800, 1600], frag_id())
    e.expect('ESP fragments with a hole (never reassembled)',
             [fr[0], fr[2]])
    e.expect('garbage fragment at offset 65528 (too long)',
             d.fragment(H1_IP, H2_IP, ESP_P, bytes(16), [], frag_id(),
                        offsets=[65528], more=[False]))
    pl = e.payload('atomic')
    esp = e.gcm(nxt('gcm'), e.udp(P_GCM, pl))[40:]
    e.expect('ESP in an atomic fragment (offset 0, no more fragments)',
             d.fragment(H1_IP, H2_IP, ESP_P, esp, [], frag_id()),
             deliver=[(P_GCM, pl)])
    # A first fragment whose length is no multiple of 8 is passed on
    # unreassembled by nf_defrag_ipv6 (it leaves the error to the stack):
    # it reaches ipsec6 as a fragment, which RFC 4303 3.4.1 says to
    # discard without processing (not an ICV failure).
    esp = e.gcm(nxt('gcm'), e.udp(P_GCM, e.payload('odd') + bytes(1000)))
    fr = d.fragment(H1_IP, H2_IP, ESP_P, esp[40:], [701], frag_id())
    e.expect('first fragment of ESP, length not a multiple of 8 '
             '(not verified as ESP)', fr[:1], drops={'MALFORMED': 1})
    # The same for a later fragment whose data happens to start like an
    # ESP header of an SA.
    data = struct.pack('!II', SPI[P_GCM], Seq.gcm + 500) + bytes(51)
    fr = d.fragment(H1_IP, H2_IP, ESP_P, data, [], frag_id(),
                    offsets=[1400], more=[True])
    e.expect('later fragment, length not a multiple of 8, data like ESP '
             '(not verified as ESP)', fr, drops={'MALFORMED': 1})
    # A whole valid ESP packet sent as such a fragment must not use up its
    # sequence number: the packet itself is accepted afterwards.
    seq = nxt('gcm')
    pl = e.payload('whole')
    while len(e.gcm(seq, e.udp(P_GCM, pl))) % 8 != 4:
        pl += b'.'
    esp = e.gcm(seq, e.udp(P_GCM, pl))
    fr = d.fragment(H1_IP, H2_IP, ESP_P, esp[40:], [], frag_id(),
                    more=[True])
    e.expect('whole ESP packet in a fragment with more-fragments set, '
             'length not a multiple of 8 (not verified)', fr,
             drops={'MALFORMED': 1})
    e.expect('that ESP packet unfragmented afterwards (its sequence number '
             'was not used up)', [esp], deliver=[(P_GCM, pl)])
    # RFC 8200 4.1: a hop-by-hop header behind a Fragment header is one
    # the stack never processed; it discards the packet (unknown next
    # header 0), also when nf_defrag_ipv6 reassembled the fragments and so
    # moved the hop-by-hop header to the front.  ipsec6 must not verify
    # such ESP, or its window takes a number XFRM's never sees (found by
    # tests/51-pktfuzz).
    hbh = [(0, [(0x1e, b'hbh')])]
    for what, cuts in (('reassembled', [24]), ('atomic fragment', [])):
        seq = nxt('gcm')
        pl = e.payload('hbh ' + what)
        esp = e.gcm(seq, e.udp(P_GCM, pl))
        fr = d.fragment(H1_IP, H2_IP, 0, e.gcm(seq, e.udp(P_GCM, pl),
                                               ext=hbh)[40:],
                        cuts, frag_id())
        e.expect('ESP behind fragment + hop-by-hop header (%s; the stack '
                 'discards it, not verified)' % what, fr,
                 drops={'MALFORMED': 1})
        e.expect('that ESP packet afterwards without them (its sequence '
                 'number was not used up)', [esp], deliver=[(P_GCM, pl)])


@case(11)
def policy_deleted(e):
    pl = e.payload('template')
    e.expect('SA serving its policy by template, before the policy is '
             'deleted', [e.gcm(1, e.udp(P_T, pl), p=P_T)],
             deliver=[(P_T, pl)])
    e.ctl.policy_del(P_T)
    # design.rst: protection the (default BYPASS) policy does not ask for
    # is accepted when only transport SAs were removed, as XFRM does.
    pl = e.payload('template after')
    e.expect('same SA after its policy was deleted: accepted under the '
             'default BYPASS (transport SA)',
             [e.gcm(2, e.udp(P_T, pl), p=P_T)], deliver=[(P_T, pl)],
             sa={P_T: {'packets': 1, 'drops': 0}})
    pl = e.payload('bound')
    e.expect('SA bound to its policy, before the policy is deleted',
             [e.gcm(1, e.udp(P_D, pl), p=P_D)], deliver=[(P_D, pl)])
    e.ctl.policy_del(P_D)
    e.tap.ok(e.ctl.sa_get(P_D) is None,
             'deleting a policy deletes the SA bound to it')
    e.expect('packet of that SA after the policy was deleted (unknown SPI '
             'under BYPASS)', [e.gcm(2, e.udp(P_D, e.payload('x')), p=P_D)],
             xfrm=1)


@case(5)
def icv_log(e):
    """ICV failures are logged with net_ratelimit() (a burst of 10 per 5 s,
    shared by every net_*_ratelimited() message): after a quiet 5.5 s, one
    AH and 30 ESP failures give at most 10 lines, the first the AH one."""
    time.sleep(5.5)
    mark = 'badpackets: ICV burst %d' % os.getpid()
    kmsg_mark(mark)
    n = 30
    pkts = [e.ah(nxt('ah'), e.udp(P_AH, b'burst'), tamper=flip(-1, 0))]
    pkts += [e.gcm(Seq.gcm + 1 + i, e.udp(P_GCM, b'burst'),
                   tamper=flip(-2, 1)) for i in range(n)]
    e.expect('1 AH and %d ESP ICV failures in a row' % n, pkts,
             drops={'ICV_FAIL': n + 1})
    log = since(dmesg(), mark)
    lines = [x for x in log.splitlines() if 'ICV check failed' in x]
    e.tap.ok(2 <= len(lines) <= 10,
             'ICV failures are logged rate-limited (%d lines for %d)' %
             (len(lines), n + 1), log[-3000:])
    ah = 'AH ICV check failed: SPI 0x%08x %s -> %s' % (SPI[P_AH], H1_IP,
                                                      H2_IP)
    e.tap.ok(lines and ah in lines[0], 'the first line names the AH SPI '
             'and the addresses: "%s"' % ah, '\n'.join(lines[:2]))
    esp = 'ESP ICV check failed: SPI 0x%08x %s -> %s' % (SPI[P_GCM], H1_IP,
                                                        H2_IP)
    e.tap.ok(len(lines) > 1 and all(esp in x for x in lines[1:]),
             'the others name the ESP SPI and the addresses: "%s"' % esp,
             '\n'.join(lines[:5]))


@case(2)
def key_leaks(e):
    log = dmesg()
    low = log.lower()
    leaks = []
    for k in ALL_KEYS:
        for form in (k.hex(), ' '.join('%02x' % x for x in k),
                     ':'.join('%02x' % x for x in k), k[:12].hex()):
            if form in low:
                leaks.append(form)
        if k[:8] in log.encode(errors='replace'):
            leaks.append(repr(k[:8]))
    e.tap.ok(not leaks, 'no key bytes in the kernel log', repr(leaks))
    blobs = []
    for i in (P_GCM, P_NULL, P_AH, P_CBC):
        a = e.ctl.sa_get(i) or {}
        blobs.append(b''.join(v for v in a.values() if isinstance(v, bytes)))
    leaks = [k.hex() for k in ALL_KEYS for b in blobs if k[:8] in b]
    e.tap.ok(all(blobs) and not leaks,
             'SA_GET answers carry no key bytes', repr(leaks))


def main():
    tap = d.Tap()
    env = Env(tap)

    def setup():
        env.setup()
        return env.marker()
    return d.run_cases(tap, CASES, sys.argv[1:], setup,
                       'SAs and policies configured in h2; marker packet '
                       'arrives', env)


if __name__ == '__main__':
    sys.exit(main())
