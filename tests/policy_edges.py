#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Edges of the SPD (tests/32-policy-edges.sh).

h2 runs ipsec6; h1 injects hand-built frames on its veth and captures
what h2 sends.  Each case is one rule of Documentation/design.rst:

  routing      a routing header with segments left: outbound selectors
               use the final destination (as XFRM does, checked on h1);
               inbound, every address the packet still goes to is judged
  multicast    cleartext multicast under APPLY is refused both ways,
               except Neighbour Discovery and MLD
  icmp_out     an ICMPv6 error about protected traffic leaves under that
               traffic's policy (protected, or dropped as NO_SA); a
               router inside a tunnel's far site may send errors
  icmp_in      an error that quotes protected traffic must come through
               the SAs of that traffic (not in cleartext, not from
               another gateway); other errors are judged as themselves
  bound        an SA with neither source address nor policy speaks for
               no gateway (RFC 4301 5.2)
  inner        decapsulated packets pass ip6_rcv_core()'s address checks
  toobig       a Packet Too Big moves the path MTU only once the SPD
               accepted it

Prints lines for tests/dp_lib.sh (dp_run).
"""
import os
import socket
import struct
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dp_lib as d  # noqa: E402
from dp_lib import H1_IP, H2_IP, UDP, ICMPV6, ESP_P  # noqa: E402

H1B = '2001:db8::12'        # second gateway (C7), a first hop (routing)
H2B, H2C = '2001:db8::22', '2001:db8::23'   # more addresses of h2
H1M = '2001:db8::31'        # remote of the multicast policy
H1C = '2001:db8::33'        # remote whose cleartext is refused
OTHER = '2001:db8::99'      # a host no policy names
RTR = '2001:db8:9::1'       # a router in site A (behind h1)
FAR, FAR_B = '2001:db8:5::10', '2001:db8:6::10'     # sites A and B
WILD_SRC = '2001:db8:7::5'  # a host behind the road-warrior tunnel
SPORT = 5555
TUNNEL = d.C['IPSEC6_MODE_TUNNEL']
SEG6_SYSCTLS = ('net.ipv6.conf.all.seg6_enabled=1',
                'net.ipv6.conf.veth0.seg6_enabled=1')

# Policies (index) and their SAs (SPI, key).
P_RH, P_MC, P_MCO, P_UE, P_UN = 10, 11, 12, 13, 14
P_TUN, P_TB, P_WILD, P_MSRC, P_PTB, P_XREF = 20, 21, 22, 23, 24, 25
PORT = {'rh': 7001, 'rh_ok': 7002, 'rh_out': 7003, 'mc': 7010,
        'mc_out': 7011, 'ue': 7020, 'un': 7021, 'tun': 7030,
        'bound': 7040, 'inner': 7050, 'xref': 7063}
KEY = {s: bytes([(s * 7 + i) & 0xff for i in range(16)]) + b'salt'
       for s in (0x2003, 0x2020, 0x2021, 0x2022, 0x2030, 0x2041, 0x2042,
                 0x2050, 0x2051, 0x2063)}
GCM = dict(aead_name='rfc4106(gcm(aes))', icv_len=128)


def ns_sh(ns, *args):
    return subprocess.run(('ip', 'netns', 'exec', ns) + args,
                          capture_output=True, text=True, check=False)


# ---- packets ---------------------------------------------------------------

def icmp6(src, dst, typ, code, body):
    """An ICMPv6 message with a correct checksum."""
    msg = struct.pack('!BBH', typ, code, 0) + body
    pseudo = d.inet_pton6(src) + d.inet_pton6(dst) + \
        struct.pack('!I3xB', len(msg), ICMPV6)
    c = 0xffff - d.csum(pseudo + msg)
    return msg[:2] + struct.pack('!H', c) + msg[4:]


def icmp_error(src, dst, typ, code, quoted, word=0):
    """IPv6 / ICMPv6 error quoting the packet quoted (bytes)."""
    return d.ip6(src, dst, ICMPV6,
                 icmp6(src, dst, typ, code, struct.pack('!I', word) + quoted))


def udp_pkt(src, dst, sport, dport, payload, hlim=64):
    return d.ip6(src, dst, UDP, d.udp6(src, dst, sport, dport, payload), hlim)


def srh(nh, segments, left):
    """A segment routing header (type 4); segments in wire order
    (segments[0] is the final destination)."""
    n = len(segments)
    return struct.pack('!BBBBBBH', nh, 2 * n, 4, left, n - 1, 0, 0) + \
        b''.join(d.inet_pton6(a) for a in segments)


def esp(spi, seq, inner, nh):
    return d.esp_gcm(KEY[spi], spi, seq, d.esp_trailer(inner, nh))


def esp_open(key, data):
    """(spi, next header, payload) of an AES-GCM ESP packet (bytes from
    the SPI on), or None if it does not verify."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    spi, seq = struct.unpack('!II', data[:8])
    try:
        pt = AESGCM(key[:-4]).decrypt(key[-4:] + data[8:16], data[16:],
                                      data[:8])
    except Exception:
        return None
    return spi, pt[-1], pt[:len(pt) - 2 - pt[-2]]


