#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""ipsec6 against scapy's IPsec implementation (tests/30).

For every algorithm scapy's SecurityAssociation implements (and a few it
does not, against this test's own RFC 4106/4543/4303 code on
python3-cryptography): h2 runs ipsec6 with an outbound and an inbound
transport SA for one UDP port.

  (a) h2 sends a datagram from that port; h1 captures the protected frame
      and scapy verifies and decrypts it: the inner datagram must be the
      one sent (ports, payload, checksum); ESP padding must be 1, 2, 3 ...
      and minimal.
  (b) scapy encrypts a datagram to that port and h1 injects it; it must
      reach the socket in h2 and count on the inbound SA.

Prints lines for tests/dp_lib.sh (dp_run).
"""
import hashlib
import hmac
import os
import struct
import sys
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dp_lib as d  # noqa: E402
from dp_lib import H1_IP, H2_IP, UDP, ESP_P, AH_P  # noqa: E402

from scapy.layers.inet6 import IPv6  # noqa: E402
from scapy.layers.inet import UDP as SUDP  # noqa: E402
from scapy.layers import ipsec as sipsec  # noqa: E402
from scapy.layers.ipsec import SecurityAssociation, ESP, AH  # noqa: E402

REMOTE_PORT = 9000
BASE_PORT = 7000


def _md5_128():
    """scapy has HMAC-MD5-96 only; the full 128-bit ICV (what Windows calls
    HMAC-MD5 for AH) is the same algorithm with a longer ICV."""
    if 'HMAC-MD5-128' not in sipsec.AUTH_ALGOS:
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.hmac import HMAC
        sipsec.AUTH_ALGOS['HMAC-MD5-128'] = sipsec.AuthAlgo(
            'HMAC-MD5-128', mac=HMAC, digestmod=hashes.MD5, icv_size=16)
    return 'HMAC-MD5-128'


# Authentication algorithms: module name, scapy name, key bytes, ICV bits,
# hashlib constructor.
AUTH = {
    'md5-96': ('hmac(md5)', 'HMAC-MD5-96', 16, 96, hashlib.md5),
    'md5-128': ('hmac(md5)', None, 16, 128, hashlib.md5),
    'sha1-96': ('hmac(sha1)', 'HMAC-SHA1-96', 20, 96, hashlib.sha1),
    'sha256-128': ('hmac(sha256)', 'SHA2-256-128', 32, 128, hashlib.sha256),
    'sha384-192': ('hmac(sha384)', 'SHA2-384-192', 48, 192, hashlib.sha384),
    'sha512-256': ('hmac(sha512)', 'SHA2-512-256', 64, 256, hashlib.sha512),
}


def alg(name, proto, kind, **kw):
    a = dict(name=name, proto=proto, kind=kind, esn=False, impl='scapy')
    a.update(kw)
    return a


# kind: gcm, chacha, gmac (ESP AEADs), cbc, null (ESP with HMAC), ah,
# ah-gmac.  impl: scapy, or own (this test's code: scapy lacks it).
ALGS = [
    alg('ESP AES-128-GCM-16', ESP_P, 'gcm', key=20, icv=128),
    alg('ESP AES-256-GCM-16', ESP_P, 'gcm', key=36, icv=128),
    alg('ESP AES-192-GCM-16', ESP_P, 'gcm', key=28, icv=128),
    alg('ESP ChaCha20-Poly1305', ESP_P, 'chacha', key=36, icv=128),
    alg('ESP AES-128-CBC + HMAC-SHA2-256-128', ESP_P, 'cbc', enc=16,
        auth='sha256-128'),
    alg('ESP AES-256-CBC + HMAC-SHA1-96', ESP_P, 'cbc', enc=32,
        auth='sha1-96'),
    alg('ESP AES-192-CBC + HMAC-SHA2-512-256', ESP_P, 'cbc', enc=24,
        auth='sha512-256'),
    alg('ESP AES-128-CBC + HMAC-MD5-96', ESP_P, 'cbc', enc=16,
        auth='md5-96'),
    alg('ESP NULL + HMAC-MD5-96', ESP_P, 'null', auth='md5-96'),
    alg('ESP NULL + HMAC-SHA1-96', ESP_P, 'null', auth='sha1-96'),
    alg('ESP NULL + HMAC-SHA2-256-128', ESP_P, 'null', auth='sha256-128'),
    alg('ESP NULL + HMAC-SHA2-384-192', ESP_P, 'null', auth='sha384-192'),
    alg('ESP NULL + HMAC-SHA2-512-256', ESP_P, 'null', auth='sha512-256'),
    alg('ESP AES-128-GCM-16 with ESN', ESP_P, 'gcm', key=20, icv=128,
        esn=True),
    alg('AH HMAC-MD5-96', AH_P, 'ah', auth='md5-96'),
    alg('AH HMAC-MD5-128 (full ICV, Windows "HMAC-MD5")', AH_P, 'ah',
        auth='md5-128'),
    alg('AH HMAC-SHA1-96', AH_P, 'ah', auth='sha1-96'),
    alg('AH HMAC-SHA2-256-128', AH_P, 'ah', auth='sha256-128'),
    alg('AH HMAC-SHA2-384-192', AH_P, 'ah', auth='sha384-192'),
    alg('AH HMAC-SHA2-512-256', AH_P, 'ah', auth='sha512-256'),
    alg('AH HMAC-SHA2-256-128 with ESN', AH_P, 'ah', auth='sha256-128',
        esn=True),
    # Not in scapy: checked against this test's own code.
    alg('ESP AES-128-GCM-8 (64-bit ICV)', ESP_P, 'gcm', key=20, icv=64,
        impl='own'),
    alg('ESP AES-128-GCM-12 (96-bit ICV)', ESP_P, 'gcm', key=20, icv=96,
        impl='own'),
    alg('ESP NULL-AES-GMAC-128 (RFC 4543)', ESP_P, 'gmac', key=20, icv=128,
        impl='own'),
    alg('ESP AES-128-CBC + HMAC-SHA2-256-128 with ESN', ESP_P, 'cbc',
        enc=16, auth='sha256-128', esn=True, impl='own'),
    alg('AH AES-GMAC-128 (RFC 4543)', AH_P, 'ah-gmac', key=20, icv=128,
        impl='own'),
]

POINTS_PER = {ESP_P: 5, AH_P: 4}


class Algo:
    """One algorithm's SAs in h2 and its peer (scapy or own code) in h1."""

    def __init__(self, i, a):
        self.i, self.a = i, a
        self.port = BASE_PORT + i
        self.pol = 100 + i
        self.sa_out, self.sa_in = 200 + i, 300 + i
        self.spi_out, self.spi_in = 0x2000 + i, 0x3000 + i
        self.keys = {d_: self._keys() for d_ in ('out', 'in')}
        if a['kind'] == 'cbc':
            self.block = 16
        else:
            self.block = 4
        self.icv = self._icv_bytes()

    def _keys(self):
        a = self.a
        k = {}
        if 'key' in a:
            k['aead'] = os.urandom(a['key'])
        if 'enc' in a:
            k['enc'] = os.urandom(a['enc'])
        if 'auth' in a:
            k['auth'] = os.urandom(AUTH[a['auth']][2])
        return k

    def _icv_bytes(self):
        if 'auth' in self.a:
            return AUTH[self.a['auth']][3] // 8
        return self.a['icv'] // 8

    # -- configuration in h2 ------------------------------------------------

    def sa_kw(self, k):
        a = self.a
        kw = {}
        if a['kind'] in ('gcm', 'chacha', 'gmac', 'ah-gmac'):
            kw['aead_name'] = {'gcm': 'rfc4106(gcm(aes))',
                               'chacha': 'rfc7539esp(chacha20,poly1305)',
                               'gmac': 'rfc4543(gcm(aes))',
                               'ah-gmac': 'rfc4543(gcm(aes))'}[a['kind']]
            kw['aead_key'] = k['aead']
            kw['icv_len'] = a['icv']
        else:
            kw['auth_name'] = AUTH[a['auth']][0]
            kw['auth_key'] = k['auth']
            kw['icv_len'] = AUTH[a['auth']][3]
            if a['kind'] == 'cbc':
                kw['enc_name'] = 'cbc(aes)'
                kw['enc_key'] = k['enc']
        if a['esn']:
            kw['flags'] = d.C['IPSEC6_SA_F_ESN']
        return kw

    def configure(self, ctl):
        proto = self.a['proto']
        ctl.policy(self.pol, 'bidirect', 'apply', remote=(H1_IP, H1_IP),
                   local=(H2_IP, H2_IP), proto=UDP,
                   local_port=(self.port, self.port), ipsec_proto=proto,
                   mode=d.TRANSPORT)
        ctl.sa(self.sa_out, self.spi_out, H1_IP, proto, src=H2_IP,
               dir=d.DIR_OUT, policy=self.pol, **self.sa_kw(self.keys['out']))
        ctl.sa(self.sa_in, self.spi_in, H2_IP, proto, src=H1_IP,
               dir=d.DIR_IN, policy=self.pol, replay_window=64,
               **self.sa_kw(self.keys['in']))

    # -- the peer -------------------------------------------------------------

    def scapy_sa(self, direction):
        a, k = self.a, self.keys[direction]
        spi = self.spi_out if direction == 'out' else self.spi_in
        esn = dict(esn_en=True, esn=0) if a['esn'] else {}
        if a['proto'] == AH_P:
            name = AUTH[a['auth']][1] or _md5_128()
            return SecurityAssociation(AH, spi=spi, auth_algo=name,
                                       auth_key=k['auth'], **esn)
        if a['kind'] in ('gcm', 'chacha'):
            name = 'AES-GCM' if a['kind'] == 'gcm' else 'CHACHA20-POLY1305'
            return SecurityAssociation(ESP, spi=spi, crypt_algo=name,
                                       crypt_key=k['aead'], **esn)
        return SecurityAssociation(
            ESP, spi=spi,
            crypt_algo='AES-CBC' if a['kind'] == 'cbc' else 'NULL',
            crypt_key=k.get('enc'), auth_algo=AUTH[a['auth']][1],
            auth_key=k['auth'], **esn)

    def esp_open(self, esp):
        """Verify and decrypt ESP from h2 with this test's own code:
        the plaintext with its trailer (raises ValueError when the ICV is
        wrong)."""
        a, k = self.a, self.keys['out']
        spi, seq = struct.unpack('!II', esp[:8])
        hi = struct.pack('!I', 0) if a['esn'] else b''
        aad = esp[:4] + hi + esp[4:8]
        icv = self.icv
        from cryptography.exceptions import InvalidTag
        from cryptography.hazmat.primitives.ciphers import Cipher, \
            algorithms, modes, aead
        try:
            if a['kind'] in ('gcm', 'gmac'):
                key, salt = k['aead'][:-4], k['aead'][-4:]
                iv, body, tag = esp[8:16], esp[16:-icv], esp[-icv:]
                dec = Cipher(algorithms.AES(key),
                             modes.GCM(salt + iv, tag,
                                       min_tag_length=icv)).decryptor()
                if a['kind'] == 'gmac':
                    dec.authenticate_additional_data(aad + iv + body)
                    dec.finalize()
                    return body
                dec.authenticate_additional_data(aad)
                return dec.update(body) + dec.finalize()
            if a['kind'] == 'chacha':
                key, salt = k['aead'][:-4], k['aead'][-4:]
                return aead.ChaCha20Poly1305(key).decrypt(
                    salt + esp[8:16], esp[16:], aad)
        except InvalidTag:
            raise ValueError('ICV check failed')
        digest = AUTH[a['auth']][4]
        mac = hmac.new(k['auth'], esp[:-icv] + hi, digest).digest()[:icv]
        if not hmac.compare_digest(mac, esp[-icv:]):
            raise ValueError('ICV check failed')
        if a['kind'] == 'null':
            return esp[8:-icv]
        iv, body = esp[8:24], esp[24:-icv]
        dec = Cipher(algorithms.AES(k['enc']), modes.CBC(iv)).decryptor()
        return dec.update(body) + dec.finalize()

    def open(self, pkt):
        """The inner upper-layer bytes of protected packet pkt from h2."""
        if self.a['impl'] == 'scapy':
            kw = dict(esn_en=True, esn=0) if self.a['esn'] else {}
            res = self.scapy_sa('out').decrypt(IPv6(pkt), **kw)
            if res.nh != UDP:
                raise ValueError('next header %d' % res.nh)
            return bytes(res.payload)
        if self.a['kind'] == 'ah-gmac':
            k = self.keys['out']['aead']
            alen = (pkt[41] + 2) * 4
            iv, tag = pkt[52:60], pkt[60:60 + self.icv]
            data = d.ah_icv_input(pkt, 60, self.icv)
            if not hmac.compare_digest(d.gmac_mac(k)(data, iv), tag):
                raise ValueError('ICV check failed')
            return pkt[40 + alen:]
        plain = self.esp_open(pkt[40:])
        return plain[:-2 - plain[-2]]

    def seal(self, inner, seq):
        """A protected packet from h1 carrying upper-layer bytes inner."""
        a, k = self.a, self.keys['in']
        if a['impl'] == 'scapy':
            p = IPv6(src=H1_IP, dst=H2_IP, nh=UDP) / SUDP(inner)
            kw = dict(esn_en=True, esn=0) if a['esn'] else {}
            return bytes(self.scapy_sa('in').encrypt(p, seq_num=seq, **kw))
        hi = 0 if a['esn'] else None
        if a['kind'] == 'ah-gmac':
            return d.ah_packet(H1_IP, H2_IP, self.spi_in, seq, None, None,
                               self.icv, UDP, inner,
                               mac=d.gmac_mac(k['aead']),
                               iv=struct.pack('!Q', seq))
        plain = d.esp_trailer(inner, UDP, self.block)
        if a['kind'] in ('gcm', 'gmac'):
            esp = d.esp_gcm(k['aead'], self.spi_in, seq, plain,
                            icv_len=self.icv, seq_hi=hi,
                            gmac=a['kind'] == 'gmac')
        else:
            iv = os.urandom(16)
            esp = d.esp_hmac(k['auth'], AUTH[a['auth']][4], self.icv,
                             self.spi_in, seq,
                             iv + d.cbc_encrypt(k['enc'], iv, plain),
                             seq_hi=hi)
        return d.ip6(H1_IP, H2_IP, ESP_P, esp)


