# SPDX-License-Identifier: GPL-2.0
"""Shared helpers of the datapath tests (tests/30-scapy.sh, 31-badpackets.sh).

One Python process drives a whole test: it switches network namespaces
with setns(2) to open its sockets where they belong (netlink, UDP
listeners and the packet socket of the receiving host h2; the packet
socket of the injecting host h1), so scapy is imported once.

  Tap       points for the shell test: the script prints "plan N",
            "ok NAME", "nok NAME", "skip NAME<TAB>REASON", "diag TEXT";
            the shell turns them into lib.sh points (numbering stays
            lib.sh's).
  netns     context manager: the calling thread in a named namespace.
  Ctl       the ipsec6 netlink family in a namespace: policies, SAs,
            drop counters (STATS_GET), per-SA counters.
  Wire      h1's veth as a packet socket: inject frames, capture frames.
  Listener  a UDP socket in h2 that records what reaches it.
  esp_*     ESP built by hand (trailer, AES-GCM, HMAC, CBC) for packets
            scapy will not make (bad padding, next header 59, sequence 0).
  Cases     the cases of a script and run_cases(), which runs them so that
            a case that dies still accounts for every point it declared.
"""
import ctypes
import hmac
import os
import select
import socket
import struct
import sys
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ynl_ipsec6 as nl  # noqa: E402
from ynl_ipsec6 import C  # noqa: E402

H1_IP, H2_IP = '2001:db8::1', '2001:db8::2'
H1_MAC, H2_MAC = '00:aa:00:53:a9:2c', '00:aa:00:92:d0:f1'
IFNAME = 'veth0'

UDP, ICMPV6, ESP_P, AH_P = 17, 58, 50, 51
TRANSPORT = C['IPSEC6_MODE_TRANSPORT']
DIR_IN, DIR_OUT = C['IPSEC6_DIR_IN'], C['IPSEC6_DIR_OUT']

# Drop reasons by short name ("ICV_FAIL"), from the uapi header.
REASONS = {k[len('IPSEC6_STATS_A_'):]: v for k, v in C.items()
           if k.startswith('IPSEC6_STATS_A_') and
           k not in ('IPSEC6_STATS_A_UNSPEC', 'IPSEC6_STATS_A_PAD',
                     'IPSEC6_STATS_A_MAX')}


# ---- TAP lines for the shell -----------------------------------------------

class Tap:
    def __init__(self, out=sys.stdout):
        self.out = out
        self.failed = 0
        self.n = 0

    def _line(self, text):
        self.out.write(text + '\n')
        self.out.flush()

    def plan(self, n):
        self._line('plan %d' % n)

    def ok(self, cond, name, diag=None):
        self.n += 1
        name = name.replace('\n', ' ')
        self._line(('ok ' if cond else 'nok ') + name)
        if not cond:
            self.failed += 1
            if diag:
                self.diag(diag)
        return bool(cond)

    def skip(self, name, reason):
        self.n += 1
        self._line('skip %s\t%s' % (name, reason))

    def diag(self, text):
        for line in str(text).splitlines() or ['']:
            self._line('diag ' + line)

    def note(self, text):
        sys.stderr.write('# %s\n' % text)
        sys.stderr.flush()


class Cases(list):
    """@cases(points): register the function as a case of that many
    points, as (name, points, function(env))."""

    def __call__(self, points):
        def reg(fn):
            self.append((fn.__name__, points, fn))
            return fn
        return reg


def run_cases(tap, cases, only, setup, what, env):
    """Plan every point, then one for setup() (true when it worked; named
    what), then the cases named in only (all if empty) with env; a case
    that raises or ends early still prints all its points.  Returns the
    exit status."""
    cases = [c for c in cases if not only or c[0] in only]
    tap.plan(1 + sum(p for _, p, _ in cases))
    try:
        tap.ok(setup(), what)
    except Exception:
        tap.ok(False, what, traceback.format_exc())
        for name, points, _ in cases:
            for i in range(points):
                tap.ok(False, '%s: not run (setup failed) %d' % (name, i))
        return 1
    for name, points, fn in cases:
        start = tap.n
        try:
            fn(env)
        except Exception:
            tap.diag('%s: exception:\n%s' % (name, traceback.format_exc()))
        ran = tap.n - start
        for i in range(ran, points):
            tap.ok(False, '%s: point %d not reached' % (name, i + 1))
        if ran > points:
            tap.diag('%s: ran %d points, declared %d' % (name, ran, points))
    return 0


# ---- namespaces ------------------------------------------------------------

_libc = ctypes.CDLL(None, use_errno=True)
CLONE_NEWNET = 0x40000000


def _setns(fd):
    if _libc.setns(fd, CLONE_NEWNET) != 0:
        e = ctypes.get_errno()
        raise OSError(e, 'setns: ' + os.strerror(e))