class Seq:
    n = {}

    @classmethod
    def next(cls, spi):
        cls.n[spi] = cls.n.get(spi, 0) + 1
        return cls.n[spi]


def transport(spi, src, inner_l4, nh):
    """IPv6 from src to h2 with ESP in transport mode around inner_l4."""
    return d.ip6(src, H2_IP, ESP_P, esp(spi, Seq.next(spi), inner_l4, nh))


def tunnel(spi, inner, src=H1_IP):
    """IPv6 from src to h2 with ESP in tunnel mode around inner."""
    return d.ip6(src, H2_IP, ESP_P, esp(spi, Seq.next(spi), inner, 41))


def parse(frame):
    """(src, dst, next header, payload) of an Ethernet/IPv6 frame, after
    any routing header."""
    ip = frame[14:]
    nh, src, dst = ip[6], socket.inet_ntop(socket.AF_INET6, ip[8:24]), \
        socket.inet_ntop(socket.AF_INET6, ip[24:40])
    body = ip[40:40 + struct.unpack('!H', ip[4:6])[0]]
    if nh == 43 and len(body) >= 8:
        nh, body = body[0], body[(body[1] + 1) * 8:]
    return src, dst, nh, body


# ---- the test ----------------------------------------------------------------

class Env:
    def __init__(self, tap):
        self.tap = tap
        self.ctl = d.Ctl('h2')
        self.wire = d.Wire()
        self.wire_mc = d.Wire(dst='33:33:00:00:00:01')
        self.wire_sn = d.Wire(dst='33:33:ff:00:00:02')
        self.listen = {p: d.Listener(port) for p, port in PORT.items()
                       if p not in ('rh_out', 'mc_out', 'xref', 'ue', 'un')}

    def setup(self):
        c = self.ctl
        h1, h2 = (H1_IP, H1_IP), (H2_IP, H2_IP)
        tr = dict(ipsec_proto=ESP_P, mode=d.TRANSPORT)
        tu = dict(ipsec_proto=ESP_P, mode=TUNNEL, tunnel_remote=H1_IP)
        c.policy(P_RH, 'in', 'apply', remote=h1, local=h2, proto=UDP,
                 local_port=(PORT['rh'], PORT['rh']), **tr)
        c.policy(P_RH + 100, 'out', 'apply', remote=h1, proto=UDP,
                 remote_port=(PORT['rh_out'], PORT['rh_out']), **tr)
        c.sa(P_RH + 100, 0x2003, H1_IP, ESP_P, src=H2_IP, dir=d.DIR_OUT,
             policy=P_RH + 100, aead_key=KEY[0x2003], **GCM)
        c.policy(P_MC, 'in', 'apply', remote=(H1M, H1M), **tr)
        c.policy(P_MCO, 'out', 'apply',
                 remote=('ff02::', 'ff02' + ':ffff' * 7), **tr)
        for p, port in ((P_UE, PORT['ue']), (P_UN, PORT['un'])):
            c.policy(p, 'bidirect', 'apply', remote=h1, local=h2,
                     proto=UDP, local_port=(port, port), **tr)
        c.sa(P_UE, 0x2020, H2_IP, ESP_P, src=H1_IP, dir=d.DIR_IN,
             policy=P_UE, aead_key=KEY[0x2020], **GCM)
        c.sa(P_UE + 100, 0x2021, H1_IP, ESP_P, src=H2_IP, dir=d.DIR_OUT,
             policy=P_UE, aead_key=KEY[0x2021], **GCM)
        c.sa(P_UN, 0x2022, H2_IP, ESP_P, src=H1_IP, dir=d.DIR_IN,
             policy=P_UN, aead_key=KEY[0x2022], **GCM)
        c.policy(P_TUN, 'in', 'apply', remote=('2001:db8:5::',
                                               '2001:db8:5::ffff'),
                 local=h2, **tu)
        c.policy(P_TB, 'in', 'apply', remote=('2001:db8:6::',
                                              '2001:db8:6::ffff'),
                 local=h2, **dict(tu, tunnel_remote=H1B))
        c.sa(P_TUN, 0x2030, H2_IP, ESP_P, src=H1_IP, dir=d.DIR_IN,
             mode=TUNNEL, policy=P_TUN, aead_key=KEY[0x2030], **GCM)
        # Neither source address nor policy: serves both by template.
        c.sa(P_TB, 0x2041, H2_IP, ESP_P, dir=d.DIR_IN, mode=TUNNEL,
             aead_key=KEY[0x2041], **GCM)
        c.sa(P_TB + 100, 0x2042, H2_IP, ESP_P, dir=d.DIR_IN, mode=TUNNEL,
             policy=P_TB, aead_key=KEY[0x2042], **GCM)
        c.policy(P_WILD, 'in', 'apply', remote=('2001:db8:7::',
                                                '2001:db8:7::ffff'), **tu)
        c.sa(P_WILD, 0x2050, H2_IP, ESP_P, src=H1_IP, dir=d.DIR_IN,
             mode=TUNNEL, policy=P_WILD, aead_key=KEY[0x2050], **GCM)
        c.policy(P_MSRC, 'in', 'apply',
                 remote=('ff00::', ':'.join(['ffff'] * 8)), local=h2, **tu)
        c.sa(P_MSRC, 0x2051, H2_IP, ESP_P, src=H1_IP, dir=d.DIR_IN,
             mode=TUNNEL, policy=P_MSRC, aead_key=KEY[0x2051], **GCM)
        c.policy(P_PTB, 'in', 'apply', remote=(H1C, H1C), **tr)

    # -- checks -------------------------------------------------------------

    def drops(self, before):
        return d.delta(before, self.ctl.stats())

    def inject(self, name, pkts, port=None, drops=None, deliver=None,
               snmp=None, wire=None):
        """Send pkts from h1 (on wire, default the unicast one); then
        exactly drops ({reason: n}) must have moved, the listener of port
        must have got deliver (a payload) or nothing, and h2's snmp6
        counters snmp ({name: n}) must have moved by that much."""
        drops = drops or {}
        lst = self.listen.get(port)
        if lst:
            lst.drain()
        s0, n0 = self.ctl.stats(), d.snmp6('h2')
        for p in pkts:
            (wire or self.wire).send(p)
        got = []

        def settled():
            if lst:
                r = lst.recv(0)
                if r:
                    got.append(r[0])
            nn = d.delta(n0, d.snmp6('h2'))
            return got or self.drops(s0) or any(k in nn for k in snmp or {})
        d.wait_until(settled, 3.0)
        if lst:
            got += [r[0] for r in lst.drain()]
        dl = self.drops(s0)
        nn = d.delta(n0, d.snmp6('h2'))
        t = self.tap
        t.ok(dl == drops, '%s: drop counters %s' % (name, fmt(drops)),
             'changed: %s' % fmt(dl))
        if port:
            want = [deliver] if deliver is not None else []
            t.ok(got == want, '%s: %s' % (
                name, 'delivered' if want else 'nothing delivered'),
                'got %r' % got)
        for k, v in (snmp or {}).items():
            t.ok(nn.get(k, 0) == v, '%s: %s %+d' % (name, k, v),
                 'snmp6 changes: %s' % fmt(nn))

    def capture_from_h2(self, match, timeout=3.0):
        return self.wire.capture(lambda f: match(parse(f)), timeout)