def run_one(env, al, tap):
    a = al.a
    proto = a['proto']
    what = a['name'] + ('' if a['impl'] == 'scapy' else ' [own code]')
    lst = env.listen[al.port]
    # (a) h2 -> h1
    env.wire.drain()
    payload = ('from h2 via %s' % a['name']).encode() + os.urandom(9)
    lst.send(payload, H1_IP, REMOTE_PORT)
    hdr_off = 14 + 40

    def match(f):
        return (f[12:14] == b'\x86\xdd' and f[20] == proto and
                f[hdr_off + (4 if proto == AH_P else 0):][:4] ==
                struct.pack('!I', al.spi_out))
    frame = env.wire.capture(match, 5)
    pkt = frame[14:] if frame else None
    seq = None
    if pkt:
        seq = struct.unpack_from('!I', pkt,
                                 40 + (8 if proto == AH_P else 4))[0]
    tap.ok(pkt is not None and seq == 1,
           '%s: h2 sends %s, SPI 0x%x, sequence number 1' %
           (what, 'AH' if proto == AH_P else 'ESP', al.spi_out),
           'captured: %s, seq %s' % (pkt is not None, seq))
    want = d.udp6(H2_IP, H1_IP, al.port, REMOTE_PORT, payload)
    inner, err = None, None
    if pkt:
        try:
            inner = al.open(pkt)
        except Exception as e:      # scapy raises several kinds
            err = '%s: %s' % (type(e).__name__, e)
    tap.ok(inner == want,
           '%s: %s verifies and decrypts it: the datagram sent '
           '(ports, payload, UDP checksum)' %
           (what, 'scapy' if a['impl'] == 'scapy' else 'the test'),
           'error: %s\ngot      %r\nexpected %r' % (err, inner, want))
    if proto == ESP_P:
        plain, err = None, None
        try:
            plain = al.esp_open(pkt[40:]) if pkt else None
        except Exception as e:
            err = str(e)
        ok = False
        if plain:
            n = plain[-2]
            align = max(al.block, 4)
            ok = (plain[-2 - n:-2] == bytes(range(1, n + 1)) and
                  len(plain) % align == 0 and n < align and
                  plain[-1] == UDP)
        tap.ok(ok, '%s: ESP trailer: padding 1, 2, 3, ..., minimal, '
               'next header 17' % what,
               'error: %s; trailer %r' % (err, plain[-20:] if plain else None))
    # (b) h1 -> h2
    s0 = env.ctl.stats()
    c0 = env.ctl.sa_counts(al.sa_in)
    payload = ('to h2 via %s' % a['name']).encode() + os.urandom(7)
    inner = d.udp6(H1_IP, H2_IP, REMOTE_PORT, al.port, payload)
    lst.drain()
    err = None
    try:
        env.wire.send(al.seal(inner, 1))
    except Exception:
        err = traceback.format_exc()
    r = lst.recv(5)
    tap.ok(r is not None and r == (payload, H1_IP),
           '%s: %s-built packet accepted: the datagram reaches the socket '
           'in h2' % (what, 'scapy' if a['impl'] == 'scapy' else 'test'),
           'got %r\nerror: %s' % (r, err))
    c1 = env.ctl.sa_counts(al.sa_in)
    dl = d.delta(s0, env.ctl.stats())
    dd = {k: c1[k] - c0[k] for k in ('packets', 'drops')} if c0 and c1 \
        else None
    tap.ok(dd == {'packets': 1, 'drops': 0} and not dl,
           '%s: inbound SA counts it (packets +1), no drop counter moves' %
           what, 'SA counters %r; drop counters changed: %r' % (dd, dl))