class netns:
    """with netns('h2'): sockets made here belong to h2."""

    def __init__(self, name):
        self.name = name

    def __enter__(self):
        self.saved = os.open('/proc/thread-self/ns/net', os.O_RDONLY)
        fd = os.open('/run/netns/' + self.name, os.O_RDONLY)
        try:
            _setns(fd)
        finally:
            os.close(fd)
        return self

    def __exit__(self, *exc):
        _setns(self.saved)
        os.close(self.saved)


def xfrm_stat(ns, name):
    """A counter of /proc/net/xfrm_stat in namespace ns (None if absent)."""
    with netns(ns):
        try:
            with open('/proc/thread-self/net/xfrm_stat') as f:
                text = f.read()
        except OSError:
            return None
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] == name:
            return int(parts[1])
    return None


def snmp6(ns):
    """/proc/net/snmp6 of namespace ns as {name: value}."""
    with netns(ns):
        with open('/proc/thread-self/net/snmp6') as f:
            text = f.read()
    out = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[1].isdigit():
            out[parts[0]] = int(parts[1])
    return out


# ---- the ipsec6 family -----------------------------------------------------

class CtlError(Exception):
    pass


def _counts(raw):
    a = nl.parse_attrs(raw)
    return {'packets': nl.get_u(a, C['IPSEC6_COUNTS_A_PACKETS'], '=Q') or 0,
            'bytes': nl.get_u(a, C['IPSEC6_COUNTS_A_BYTES'], '=Q') or 0,
            'drops': nl.get_u(a, C['IPSEC6_COUNTS_A_DROPS'], '=Q') or 0}


class Ctl:
    """The ipsec6 netlink family in namespace ns."""

    def __init__(self, ns):
        with netns(ns):
            self.g = nl.Genl()

    def _req(self, cmd, attrs, flags=nl.NLM_F_REQUEST | nl.NLM_F_ACK):
        r = self.g.request(cmd, attrs, flags)
        if r.error:
            raise CtlError('%s: errno %d: %s' % (cmd, r.error, r.msg))
        return r

    def policy(self, index, dir_='bidirect', action='apply', **kw):
        return self._req(C['IPSEC6_CMD_POLICY_NEW'],
                         nl.policy_attrs(index, dir_, action, **kw))

    def policy_del(self, index):
        return self._req(C['IPSEC6_CMD_POLICY_DEL'],
                         [nl.nest(C['IPSEC6_A_POLICY'],
                                  [nl.u32(C['IPSEC6_POLICY_A_INDEX'],
                                          index)])])

    def sa(self, index, spi, dst, proto, **kw):
        return self._req(C['IPSEC6_CMD_SA_NEW'],
                         nl.sa_attrs(index, spi, dst, proto, **kw))

    def sa_get(self, index):
        """The SA's attributes ({attr: bytes}, COUNTS parsed), or None."""
        r = self.g.request(C['IPSEC6_CMD_SA_GET'],
                           [nl.nest(C['IPSEC6_A_SA'],
                                    [nl.u32(C['IPSEC6_SA_A_INDEX'], index)])])
        if r.error or not r.msgs:
            return None
        a = nl.parse_attrs(r.msgs[0][2][C['IPSEC6_A_SA']])
        a['counts'] = _counts(a.get(C['IPSEC6_SA_A_COUNTS'], b''))
        a['seq'] = nl.get_u(a, C['IPSEC6_SA_A_SEQ'], '=Q')
        return a

    def sa_counts(self, index):
        a = self.sa_get(index)
        return a['counts'] if a else None

    def stats(self):
        """{reason: count} of every drop reason."""
        r = self._req(C['IPSEC6_CMD_STATS_GET'], [])
        raw = r.msgs[0][2][C['IPSEC6_A_STATS']]
        vals = {at: struct.unpack('=Q', v)[0]
                for at, v in nl.parse_attrs(raw).items() if len(v) == 8}
        return {name: vals.get(num, 0) for name, num in REASONS.items()}


def delta(before, after):
    """The counters that changed: {name: after - before}."""
    return {k: after[k] - before.get(k, 0) for k in after
            if after[k] != before.get(k, 0)}


# ---- sockets ---------------------------------------------------------------

ETH_P_ALL, ETH_P_IPV6 = 0x0003, 0x86dd
PACKET_OUTGOING = 4


def mac_bytes(mac):
    return bytes(int(x, 16) for x in mac.split(':'))