def fmt(dct):
    if not dct:
        return 'unchanged'
    return ', '.join('%s %+d' % kv for kv in sorted(dct.items()))


CASES = case = d.Cases()


def udp_socket(ns, addr, rthdr=None):
    with d.netns(ns):
        s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        s.bind((addr, 0))
        if rthdr:
            s.setsockopt(socket.IPPROTO_IPV6, 57, rthdr)   # IPV6_RTHDR
        return s


def send(s, data, to):
    """sendto(); EPERM when an output hook dropped the datagram."""
    try:
        s.sendto(data, to)
    except PermissionError:
        pass
    s.close()


@case(9)
def routing(e):
    """Routing headers (issue 12, item 6)."""
    pl = b'rh bypass'
    e.inject('cleartext via a segment routing header to a BYPASS port '
             '(the stack processes it: seg6 on)',
             [d.ip6(H1_IP, H2B, 43, srh(UDP, [H2_IP, H2B], 1) +
                    d.udp6(H1_IP, H2_IP, SPORT, PORT['rh_ok'], pl))],
             port='rh_ok', deliver=pl)
    e.inject('cleartext via a segment routing header whose next segment '
             'is under APPLY',
             [d.ip6(H1_IP, H2B, 43, srh(UDP, [H2_IP, H2B], 1) +
                    d.udp6(H1_IP, H2_IP, SPORT, PORT['rh'], b'rh'))],
             port='rh', drops={'CLEARTEXT': 1})
    e.inject('... also when it is not the next but a later segment',
             [d.ip6(H1_IP, H2B, 43, srh(UDP, [H2_IP, H2C, H2B], 2) +
                    d.udp6(H1_IP, H2_IP, SPORT, PORT['rh'], b'rh2'))],
             port='rh', drops={'CLEARTEXT': 1})
    # Outbound: a socket's IPV6_RTHDR (unprivileged) sends to the first
    # segment; the policy is for the final destination.
    s = udp_socket('h2', H2_IP, srh(0, ['::', H1B], 1))
    e.wire.drain()
    send(s, b'rh out', (H1_IP, PORT['rh_out']))
    f = e.capture_from_h2(lambda p: p[0] == H2_IP and p[1] == H1B)
    pkt = parse(f) if f else None
    e.tap.ok(pkt and pkt[2] == ESP_P and
             struct.unpack('!I', pkt[3][:4])[0] == 0x2003,
             'outbound via a routing header: protected for its final '
             'destination (ESP, SPI 0x2003)',
             'captured %r' % (pkt,))
    e.tap.ok(pkt and pkt[2] == ESP_P and esp_open(KEY[0x2003], pkt[3]) and
             esp_open(KEY[0x2003], pkt[3])[2][8:] == b'rh out',
             '... and it decrypts to the datagram')
    # The reference: XFRM on h1, same selectors, same kind of socket.
    x = ns_sh('h1', 'sh', '-c', '''
ip xfrm state add src %(a)s dst %(b)s proto esp spi 0x2063 mode transport \
  aead 'rfc4106(gcm(aes))' 0x%(k)s 128 &&
ip xfrm policy add src %(a)s dst %(b)s proto udp dport %(p)d dir out \
  tmpl proto esp mode transport''' % dict(a=H1_IP, b=H2_IP,
                                          k=KEY[0x2063].hex(),
                                          p=PORT['xref']))
    w2 = d.Wire(ns='h2', src=d.H2_MAC, dst=d.H1_MAC)
    send(udp_socket('h1', H1_IP, srh(0, ['::', H2B], 1)), b'xfrm',
         (H2_IP, PORT['xref']))
    f = w2.capture(lambda f: parse(f)[1] == H2B)
    pkt = parse(f) if f else None
    e.tap.ok(x.returncode == 0 and pkt and pkt[2] == ESP_P and
             struct.unpack('!I', pkt[3][:4])[0] == 0x2063,
             'XFRM does the same (the reference): ESP, SPI 0x2063',
             'ip xfrm: %s\ncaptured %r' % (x.stderr, pkt))
    ns_sh('h1', 'ip', 'xfrm', 'policy', 'flush')
    ns_sh('h1', 'ip', 'xfrm', 'state', 'flush')


