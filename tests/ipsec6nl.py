"""Raw generic netlink client for the ipsec6 family, for tests.

It builds any message, well-formed or not, and returns the kernel's answer
with the extended ack (message, offset of the bad attribute, missing
attribute).  Constants are read from module/uapi/ipsec6.h so the tests follow
the ABI.
"""
import errno
import os
import re
import socket
import struct

NETLINK_GENERIC = 16
NLM_F_REQUEST, NLM_F_MULTI, NLM_F_ACK, NLM_F_ECHO = 1, 2, 4, 8
NLM_F_REPLACE, NLM_F_EXCL, NLM_F_CREATE = 0x100, 0x200, 0x400
NLM_F_DUMP = 0x300
NLM_F_DUMP_INTR = 0x10
NLMSG_ERROR, NLMSG_DONE = 2, 3
NLM_F_CAPPED, NLM_F_ACK_TLVS = 0x100, 0x200
NETLINK_ADD_MEMBERSHIP = 1
NETLINK_CAP_ACK, NETLINK_EXT_ACK = 10, 11
SOL_NETLINK = 270
GENL_ID_CTRL = 0x10
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME = 1, 2
CTRL_ATTR_MCAST_GROUPS = 7
CTRL_ATTR_MCAST_GRP_NAME, CTRL_ATTR_MCAST_GRP_ID = 1, 2
NLMSGERR_ATTR_MSG, NLMSGERR_ATTR_OFFS = 1, 2
NLMSGERR_ATTR_MISS_TYPE, NLMSGERR_ATTR_MISS_NEST = 5, 6
NLA_F_NESTED = 0x8000


def _uapi_path():
    here = os.path.dirname(os.path.abspath(__file__))
    return os.path.join(here, '..', 'module', 'uapi', 'ipsec6.h')


def _load_constants():
    """Enumerators and #defines of the uapi header, as a dict."""
    text = open(_uapi_path()).read()
    text = re.sub(r'/\*.*?\*/', '', text, flags=re.S)
    consts = {}
    for m in re.finditer(r'#define\s+(IPSEC6_\w+)\s+(.+)', text):
        consts[m.group(1)] = m.group(2).strip()
    for body in re.findall(r'enum\s+\w+\s*\{(.*?)\};', text, flags=re.S):
        val = -1
        for item in body.split(','):
            item = item.strip()
            if not item:
                continue
            if '=' in item:
                name, expr = [x.strip() for x in item.split('=', 1)]
                val = eval(expr.replace('<<', '<<'), {}, consts)
            else:
                name, val = item, val + 1
            consts[name] = val
    for k, v in list(consts.items()):
        if isinstance(v, str):
            try:
                consts[k] = eval(v, {}, consts)
            except Exception:
                consts[k] = v.strip('"')
    return consts


C = _load_constants()


class Attr:
    """A netlink attribute: type and payload bytes (or a list for nests)."""

    def __init__(self, atype, payload, nested=False):
        self.atype, self.payload, self.nested = atype, payload, nested

    def pack(self):
        if isinstance(self.payload, list):
            body = b''.join(a.pack() for a in self.payload)
            atype = self.atype | NLA_F_NESTED
        else:
            body, atype = self.payload, self.atype
        hdr = struct.pack('=HH', 4 + len(body), atype)
        pad = (4 - len(body) % 4) % 4
        return hdr + body + b'\0' * pad


def u8(t, v): return Attr(t, struct.pack('=B', v))
def u16(t, v): return Attr(t, struct.pack('=H', v))
def u32(t, v): return Attr(t, struct.pack('=I', v))
def u64(t, v): return Attr(t, struct.pack('=Q', v))
def flag(t): return Attr(t, b'')
def string(t, v): return Attr(t, v.encode() + b'\0')
def binary(t, v): return Attr(t, bytes(v))
def nest(t, attrs): return Attr(t, list(attrs))


def addr(t, text):
    return Attr(t, socket.inet_pton(socket.AF_INET6, text))


