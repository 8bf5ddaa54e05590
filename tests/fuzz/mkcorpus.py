#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Write the seed corpora of the libFuzzer targets into tests/fuzz/corpus/.

Run once (the output is committed); rerun after changing the seeds.
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
FIX = os.path.join(HERE, '..', 'host', 'fixtures', 'ctl')


def put(target, name, data):
    d = os.path.join(HERE, 'corpus', target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), 'wb') as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def fixture(name):
    return open(os.path.join(FIX, name), 'rb').read()


# winfile: .spd, or .spd + "%%" line + .sad
for base in ('example', 'ext', 'fresh'):
    put('winfile', base, fixture(base + '.spd') + b'%%\n' +
        fixture(base + '.sad'))
put('winfile', 'crlf-bom', b'\xef\xbb\xbf' +
    fixture('example.spd').replace(b'\n', b'\r\n'))
put('winfile', 'plus', b'3 + 2001:db8::1 + * + TCP + 80 - * ESP TUNNEL '
    b'2001:db8::9 NONE OUTBOUND APPLY 0 ;\n'
    b'1 - * - * - * - * - * NONE * * NONE BIDIRECT BYPASS 0 ;\n')

# xfrm: first byte 1 = sa, 0 = policy
G = '0x0102030405060708090a0b0c0d0e0f1011121314'
SA = [
    "add src 2001:db8::1 dst 2001:db8::2 proto esp spi 0x1001 mode transport"
    " aead 'rfc4106(gcm(aes))' " + G + " 128 replay-window 64",
    "add src 2001:db8::1 dst 2001:db8::2 proto ah spi 3001 mode transport"
    " auth-trunc 'hmac(md5)' 'This is a test' 128",
    "del src 2001:db8::1 dst 2001:db8::2 proto esp spi 0x1001",
    "add dst 2001:db8::2 proto esp spi 3000 auth sha256 0xabcd enc aes"
    " 0x000102030405060708090a0b0c0d0e0f flag esn",
    "add dst 2001:db8::2 proto ah spi 300 aead null-gmac " + G + " 128",
    "add dst 2001:db8::2 proto esp spi 300 auth md5 0x0102 enc null ''",
    "add dst 2001:db8::2 proto esp spi 300 auth md5 keyfile x.key"
    " limit byte-soft 100 limit packet-hard 5 sel src ::/0 dst ::1 proto tcp"
    " sport 1 dport 2",
]
POL = [
    "add src 2001:db8::1 dst 2001:db8::2 dir out tmpl src 2001:db8::1"
    " dst 2001:db8::2 proto esp mode transport",
    "add src 2001:db8:1::/64 dst 2001:db8:2::/48 dir out priority 100"
    " action block",
    "add src 2001:db8::a dst 2001:db8::b proto tcp sport 1000-2000 dport 22"
    " dir in action allow",
    "add src 2001:db8::1-2001:db8::9 proto icmp type 128 code 0 dir fwd"
    " action discard",
    "add dir out index 9 tmpl src 2001:db8::1 dst 2001:db8::2 proto esp"
    " mode tunnel reqid 4 level required",
    "add dir out index 4 tmpl proto ah bundle 3 flag dscp-copy bundle-only",
    "update dir out index 4 action block",
    "add dir out index 3 action allow ptype main dev lo",
]
for i, s in enumerate(SA):
    put('xfrm', 'sa%d' % i, b'\x01' + s.encode())
for i, s in enumerate(POL):
    put('xfrm', 'policy%d' % i, b'\x00' + s.encode())


# selector: 80 bytes of selector, a direction byte, then an IPv6 packet
def a6(s):
    import socket
    return socket.inet_pton(socket.AF_INET6, s)


def sel(present, proto=6, rs='::', re_='ffff::', ls='::', le='ffff::',
        ports=(0, 65535, 0, 65535), icmp=(128, 0)):
    b = a6(rs) + a6(re_) + a6(ls) + a6(le)
    b += struct.pack('>HHHH', *ports)
    b += bytes([proto, icmp[0], icmp[1], present, 2, 0, 0, 0])
    return b + b'\0' * (80 - len(b))