@case(7)
def multicast(e):
    """Cleartext multicast under APPLY (issue 12, item 7)."""
    e.inject('cleartext multicast UDP from a remote under an APPLY policy '
             'with a wildcard local address',
             [udp_pkt(H1M, 'ff02::1', SPORT, PORT['mc'], b'mc')],
             port='mc', drops={'CLEARTEXT': 1}, wire=e.wire_mc)
    target = d.inet_pton6(H2_IP)
    ns = d.ip6(H1M, 'ff02::1:ff00:2', ICMPV6,
               icmp6(H1M, 'ff02::1:ff00:2', 135, 0,
                     bytes(4) + target + bytes([1, 1]) +
                     d.mac_bytes(d.H1_MAC)), hlim=255)
    e.inject('... a Neighbor Solicitation from it passes (ND)', [ns],
             snmp={'Icmp6InNeighborSolicits': 1}, wire=e.wire_sn)
    # Outbound: a policy for everything to link-local multicast groups.
    e.wire.drain()
    s0 = e.ctl.stats()
    with d.netns('h2'):
        ifindex = socket.if_nametoindex(d.IFNAME)
    send(udp_socket('h2', '::'), b'mc out',
         ('ff02::1', PORT['mc_out'], 0, ifindex))
    f = e.capture_from_h2(lambda p: p[1] == 'ff02::1' and p[2] == UDP)
    e.tap.ok(f is None, 'outbound multicast UDP under APPLY is not sent '
             'in cleartext', 'captured %r' % (f and parse(f),))
    dl = e.drops(s0)
    e.tap.ok(dl == {'NO_SA': 1}, '... it is dropped as NO_SA',
             'changed: %s' % fmt(dl))
    # h2's own Neighbour Discovery under it: a solicitation for a new
    # neighbour still leaves.
    e.wire.drain()
    ns_sh('h2', 'ping', '-c', '1', '-W', '1', OTHER)
    f = e.capture_from_h2(lambda p: p[2] == ICMPV6 and
                          p[1].startswith('ff02::1:ff') and p[3][0] == 135)
    e.tap.ok(f is not None, 'h2 still sends multicast Neighbor '
             'Solicitations')