def parse_attrs(data):
    """{type: payload}, last one wins; nested flag stripped."""
    out = {}
    off = 0
    while off + 4 <= len(data):
        ln, at = struct.unpack_from('=HH', data, off)
        if ln < 4:
            break
        out[at & 0x3fff] = data[off + 4:off + ln]
        off += (ln + 3) & ~3
    return out


def attrs_list(data):
    out = []
    off = 0
    while off + 4 <= len(data):
        ln, at = struct.unpack_from('=HH', data, off)
        if ln < 4:
            break
        out.append((at & 0x3fff, data[off + 4:off + ln]))
        off += (ln + 3) & ~3
    return out


class NlError(Exception):
    def __init__(self, err, msg, offs=None, miss=None):
        super().__init__('%s: %s' % (errno.errorcode.get(err, err), msg))
        self.errno, self.msg, self.offs, self.miss = err, msg, offs, miss


class Reply:
    """Outcome of a request: error (0 = success), extack, messages."""

    def __init__(self):
        self.error = 0
        self.msg = ''
        self.offs = None
        self.miss_type = None
        self.msgs = []          # list of (flags, cmd, attrs dict)
        self.intr = False
        self.miss_nest = None   # offset of the nest missing miss_type
        self.req = b''          # the request as sent (for attr_offset())
        self.raw = []           # every datagram received for it
        self.nrecv = 0          # how many recv() calls it took

    def __repr__(self):
        return '<Reply error=%d msg=%r n=%d>' % (self.error, self.msg,
                                                 len(self.msgs))


