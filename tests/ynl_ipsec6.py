# SPDX-License-Identifier: GPL-2.0
"""The ipsec6 generic netlink family for tests, on the kernel's YNL Python
library (tools/net/ynl/lib) and the family's spec,
Documentation/netlink/ipsec6.yaml.

YNL resolves the family and its multicast group, opens the socket (with
extended acks), encodes attributes from their names and types in the spec,
parses the kernel's answers (messages, errors, extack: message, offset of
the bad attribute, missing attribute and nest) and decodes attributes by
name.  The constants (C) are the spec's, named as ynl-gen-c names them in
module/uapi/ipsec6.h.  What YNL cannot do, because it only builds valid
messages, stays here: requests with wrong types or lengths, nests without
NLA_F_NESTED, reserved header flags, several requests in one sendmsg().

Used by netlink_test.py, dp_lib.py, lifecycle.py and netns_helper.py.  The
library is used where scripts/ynl.sh extracted it (the guests see the
host's / over 9p); IPSEC6_YNL overrides the directory.
"""
import errno
import os
import select
import socket
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SPEC = os.path.join(HERE, '..', 'Documentation', 'netlink', 'ipsec6.yaml')
YNL = os.environ.get('IPSEC6_YNL',
                     '/var/cache/ipsec6/ynl/linux-source-6.12/tools/net/ynl')
sys.path.insert(0, YNL)
from lib import Netlink, SpecFamily, YnlFamily  # noqa: E402
from lib import ynl as _ynl  # noqa: E402
from lib.ynl import NlAttrs, NlMsgs  # noqa: E402

NLM_F_REQUEST, NLM_F_ACK = Netlink.NLM_F_REQUEST, Netlink.NLM_F_ACK
NLM_F_MULTI, NLM_F_DUMP_INTR, NLM_F_ECHO = 2, 0x10, 8
NLM_F_REPLACE, NLM_F_EXCL = Netlink.NLM_F_REPLACE, Netlink.NLM_F_EXCL
NLM_F_CREATE, NLM_F_DUMP = Netlink.NLM_F_CREATE, Netlink.NLM_F_DUMP
NLMSG_ERROR, NLMSG_DONE = Netlink.NLMSG_ERROR, Netlink.NLMSG_DONE
NLA_F_NESTED = Netlink.NLA_F_NESTED

# The spec alone (no kernel needed); schema validation is left to
# scripts/ynl-gen.sh on the host.
SPECFAM = SpecFamily(SPEC, schema_path='')


def _upper(name):
    return name.upper().replace('-', '_')


def _constants(fam):
    """Every name of module/uapi/ipsec6.h with its value, from the spec."""
    pfx = _upper(fam.name) + '_'
    c = {}
    for d in fam.yaml['definitions']:
        if d['type'] == 'const':
            c[pfx + _upper(d['name'])] = d['value']
            continue
        npfx = _upper(d.get('name-prefix', '%s-%s-' % (fam.name, d['name'])))
        for e in fam.consts[d['name']].entries.values():
            c[npfx + _upper(e.name)] = e.user_value()
        if d.get('render-max'):
            c[npfx + 'MAX'] = max(e.value for e in
                                  fam.consts[d['name']].entries.values())
    for aset in fam.yaml['attribute-sets']:
        npfx = _upper(aset.get('name-prefix', '%s-a-' % fam.name))
        for a in fam.attr_sets[aset['name']].attrs.values():
            c[npfx + _upper(a.name)] = a.value
        c[npfx + 'MAX'] = max(fam.attr_sets[aset['name']].attrs_by_val)
    for op in fam.msgs.values():
        c[pfx + 'CMD_' + _upper(op.name)] = op.req_value
    c[pfx + 'CMD_MAX'] = max(op.req_value for op in fam.msgs.values())
    return c


C = _constants(SPECFAM)

_codec = None


def codec():
    """A YnlFamily: the spec-driven encoder and decoder (and a socket)."""
    global _codec
    if _codec is None:
        _codec = YnlFamily(SPEC, schema='')
    return _codec


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


def ya(space, name, value):
    """Attribute name of attribute set space, encoded by YNL from the spec
    (type, size, string termination)."""
    raw = codec()._add_attr(space, name, value, None)
    (a,) = NlAttrs(raw)
    return Attr(a.type, a.raw)


# Raw attributes of a given type number, for the requests that are wrong
# on purpose (YNL only encodes what the spec allows).
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


def raw_nest(t, attrs):
    """A nest without NLA_F_NESTED, as old user space sends them."""
    return Attr(t, b''.join(a.pack() for a in attrs))


def parse_attrs(data):
    """{type: payload} by YNL's parser, last one wins; flags stripped."""
    return {a.type: a.raw for a in NlAttrs(data)}


def decode(space, data):
    """Attributes of set space decoded by YNL: {name: value}."""
    return codec()._decode(NlAttrs(data), space)


class Reply:
    """Outcome of a request: error (0 = success), extack, messages."""

    def __init__(self):
        self.error = 0
        self.msg = ''
        self.offs = None
        self.miss_type = None
        self.miss_nest = None   # offset of the nest missing miss_type
        self.msgs = []          # list of (flags, cmd, attrs dict)
        self.intr = False
        self.req = b''          # the request as sent (for attr_offset())
        self.raw = []           # every datagram received for it
        self.nrecv = 0          # how many recv() calls it took

    def __repr__(self):
        return '<Reply error=%d msg=%r n=%d>' % (self.error, self.msg,
                                                 len(self.msgs))