@case(10)
def icmp_out(e):
    """Outbound ICMPv6 errors about protected traffic (issue 12,
    item 8), and errors through a tunnel."""
    pl = b'secret plaintext 8a'
    e.wire.drain()
    e.wire.send(transport(0x2020, H1_IP,
                          d.udp6(H1_IP, H2_IP, SPORT, PORT['ue'], pl), UDP))
    f = e.capture_from_h2(lambda p: p[1] == H1_IP and p[2] in (ICMPV6,
                                                                ESP_P))
    pkt = parse(f) if f else None
    e.tap.ok(pkt and pkt[2] == ESP_P, 'Port Unreachable about a protected '
             'datagram leaves protected', 'captured %r' % (pkt,))
    o = esp_open(KEY[0x2021], pkt[3]) if pkt and pkt[2] == ESP_P else None
    e.tap.ok(o and o[0] == 0x2021 and o[1] == ICMPV6 and o[2][:2] ==
             b'\x01\x04' and pl in o[2],
             '... on the SA of the datagram\'s return traffic (SPI '
             '0x2021), quoting the datagram', 'opened %r' % (o,))
    e.tap.ok(not (pkt and pkt[2] == ICMPV6), '... no plaintext on the wire')
    s0 = e.ctl.stats()
    e.wire.drain()
    e.wire.send(transport(0x2022, H1_IP,
                          d.udp6(H1_IP, H2_IP, SPORT, PORT['un'], pl), UDP))
    d.wait_until(lambda: e.drops(s0), 3.0)
    f = e.capture_from_h2(lambda p: p[1] == H1_IP, 1.0)
    e.tap.ok(f is None, 'error about a protected datagram whose return '
             'traffic has no SA: nothing on the wire',
             'captured %r' % (f and parse(f),))
    dl = e.drops(s0)
    e.tap.ok(dl == {'NO_SA': 1}, '... dropped as NO_SA',
             'changed: %s' % fmt(dl))
    # Errors about cleartext traffic stay as they were.
    e.wire.drain()
    e.wire.send(udp_pkt(H1_IP, H2_IP, SPORT, 7999, b'open'))
    f = e.capture_from_h2(lambda p: p[1] == H1_IP and p[2] == ICMPV6)
    e.tap.ok(f is not None, 'Port Unreachable about a cleartext datagram '
             'still leaves in cleartext')
    # Through a tunnel, errors of a router in the far site (tests/40 has
    # the gateways' own ones).
    bad = udp_pkt(H2_IP, FAR, PORT['tun'], 9, b'x')
    te = icmp_error(RTR, H2_IP, 3, 0, bad)
    e.inject('protected Time Exceeded from a router in the far site, '
             'quoting traffic of the tunnel (RFC 4301 6.2)',
             [tunnel(0x2030, te)], snmp={'Icmp6InTimeExcds': 1})
    bad = udp_pkt(H2_IP, FAR_B, PORT['tun'], 9, b'x')
    e.inject('... quoting traffic of another site',
             [tunnel(0x2030, icmp_error(RTR, H2_IP, 3, 0, bad))],
             drops={'POLICY_MISMATCH': 1}, snmp={'Icmp6InTimeExcds': 0})