class Genl:
    def __init__(self, name='ipsec6', rcvbuf=1 << 20):
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW,
                                  NETLINK_GENERIC)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.sock.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
        self.sock.setsockopt(SOL_NETLINK, NETLINK_CAP_ACK, 1)
        self.sock.bind((0, 0))
        self.seq = 1
        self.family, self.groups = self._resolve(name)

    def close(self):
        self.sock.close()

    def _resolve(self, name):
        r = self.request(CTRL_CMD_GETFAMILY,
                         [string(CTRL_ATTR_FAMILY_NAME, name)],
                         family=GENL_ID_CTRL, version=1)
        if r.error:
            raise NlError(r.error, 'family %s not found' % name)
        attrs = r.msgs[0][2]
        fam = struct.unpack('=H', attrs[CTRL_ATTR_FAMILY_ID][:2])[0]
        groups = {}
        for _, g in attrs_list(attrs.get(CTRL_ATTR_MCAST_GROUPS, b'')):
            ga = parse_attrs(g)
            gname = ga[CTRL_ATTR_MCAST_GRP_NAME].rstrip(b'\0').decode()
            groups[gname] = struct.unpack('=I', ga[CTRL_ATTR_MCAST_GRP_ID])[0]
        return fam, groups

    def build(self, cmd, attrs=(), flags=NLM_F_REQUEST | NLM_F_ACK,
              family=None, version=1, raw=None):
        family = self.family if family is None else family
        body = struct.pack('=BBH', cmd, version, 0)
        body += raw if raw is not None else b''.join(a.pack() for a in attrs)
        seq = self.seq
        self.seq += 1
        return seq, struct.pack('=IHHII', 16 + len(body), family, flags, seq,
                                0) + body

    def send_raw(self, data):
        self.sock.send(data)

    def request(self, cmd, attrs=(), flags=NLM_F_REQUEST | NLM_F_ACK,
                family=None, version=1, raw=None):
        seq, data = self.build(cmd, attrs, flags, family, version, raw)
        self.sock.send(data)
        r = self.collect(seq, dump=bool(flags & 0x300 == 0x300))
        r.req = data
        return r

    def dump(self, cmd, attrs=()):
        return self.request(cmd, attrs, NLM_F_REQUEST | NLM_F_DUMP)

    def collect(self, seq, dump=False):
        r = Reply()
        while True:
            data = self.sock.recv(1 << 20)
            r.raw.append(data)
            r.nrecv += 1
            off = 0
            while off + 16 <= len(data):
                ln, typ, flags, mseq, _ = struct.unpack_from('=IHHII', data,
                                                             off)
                payload = data[off + 16:off + ln]
                off += (ln + 3) & ~3
                if mseq != seq:
                    continue
                if flags & NLM_F_DUMP_INTR:
                    r.intr = True
                if typ == NLMSG_ERROR:
                    err = -struct.unpack_from('=i', payload)[0]
                    r.error = err
                    # With CAP_ACK the original message is not echoed back.
                    tlv = payload[4 + 16:] if flags & NLM_F_CAPPED else b''
                    ext = parse_attrs(tlv)
                    if NLMSGERR_ATTR_MSG in ext:
                        r.msg = ext[NLMSGERR_ATTR_MSG].rstrip(b'\0').decode()
                    if NLMSGERR_ATTR_OFFS in ext:
                        r.offs = struct.unpack('=I', ext[NLMSGERR_ATTR_OFFS])[0]
                    if NLMSGERR_ATTR_MISS_TYPE in ext:
                        r.miss_type = struct.unpack(
                            '=I', ext[NLMSGERR_ATTR_MISS_TYPE])[0]
                    if NLMSGERR_ATTR_MISS_NEST in ext:
                        r.miss_nest = struct.unpack(
                            '=I', ext[NLMSGERR_ATTR_MISS_NEST])[0]
                    return r
                if typ == NLMSG_DONE:
                    return r
                cmd = payload[0]
                r.msgs.append((flags, cmd, parse_attrs(payload[4:])))
                if not dump and not (flags & NLM_F_MULTI):
                    # a reply to a doit: the ACK follows
                    continue

    def join(self, group='events'):
        self.sock.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP,
                             self.groups[group])


    # Additions for tests/netlink_test.py; the methods above are unchanged.

    @property
    def portid(self):
        """The netlink port id the kernel gave this socket."""
        return self.sock.getsockname()[0]

    def batch(self, reqs, chunk=200):
        """Send many requests, several per sendmsg(), and collect each one's
        answer.  reqs: (cmd, attrs) or (cmd, attrs, flags) tuples; NLM_F_ACK
        is forced so that every request gets exactly one answer.  Returns
        one Reply per request, in order.  chunk bounds how many acks can be
        queued at once (each is an skb of its own on the receive queue).
        """
        out = []
        for i in range(0, len(reqs), chunk):
            seqs, data = [], b''
            for req in reqs[i:i + chunk]:
                flags = (req[2] if len(req) > 2 else NLM_F_REQUEST) | \
                    NLM_F_REQUEST | NLM_F_ACK
                seq, msg = self.build(req[0], req[1], flags)
                seqs.append(seq)
                data += msg
            self.sock.send(data)
            for seq in seqs:
                out.append(self.collect(seq))
        return out

    def events(self, timeout=0.0):
        """Notifications queued on this socket (it should send no requests):
        a list of (cmd, attrs dict).  Waits up to timeout seconds for the
        first one, then takes whatever else is queued."""
        import select
        out = []
        while True:
            rd, _, _ = select.select([self.sock], [], [],
                                     timeout if not out else 0)
            if not rd:
                return out
            try:
                data = self.sock.recv(1 << 20)
            except OSError as e:
                if e.errno != errno.ENOBUFS:
                    raise
                self.overruns = getattr(self, 'overruns', 0) + 1
                continue
            off = 0
            while off + 16 <= len(data):
                ln, typ, flags, mseq, _ = struct.unpack_from('=IHHII', data,
                                                             off)
                payload = data[off + 16:off + ln]
                off += (ln + 3) & ~3
                if typ == self.family:
                    out.append((payload[0], parse_attrs(payload[4:])))


# Convenience builders for the ipsec6 family.