class Wire:
    """h1's end of the veth: send Ethernet frames to h2, see h2's frames."""

    def __init__(self, ns='h1', ifname=IFNAME, src=H1_MAC, dst=H2_MAC):
        with netns(ns):
            self.s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                                   socket.htons(ETH_P_IPV6))
            self.s.bind((ifname, ETH_P_IPV6))
        self.s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 21)
        self.eth = mac_bytes(dst) + mac_bytes(src) + struct.pack('!H',
                                                                 ETH_P_IPV6)

    def send(self, ip6):
        """Send one IPv6 packet (bytes or a scapy packet) to h2."""
        self.s.send(self.eth + bytes(ip6))

    def drain(self):
        while select.select([self.s], [], [], 0)[0]:
            self.s.recv(65535)

    def capture(self, match, timeout=5.0):
        """The first IPv6 packet (bytes) arriving from h2 for which
        match(bytes) is true, or None."""
        end = time.monotonic() + timeout
        while True:
            left = end - time.monotonic()
            if left <= 0:
                return None
            if not select.select([self.s], [], [], left)[0]:
                return None
            data, sll = self.s.recvfrom(65535)
            if sll[2] == PACKET_OUTGOING:
                continue
            if match(data):
                return data


class Listener:
    """A UDP socket in h2 on [::]:port recording datagrams."""

    def __init__(self, port, ns='h2'):
        with netns(ns):
            self.s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
            self.s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            self.s.bind(('::', port))
        self.port = port

    def recv(self, timeout):
        """(payload, source address) or None."""
        if not select.select([self.s], [], [], timeout)[0]:
            return None
        data, src = self.s.recvfrom(65535)
        return data, src[0]

    def drain(self):
        got = []
        while True:
            r = self.recv(0)
            if r is None:
                return got
            got.append(r)

    def send(self, payload, dst, port):
        self.s.sendto(payload, (dst, port))


def wait_until(cond, timeout, step=0.02):
    end = time.monotonic() + timeout
    while True:
        v = cond()
        if v or time.monotonic() >= end:
            return v
        time.sleep(step)


# ---- packets by hand -------------------------------------------------------

def inet_pton6(a):
    return socket.inet_pton(socket.AF_INET6, a)


def csum(data):
    if len(data) % 2:
        data += b'\0'
    s = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return s


def udp6(src, dst, sport, dport, payload):
    """A UDP header and payload with a correct checksum."""
    ln = 8 + len(payload)
    hdr = struct.pack('!HHHH', sport, dport, ln, 0)
    pseudo = inet_pton6(src) + inet_pton6(dst) + struct.pack('!I3xB', ln, UDP)
    c = 0xffff - csum(pseudo + hdr + payload)
    return struct.pack('!HHHH', sport, dport, ln, c or 0xffff) + payload


def ip6(src, dst, nh, payload, hlim=64, tc=0, fl=0):
    first = (6 << 28) | (tc << 20) | fl
    return struct.pack('!IHBB', first, len(payload), nh, hlim) + \
        inet_pton6(src) + inet_pton6(dst) + payload


def esp_trailer(inner, nh, align=4, pad=None, padlen=None):
    """inner || padding || pad length || next header.  pad defaults to
    1, 2, 3, ... up to the alignment; padlen defaults to len(pad)."""
    if pad is None:
        n = -(len(inner) + 2) % align
        pad = bytes(range(1, n + 1))
    if padlen is None:
        padlen = len(pad)
    return inner + pad + bytes([padlen, nh])


def esp_gcm(key, spi, seq, plain, iv=None, icv_len=16, seq_hi=None,
            gmac=False):
    """ESP with rfc4106(gcm(aes)) (or rfc4543 GMAC with gmac=True): key
    includes the 4-byte salt; plain is the trailer-complete plaintext."""
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, \
        modes
    k, salt = key[:-4], key[-4:]
    if iv is None:
        iv = os.urandom(8)
    hdr = struct.pack('!II', spi, seq)
    aad = struct.pack('!I', spi) + \
        (struct.pack('!I', seq_hi) if seq_hi is not None else b'') + \
        struct.pack('!I', seq)
    enc = Cipher(algorithms.AES(k), modes.GCM(salt + iv)).encryptor()
    if gmac:
        enc.authenticate_additional_data(aad + iv + plain)
        enc.finalize()
        return hdr + iv + plain + enc.tag[:icv_len]
    enc.authenticate_additional_data(aad)
    ct = enc.update(plain) + enc.finalize()
    return hdr + iv + ct + enc.tag[:icv_len]


def esp_hmac(auth_key, digest, icv_len, spi, seq, body, seq_hi=None):
    """ESP with a separate MAC: body is IV || ciphertext (or the
    plaintext for NULL encryption); RFC 4303 2.2.1 puts the high half of
    an ESN after the payload for the ICV."""
    hdr = struct.pack('!II', spi, seq)
    tail = struct.pack('!I', seq_hi) if seq_hi is not None else b''
    mac = hmac.new(auth_key, hdr + body + tail, digest).digest()[:icv_len]
    return hdr + body + mac