@case(8)
def icmp_in(e):
    """Inbound ICMPv6 errors (issue 12, item 8): the quote must be
    traffic of the SAs the error came through, if it is protected
    traffic at all."""
    ours = udp_pkt(H2_IP, H1_IP, PORT['ue'], SPORT, b'ours')
    site_b = udp_pkt(H2_IP, FAR_B, PORT['ue'], 9, b'to site B')
    other = udp_pkt(H2_IP, OTHER, PORT['ue'], 9, b'not protected')

    def protected(quoted):
        return transport(0x2020, H1_IP,
                         icmp6(H1_IP, H2_IP, 1, 4, bytes(4) + quoted),
                         ICMPV6)
    e.inject('protected Port Unreachable quoting traffic of its SA',
             [protected(ours)], snmp={'Icmp6InDestUnreachs': 1})
    e.inject('protected Port Unreachable quoting protected traffic of '
             'another gateway (site B\'s tunnel)', [protected(site_b)],
             drops={'POLICY_MISMATCH': 1}, snmp={'Icmp6InDestUnreachs': 0})
    e.inject('protected Port Unreachable quoting unprotected traffic '
             '(judged as itself)', [protected(other)],
             snmp={'Icmp6InDestUnreachs': 1})
    e.inject('cleartext Port Unreachable quoting the plaintext of '
             'protected traffic',
             [icmp_error(H1_IP, H2_IP, 1, 4, ours)],
             drops={'CLEARTEXT': 1}, snmp={'Icmp6InDestUnreachs': 0})


@case(6)
def bound(e):
    """SAs without a source address (issue 12, item 9)."""
    pl = b'from site A'
    inner = udp_pkt(FAR, H2_IP, SPORT, PORT['bound'], pl)
    e.inject('tunnel SA with neither source nor policy, outer source '
             'forged as site A\'s gateway, inner source in site A',
             [tunnel(0x2041, inner)], port='bound',
             drops={'POLICY_MISMATCH': 1})
    pl = b'from site B'
    e.inject('tunnel SA without source that names site B\'s policy',
             [tunnel(0x2042, udp_pkt(FAR_B, H2_IP, SPORT, PORT['bound'],
                                     pl), src=H1B)],
             port='bound', deliver=pl)
    e.inject('... the same SA with an inner source in site A',
             [tunnel(0x2042, inner, src=H1B)], port='bound',
             drops={'POLICY_MISMATCH': 1})


@case(8)
def inner(e):
    """ip6_rcv_core()'s checks on decapsulated packets (issue 12,
    item 9)."""
    pl = b'inner ok'
    e.inject('decapsulated packet to h2', [
        tunnel(0x2050, udp_pkt(WILD_SRC, H2_IP, SPORT, PORT['inner'], pl))],
        port='inner', deliver=pl)
    for what, spi, src, dst in (
            ('destination ::1', 0x2050, WILD_SRC, '::1'),
            ('interface-local multicast destination ff01::1', 0x2050,
             WILD_SRC, 'ff01::1'),
            ('multicast source', 0x2051, 'ff0e::1', H2_IP)):
        e.inject('decapsulated packet with %s' % what, [
            tunnel(spi, udp_pkt(src, dst, SPORT, PORT['inner'], b'bad'))],
            port='inner', drops={'MALFORMED': 1})


@case(5)
def toobig(e):
    """Packet Too Big only after the SPD (issue 12, item 10)."""
    ns_sh('h2', 'ip', '-6', 'route', 'flush', 'cache')
    quoted = d.ip6(H2_IP, H1_IP, ESP_P, struct.pack('!II', 0x2021, 1) +
                   bytes(64))
    e.inject('cleartext Packet Too Big (1300) from a remote under APPLY, '
             'quoting our ESP', [icmp_error(H1C, H2_IP, 2, 0, quoted, 1300)],
             drops={'CLEARTEXT': 1})
    e.tap.ok('mtu 1300' not in route_get(), '... the path MTU to h1 did '
             'not move', route_get())
    e.inject('Packet Too Big (1400) from a router no policy names, '
             'quoting our ESP', [icmp_error(OTHER, H2_IP, 2, 0, quoted,
                                            1400)],
             snmp={'Icmp6InPktTooBigs': 1})
    e.tap.ok(d.wait_until(lambda: 'mtu 1400' in route_get(), 3.0),
             '... the path MTU to h1 is 1400', route_get())


def route_get():
    return ns_sh('h2', 'ip', '-6', 'route', 'get', H1_IP).stdout


def main():
    tap = d.Tap()
    env = Env(tap)

    def setup():
        env.setup()
        return True
    return d.run_cases(tap, CASES, sys.argv[1:], setup,
                       'policies and SAs configured in h2', env)


if __name__ == '__main__':
    sys.exit(main())