def policy_attrs(index, dir_='bidirect', action='bypass', **kw):
    dirs = {'in': C['IPSEC6_DIR_IN'], 'out': C['IPSEC6_DIR_OUT'],
            'fwd': C['IPSEC6_DIR_FWD'],
            'bidirect': C['IPSEC6_DIR_IN'] | C['IPSEC6_DIR_OUT']}
    actions = {'bypass': C['IPSEC6_ACTION_BYPASS'],
               'discard': C['IPSEC6_ACTION_DISCARD'],
               'apply': C['IPSEC6_ACTION_APPLY']}
    a = [u32(C['IPSEC6_POLICY_A_INDEX'], index),
         u8(C['IPSEC6_POLICY_A_DIR'], dirs.get(dir_, dir_)),
         u8(C['IPSEC6_POLICY_A_ACTION'], actions.get(action, action))]
    P = 'IPSEC6_POLICY_A_'
    for key, val in kw.items():
        k = key.upper()
        if k in ('REMOTE', 'LOCAL'):
            lo, hi = val
            a += [addr(C[P + k + '_START'], lo), addr(C[P + k + '_END'], hi)]
        elif k in ('TUNNEL_REMOTE', 'TUNNEL_LOCAL'):
            a.append(addr(C[P + k], val))
        elif k in ('REMOTE_PORT', 'LOCAL_PORT'):
            a += [u16(C[P + k + '_START'], val[0]),
                  u16(C[P + k + '_END'], val[1])]
        elif k in ('PROTO', 'ICMP_TYPE', 'ICMP_CODE', 'IPSEC_PROTO', 'MODE'):
            a.append(u8(C[P + k], val))
        else:
            a.append(u32(C[P + k], val))
    return [nest(C['IPSEC6_A_POLICY'], a)]


def sa_attrs(index, spi, dst, proto=51, **kw):
    S = 'IPSEC6_SA_A_'
    a = [u32(C[S + 'INDEX'], index), u32(C[S + 'SPI'], spi),
         addr(C[S + 'DST'], dst)]
    if proto is not None:
        a.append(u8(C[S + 'PROTO'], proto))
    for key, val in kw.items():
        k = key.upper()
        if k in ('SRC', 'SEL_DST', 'SEL_SRC'):
            a.append(addr(C[S + k], val))
        elif k in ('MODE', 'DIR', 'SEL_PROTO'):
            a.append(u8(C[S + k], val))
        elif k in ('SEL_DPORT', 'SEL_SPORT'):
            a.append(u16(C[S + k], val))
        elif k.endswith('_NAME') or k.endswith('KEYFILE'):
            a.append(string(C[S + k], val))
        elif k.endswith('_KEY'):
            a.append(binary(C[S + k], val))
        elif k.startswith('SOFT') or k.startswith('HARD'):
            a.append(u64(C[S + k], val))
        else:
            a.append(u32(C[S + k], val))
    return [nest(C['IPSEC6_A_SA'], a)]


def get_u(attrs, t, fmt='=I'):
    return struct.unpack(fmt, attrs[t])[0] if t in attrs else None


# More helpers (tests/netlink_test.py).

def raw_nest(t, attrs):
    """A nest without NLA_F_NESTED, as old user space sends them."""
    return Attr(t, b''.join(a.pack() for a in attrs))


def attr_offset(msg, *path):
    """Offset from the start of netlink message msg (nlmsghdr, genl header,
    attributes) of the attribute reached by following the attribute types
    in path (first match at each level), as the kernel reports it in
    NLMSGERR_ATTR_OFFS / NLMSGERR_ATTR_MISS_NEST.  None if there is none."""
    start, end = 20, struct.unpack_from('=I', msg)[0]
    found = None
    for t in path:
        off, found = start, None
        while off + 4 <= end:
            ln, at = struct.unpack_from('=HH', msg, off)
            if ln < 4:
                break
            if at & 0x3fff == t:
                found = off
                break
            off += (ln + 3) & ~3
        if found is None:
            return None
        start, end = found + 4, found + ln
    return found


def nests(reply, top):
    """The parsed nest of type top of every message of a reply."""
    return [parse_attrs(m[2][top]) for m in reply.msgs if top in m[2]]


def num(attrs, t):
    """An unsigned attribute of any width, or None."""
    v = attrs.get(t)
    if v is None:
        return None
    return int.from_bytes(v, 'little')