def cbc_encrypt(key, iv, plain):
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, \
        modes
    enc = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    return enc.update(plain) + enc.finalize()


def fragment(src, dst, nh, payload, cuts, ident, offsets=None, more=None):
    """IPv6 fragments of payload (the fragmentable part, next header nh):
    cuts are the end offsets of all but the last fragment.  offsets and
    more override each fragment's offset/M flag (for broken sets)."""
    bounds = [0] + list(cuts) + [len(payload)]
    out = []
    for i in range(len(bounds) - 1):
        lo, hi = bounds[i], bounds[i + 1]
        off = offsets[i] if offsets else lo
        m = more[i] if more else (i < len(bounds) - 2)
        fh = struct.pack('!BBHI', nh, 0, (off // 8) << 3 | int(m), ident)
        out.append(ip6(src, dst, 44, fh + payload[lo:hi]))
    return out


def opts_hdr(nh, options, zero_mutable=False):
    """A hop-by-hop or destination options header: options is a list of
    (type, data); type 0 is Pad1.  With zero_mutable the data of options
    whose type has the "may change en route" bit (0x20) is zeroed, as AH
    computes its ICV (RFC 4302 3.3.3.1.2.1)."""
    body = b''
    for t, d in options:
        if t == 0:
            body += b'\0'
            continue
        if zero_mutable and t & 0x20:
            d = bytes(len(d))
        body += bytes([t, len(d)]) + d
    r = -(2 + len(body)) % 8
    if r == 1:
        body += b'\0'
    elif r:
        body += bytes([1, r - 2]) + bytes(r - 2)
    return bytes([nh, (2 + len(body)) // 8 - 1]) + body


def ext_chain(ext, last_nh, zero_mutable=False):
    """(first next header, bytes) of extension headers ext = [(type,
    options)], type 0 (hop-by-hop) or 60 (destination options), in front
    of a header of type last_nh."""
    types = [t for t, _ in ext] + [last_nh]
    data = b''.join(opts_hdr(types[i + 1], o, zero_mutable)
                    for i, (_, o) in enumerate(ext))
    return types[0], data


def ah_len(icv_len, iv_len=0):
    return (12 + iv_len + icv_len + 7) // 8 * 8


def ah_icv_input(pkt, icv_off, icv_len, seq_hi=None):
    """What AH's ICV covers in IPv6 packet pkt (no extension headers in
    front of AH): mutable IPv6 fields and the ICV zeroed."""
    b = bytearray(pkt)
    b[0] &= 0xf0
    b[1:4] = bytes(3)
    b[7] = 0
    b[icv_off:icv_off + icv_len] = bytes(icv_len)
    if seq_hi is not None:
        b += struct.pack('!I', seq_hi)
    return bytes(b)


def hmac_mac(key, digest, icv_len):
    return lambda data, iv: hmac.new(key, data, digest).digest()[:icv_len]


def gmac_mac(key):
    """AES-GMAC (RFC 4543): key includes the salt; nonce salt || iv."""
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, \
        modes

    def mac(data, iv):
        enc = Cipher(algorithms.AES(key[:-4]),
                     modes.GCM(key[-4:] + iv)).encryptor()
        enc.authenticate_additional_data(data)
        enc.finalize()
        return enc.tag
    return mac


def ah_packet(src, dst, spi, seq, key, digest, icv_len, nh, payload,
              ext=(), hlim=64, tc=0, fl=0, seq_hi=None, hdrlen=None,
              mac=None, iv=b''):
    """IPv6 / ext / AH / payload with the ICV computed by hand: HMAC with
    key and digest, or mac(data, iv) (then the Authentication Data is iv
    followed by the ICV, both covered).  hdrlen overrides the AH Payload
    Len field after the ICV is computed (the packet is then
    inconsistent)."""
    alen = ah_len(icv_len, len(iv))
    first, chain = ext_chain(ext, AH_P)
    _, zchain = ext_chain(ext, AH_P, zero_mutable=True)
    if mac is None:
        mac = hmac_mac(key, digest, icv_len)

    def ah(icv):
        return struct.pack('!BBHII', nh, alen // 4 - 2, 0, spi, seq) + iv + \
            icv + bytes(alen - 12 - len(iv) - len(icv))

    plen = len(chain) + alen + len(payload)
    hdr0 = struct.pack('!IHBB', 6 << 28, plen, first, 0) + \
        inet_pton6(src) + inet_pton6(dst)
    data = hdr0 + zchain + ah(bytes(icv_len)) + payload
    if seq_hi is not None:
        data += struct.pack('!I', seq_hi)
    icv = mac(data, iv)[:icv_len]
    a = bytearray(ah(icv))
    if hdrlen is not None:
        a[1] = hdrlen
    return ip6(src, dst, first, chain + bytes(a) + payload, hlim, tc, fl)