class Env:
    pass


def main():
    tap = d.Tap()
    only = sys.argv[1:]
    algs = [Algo(i, a) for i, a in enumerate(ALGS)
            if not only or any(o.lower() in a['name'].lower() for o in only)]
    tap.plan(2 + sum(POINTS_PER[al.a['proto']] for al in algs))
    env = Env()
    env.ctl = d.Ctl('h2')
    env.wire = d.Wire()
    env.listen = {al.port: d.Listener(al.port) for al in algs}
    s_start = None
    try:
        for al in algs:
            al.configure(env.ctl)
        s_start = env.ctl.stats()
        tap.ok(True, 'policies and SAs for %d algorithms configured in h2' %
               len(algs))
    except Exception:
        tap.ok(False, 'policies and SAs configured in h2',
               traceback.format_exc())
    for al in algs:
        start = tap.n
        try:
            if s_start is not None:
                run_one(env, al, tap)
        except Exception:
            tap.diag('%s: exception:\n%s' % (al.a['name'],
                                             traceback.format_exc()))
        for i in range(tap.n - start, POINTS_PER[al.a['proto']]):
            tap.ok(False, '%s: point %d not reached' % (al.a['name'], i + 1))
    dl = d.delta(s_start, env.ctl.stats()) if s_start else None
    tap.ok(dl == {}, 'no drop counter moved during the whole test',
           'changed: %r' % dl)
    return 0


if __name__ == '__main__':
    sys.exit(main())