def ip6(nh, payload, src='2001:db8::1', dst='2001:db8::2'):
    return struct.pack('>IHBB', 6 << 28, len(payload), nh, 64) + a6(src) + \
        a6(dst) + payload


tcp = struct.pack('>HH', 1234, 80) + b'\0' * 16
icmp = bytes([128, 0, 0, 0, 0, 1, 0, 1])
hbh = bytes([6, 0]) + b'\x01\x04' + b'\0' * 4
frag0 = bytes([6, 0, 0, 1]) + b'\0\0\0\x2a'
frag8 = bytes([6, 0, 0, 8]) + b'\0\0\0\x2a'
put('selector', 'tcp', sel(0x1f) + b'\x01' + ip6(6, tcp))
put('selector', 'icmp', sel(0x67, proto=58) + b'\x00' + ip6(58, icmp))
put('selector', 'hbh-tcp', sel(0x9c) + b'\x00' + ip6(0, hbh + tcp))
put('selector', 'frag-first', sel(0x1c) + b'\x00' + ip6(44, frag0 + tcp))
put('selector', 'frag-later', sel(0x1c) + b'\x01' + ip6(44, frag8 + tcp))
put('selector', 'esp', sel(0x04, proto=50) + b'\x00' + ip6(50, b'\0' * 16))
# Routing headers with segments left: SRH (type 4, segment 0 is the final
# destination), type 0/2 (the last address is), RPL (type 3, compressed
# against the destination: CmprI 8, CmprE 12, 4 bytes of padding).
srh = bytes([6, 4, 4, 1, 1, 0, 0, 0]) + a6('2001:db8::9') + a6('2001:db8::2')
rh0 = bytes([6, 4, 0, 2, 0, 0, 0, 0]) + a6('2001:db8::7') + a6('2001:db8::9')
rh2 = bytes([6, 2, 2, 1, 0, 0, 0, 0]) + a6('2001:db8::9')
rpl = bytes([6, 2, 3, 2, 0x8c, 0x40, 0, 0]) + bytes(range(1, 9)) + \
    bytes([9, 9, 9, 9]) + b'\0' * 4
put('selector', 'srh-out', sel(0x1f) + b'\x01' + ip6(43, srh + tcp))
put('selector', 'srh-in', sel(0x1f) + b'\x00' + ip6(43, srh + tcp))
put('selector', 'rh0-out', sel(0x1f) + b'\x01' + ip6(43, rh0 + tcp))
put('selector', 'rh2-out', sel(0x1f) + b'\x01' + ip6(43, rh2 + tcp))
put('selector', 'rpl-out', sel(0x1f) + b'\x01' + ip6(43, rpl + tcp))


# replay: window (2), flags (1: bit 0 ESN, bit 1 full top), top (8), then
# operations of 5 bytes: flags (bit 0 verified, bit 1 relative), number.
def replay(window, esn, top, ops, full=False):
    b = struct.pack('>HBQ', window, esn | (2 if full else 0), top)
    for fl, n in ops:
        b += struct.pack('>BI', fl, n & 0xffffffff)
    return b


seq = [(1, n) for n in range(1, 80)] + [(1, 5), (1, 200), (1, 199), (1, 199)]
put('replay', 'w64', replay(64, 0, 0, seq))
put('replay', 'w32-esn', replay(32, 1, 0xfffffff0, seq +
                                [(1, 0xfffffff8), (1, 3)], True))
put('replay', 'w4096', replay(4096, 0, 0, [(1, 5000), (1, 905), (1, 904),
                                           (3, 0xfff0), (3, 1)]))
put('replay', 'w0', replay(0, 0, 0, [(1, 1), (1, 1), (1, 0)]))
put('replay', 'esn-span', replay(128, 1, (3 << 32) | 10,
                                 [(1, 0xfffffff0), (1, 20), (1, 5)], True))