class Genl:
    """A socket of the ipsec6 family, opened and resolved by YNL."""

    def __init__(self, rcvbuf=1 << 20):
        # YNL keeps the families it resolved: forget them, the module may
        # have been reloaded (another family id) since.
        _ynl.genl_family_name_to_id = None
        ynl = YnlFamily(SPEC, schema='')
        self.sock = ynl.sock
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.sock.bind((0, 0))
        self.seq = 1
        self.family = ynl.nlproto.family_id
        self.groups = ynl.nlproto.genl_family.get('mcast', {})

    def close(self):
        self.sock.close()

    @property
    def portid(self):
        """The netlink port id the kernel gave this socket."""
        return self.sock.getsockname()[0]

    def build(self, cmd, attrs=(), flags=NLM_F_REQUEST | NLM_F_ACK,
              version=1, raw=None):
        body = struct.pack('=BBH', cmd, version, 0)
        body += raw if raw is not None else b''.join(a.pack() for a in attrs)
        seq = self.seq
        self.seq += 1
        return seq, struct.pack('=IHHII', 16 + len(body), self.family, flags,
                                seq, 0) + body

    def send_raw(self, data):
        self.sock.send(data)

    def request(self, cmd, attrs=(), flags=NLM_F_REQUEST | NLM_F_ACK,
                raw=None):
        seq, data = self.build(cmd, attrs, flags, raw=raw)
        self.sock.send(data)
        r = self.collect(seq, dump=(flags & NLM_F_DUMP) == NLM_F_DUMP)
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
            for m in NlMsgs(data):
                if m.nl_seq != seq:
                    continue
                if m.nl_flags & NLM_F_DUMP_INTR:
                    r.intr = True
                if m.nl_type == NLMSG_ERROR or m.nl_type == NLMSG_DONE:
                    r.error = -m.error
                    ext = m.extack or {}
                    r.msg = ext.get('msg', '')
                    r.offs = ext.get('bad-attr-offs')
                    r.miss_type = ext.get('miss-type')
                    r.miss_nest = ext.get('miss-nest')
                    return r
                r.msgs.append((m.nl_flags, m.raw[0], parse_attrs(m.raw[4:])))

    def join(self, group='events'):
        self.sock.setsockopt(Netlink.SOL_NETLINK,
                             Netlink.NETLINK_ADD_MEMBERSHIP,
                             self.groups[group])

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
            for m in NlMsgs(data):
                if m.nl_type == self.family:
                    out.append((m.raw[0], parse_attrs(m.raw[4:])))


# Requests built by YNL from attribute names.

def policy_attrs(index, dir_='bidirect', action='bypass', **kw):
    """A POLICY nest: index, direction, action and keyword attributes
    (remote=(lo, hi), local=..., remote_port=(lo, hi), ..., or any
    attribute of the policy set by name)."""
    dirs = {'in': C['IPSEC6_DIR_IN'], 'out': C['IPSEC6_DIR_OUT'],
            'fwd': C['IPSEC6_DIR_FWD'], 'bidirect': C['IPSEC6_DIR_BIDIRECT']}
    actions = {'bypass': C['IPSEC6_ACTION_BYPASS'],
               'discard': C['IPSEC6_ACTION_DISCARD'],
               'apply': C['IPSEC6_ACTION_APPLY']}
    a = [ya('policy', 'index', index),
         ya('policy', 'dir', dirs.get(dir_, dir_)),
         ya('policy', 'action', actions.get(action, action))]
    for key, val in kw.items():
        name = key.replace('_', '-')
        if name in ('remote', 'local'):
            a += [ya('policy', name + '-start', _in6(val[0])),
                  ya('policy', name + '-end', _in6(val[1]))]
        elif name in ('remote-port', 'local-port'):
            a += [ya('policy', name + '-start', val[0]),
                  ya('policy', name + '-end', val[1])]
        elif name.startswith('tunnel-'):
            a.append(ya('policy', name, _in6(val)))
        else:
            a.append(ya('policy', name, val))
    return [nest(C['IPSEC6_A_POLICY'], a)]


def sa_attrs(index, spi, dst, proto=51, **kw):
    """An SA nest: index, SPI, destination, protocol and keyword attributes
    of the SA set by name (addresses as text)."""
    a = [ya('sa', 'index', index), ya('sa', 'spi', spi),
         ya('sa', 'dst', _in6(dst))]
    if proto is not None:
        a.append(ya('sa', 'proto', proto))
    for key, val in kw.items():
        name = key.replace('_', '-')
        if name in ('src', 'sel-dst', 'sel-src'):
            val = _in6(val)
        a.append(ya('sa', name, val))
    return [nest(C['IPSEC6_A_SA'], a)]


def _in6(text):
    return socket.inet_pton(socket.AF_INET6, text)


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


def get_u(attrs, t, fmt='=I'):
    """An attribute unpacked with struct format fmt, or None."""
    return struct.unpack(fmt, attrs[t])[0] if t in attrs else None


def num(attrs, t):
    """An unsigned attribute of any width, or None."""
    v = attrs.get(t)
    if v is None:
        return None
    return int.from_bytes(v, 'little')
