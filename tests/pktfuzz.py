#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Packet fuzzing of the inbound datapath against Linux XFRM
(tests/51-pktfuzz.sh).

  pktfuzz.py COUNT [SEED]

h1 injects every packet twice, to h2 (ipsec6) and to h3 (esp6/ah6 through
"ip xfrm" with the same SAs and policies), over two veth pairs.  Packets
are valid ESP (rfc4106(gcm(aes)); hmac(sha256) with NULL encryption) and
AH (hmac(sha256)) carrying UDP with a marker "PF<index>", then mutated:
before the ICV (next header, padding, pad length, inner UDP, hop limit and
other mutable fields, AH next header, sequence numbers: replays, jumps,
zero), after it (bit flips, truncation, trailing bytes, IPv6 payload
length), with extension-header chains in front, fragmented (sometimes a
fragment missing), or in clear text under an APPLY policy.  Each batch ends
with a synchronisation packet on an SA of its own.  Checks: the set of
markers that reached h2's UDP socket equals h3's (the verdicts agree), no
marker of a packet that must not pass (cleartext, failed ICV) ever reaches
a socket, and h2's drops are all counted: packets sent = delivered +
ipsec6 drop counters + the IPv6 stack's own drop counters (for packets the
stack refuses before ipsec6 sees them).
"""
import hashlib
import os
import random
import re
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dp_lib as d  # noqa: E402

H2 = d.H2_IP
SRC = {'gcm': '2001:db8::1', 'null': '2001:db8::11', 'ah': '2001:db8::21',
       'sync': '2001:db8::31'}
SPI = {'gcm': 0x1000, 'null': 0x1001, 'ah': 0x1002, 'sync': 0x1003}
K = {'gcm': bytes(range(0x40, 0x54)), 'null': bytes(range(0x60, 0x80)),
     'ah': bytes(range(0x80, 0xa0)), 'sync': bytes(range(0x20, 0x34))}
PORT, SPORT, WINDOW = 4000, 5000, 64
BATCH = 250
# Differences by design: ipsec6 checks the ESP padding bytes (1, 2, 3, ...;
# RFC 4303 2.4: the receiver SHOULD) and drops them as BAD_PADDING, Linux
# esp6 does not look at them.  And a dummy packet (next header 59) whose
# ICV verifies moves ipsec6's replay window (RFC 4303 3.4.3: the window is
# updated once the ICV verifies; 2.6: dummy packets are then discarded),
# esp6 drops it before its window moves (esp6_input_done2: IPPROTO_NONE ->
# -EINVAL): a packet with the sequence number of such a dummy is a replay
# for ipsec6 only.  An attacker cannot use this: without the key, the
# only packet with that number is the dummy itself.  Last, AH followed
# by a Fragment header (AH next header 44) is taken for a fragment by
# nf_defrag_ipv6, which ipsec6 arms in h2 (fragments are reassembled before
# verification), and never completes: ipsec6's window does not see the
# number, esp6's does: a later packet with that number passes ipsec6 only.
# Following from the first: a packet ipsec6 drops for its padding does
# not move ipsec6's window (as esp6, which moves it only once ESP
# processing succeeded), but moves esp6's; when the numbers before it were
# dropped by both (a jump that neither accepted), esp6's window is then
# ahead of ipsec6's, and a replay it left a window behind passes ipsec6
# only (seed 1796581061, packet 31943).
KNOWN = ('pre:padbytes, pre:padlen dropped by ipsec6 only: ESP pad '
         'contents checked by ipsec6 only; replays of an ESP dummy packet '
         'dropped by ipsec6 only: its window took the dummy\'s number; '
         'replays of AH + Fragment header passed by ipsec6 only: '
         'nf_defrag_ipv6 held the first; replays passed by ipsec6 only a '
         'window behind a padding packet only XFRM took')
STACK_DROPS = ('Ip6InHdrErrors', 'Ip6InTruncatedPkts', 'Ip6InDiscards',
               'Ip6InUnknownProtos', 'Ip6InAddrErrors', 'Ip6InNoRoutes',
               'Udp6InErrors', 'Udp6InCsumErrors', 'Udp6NoPorts',
               'Udp6RcvbufErrors', 'Ip6ReasmFails')


def xfrm_cmds():
    """The same SAs and inbound policies for h3, as ip xfrm commands."""
    hx = {k: '0x' + v.hex() for k, v in K.items()}
    out = []
    for s in ('gcm', 'null', 'ah', 'sync'):
        st = ['ip', '-n', 'h3', 'xfrm', 'state', 'add', 'src', SRC[s],
              'dst', H2, 'proto', 'ah' if s == 'ah' else 'esp', 'spi',
              str(SPI[s]), 'mode', 'transport', 'replay-window',
              '0' if s == 'sync' else str(WINDOW)]
        if s in ('gcm', 'sync'):
            st += ['aead', 'rfc4106(gcm(aes))', hx[s], '128']
        else:
            st += ['auth-trunc', 'hmac(sha256)', hx[s], '128']
            if s == 'null':
                st += ['enc', 'ecb(cipher_null)', '']
        out.append(st)
        out.append(['ip', '-n', 'h3', 'xfrm', 'policy', 'add', 'src',
                    SRC[s] + '/128', 'dst', H2 + '/128', 'dir', 'in',
                    'tmpl', 'src', SRC[s], 'dst', H2, 'proto',
                    'ah' if s == 'ah' else 'esp', 'mode', 'transport'])
    return out


def setup_ipsec6(ctl):
    for i, s in enumerate(('gcm', 'null', 'ah', 'sync'), start=2):
        proto = d.AH_P if s == 'ah' else d.ESP_P
        ctl.policy(i, 'in', 'apply', remote=(SRC[s], SRC[s]),
                   local=(H2, H2), ipsec_proto=proto, mode=1)
        kw = dict(src=SRC[s], dir=d.DIR_IN, policy=i,
                  replay_window=0 if s == 'sync' else WINDOW)
        if s in ('gcm', 'sync'):
            kw.update(aead_name='rfc4106(gcm(aes))', aead_key=K[s],
                      icv_len=128)
        else:
            kw.update(auth_name='hmac(sha256)', auth_key=K[s], icv_len=128)
        ctl.sa(i, SPI[s], H2, proto, **kw)


class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)
        self.seq = {'gcm': 0, 'null': 0, 'ah': 0, 'sync': 0}
        self.sent_seqs = {'gcm': [], 'null': [], 'ah': []}
        self.first = {}         # (sa, seq) -> packet that used it first
        self.replay_of = {}     # replayed packet -> the first
        self.dummy = set()      # ESP packets with next header 59
        self.ah_frag = set()    # AH packets with next header 44
        self.seq_of = {}        # packet -> (sa, sequence number)

    def next_seq(self, s, i):
        r = self.r
        past = self.sent_seqs[s]
        x = r.random()
        if x < 0.03 and past:
            seq = r.choice(past[-100:])
            self.replay_of[i] = self.first[(s, seq)]
            return seq, 'replay'
        if x < 0.05:
            self.seq[s] += r.randint(2, 300)
            return self.seq[s], 'jump'
        if x < 0.06:
            return 0, 'seq0'
        self.seq[s] += 1
        return self.seq[s], ''

    def ext(self):
        """A chain of hop-by-hop / destination options headers."""
        r = self.r
        chain = []
        for i in range(r.randint(1, 3)):
            t = 0 if i == 0 and r.random() < 0.5 else 60
            opts = []
            for _ in range(r.randint(0, 3)):
                ot = r.choice([0, 1, 0x1e, 0x3e, 0x5e, 0x9e, 0xde, 0x7e])
                opts.append((ot, b'' if ot == 0 else
                             bytes(r.randrange(256)
                                   for _ in range(r.randint(0, 6)))))
            chain.append((t, opts))
        return chain

    def packet(self, i):
        """(frames, category, must_drop, incomplete)."""
        r = self.r
        s = r.choice(('gcm', 'gcm', 'null', 'ah'))
        marker = b'PF%08d' % i
        body = marker + bytes(r.randrange(256) for _ in
                              range(r.randint(0, 40)))
        inner = d.udp6(SRC[s], H2, SPORT, PORT, body)
        cats = []
        if r.random() < 0.02:
            pkt = d.ip6(SRC[s], H2, d.UDP, inner)
            return [pkt], 'cleartext', True, False
        pre = r.random() < 0.3
        m = r.randrange(7)
        # A packet ipsec6 drops for its padding (KNOWN) moves only XFRM's
        # window: it takes the next number, never a jump, and is never
        # replayed, so that the windows stay the same (unless the numbers
        # before it were dropped by both: KNOWN, xfrm_ahead()).
        # A pad length in range but not matching the pad (pre:padlen) is
        # such a packet too.
        padbytes = pre and m in (1, 2) and s != 'ah'
        if padbytes:
            self.seq[s] += 1
            seq, sc = self.seq[s], ''
        else:
            seq, sc = self.next_seq(s, i)
        if sc:
            cats.append(sc)
        self.seq_of[i] = (s, seq)
        if seq and not padbytes:
            self.sent_seqs[s].append(seq)
            self.first.setdefault((s, seq), i)
        nh = d.UDP
        ext = self.ext() if r.random() < 0.1 else ()
        if ext:
            cats.append('ext')
        hlim, tc, fl = 64, 0, 0
        pad = padlen = None
        if pre:
            if m == 0:
                nh = r.choice([59, 6, 58, 41, 0, 43, 44, 60, 50, 51, 255,
                               r.randrange(256)])
                cats.append('pre:nexthdr')
                if nh == 59 and s != 'ah':
                    self.dummy.add(i)
                if nh == 44 and s == 'ah':
                    self.ah_frag.add(i)
            elif m == 1 and s != 'ah':
                padlen = r.randrange(256)
                cats.append('pre:padlen')
            elif m == 2 and s != 'ah':
                n = r.randint(1, 12)
                pad = bytes(r.randrange(256) for _ in range(n))
                cats.append('pre:padbytes')
            elif m == 3:
                b = bytearray(inner)
                k = r.randrange(8)
                b[k] ^= 1 << r.randrange(8)
                inner = bytes(b)
                cats.append('pre:udphdr')
            elif m == 4:
                inner = inner[:r.randrange(len(inner))]
                cats.append('pre:truncinner')
            else:
                hlim, tc, fl = r.randrange(256), r.randrange(256), \
                    r.randrange(1 << 20)
                cats.append('pre:mutable')
        if s == 'ah':
            pkt = d.ah_packet(SRC[s], H2, SPI[s], seq, K[s], hashlib.sha256,
                              16, nh, inner, ext=ext, hlim=hlim, tc=tc,
                              fl=fl)
            first = pkt[6]
            payload = pkt[40:]
            # the chain's mutable option data is not covered by the ICV
            covered = len(d.ext_chain(ext, d.AH_P)[1]) if ext else 0
        else:
            plain = d.esp_trailer(inner, nh, 4, pad, padlen)
            if s == 'gcm':
                esp = d.esp_gcm(K[s], SPI[s], seq, plain,
                                iv=bytes(r.randrange(256) for _ in range(8)))
            else:
                esp = d.esp_hmac(K[s], hashlib.sha256, 16, SPI[s], seq,
                                 plain)
            first, chain = d.ext_chain(ext, d.ESP_P)
            payload = chain + esp
            covered = len(chain)     # ESP covers nothing in front of it
        must_drop = False
        if r.random() < 0.3:
            b = bytearray(payload)
            m = r.randrange(4)
            if m == 0:
                # distinct bits: two flips of one bit would undo each other
                flips = r.sample(range(8 * len(b)), r.randint(1, 3))
                for k in flips:
                    b[k // 8] ^= 1 << (k % 8)
                cats.append('post:bitflip')
                # flips only in the extension headers in front may pass
                hit = max(flips) // 8 >= covered
            elif m == 1:
                del b[r.randrange(len(b)):]
                cats.append('post:truncate')
            elif m == 2:
                b += bytes(r.randrange(256) for _ in range(r.randint(1, 20)))
                cats.append('post:append')
            else:
                cats.append('post:plen')
            payload = bytes(b)
            if m == 0:
                must_drop = hit
            elif m != 3:
                must_drop = m != 2 or s != 'ah'
        pkt = d.ip6(SRC[s], H2, first, payload, hlim, tc, fl)
        if cats and cats[-1] == 'post:plen':
            b = bytearray(pkt)
            struct.pack_into('!H', b, 4, r.randrange(1 << 16))
            pkt = bytes(b)
        if r.random() < 0.05 and len(payload) > 24:
            cuts = sorted(r.sample(range(8, len(payload) - 8, 8),
                                   min(2, (len(payload) - 16) // 8)))
            frags = d.fragment(SRC[s], H2, first, payload, cuts,
                               r.randrange(1 << 32))
            incomplete = r.random() < 0.2
            if incomplete:
                del frags[r.randrange(len(frags))]
            r.shuffle(frags)
            cats.append('frag')
            return frags, ' '.join(cats) or 'valid', must_drop, incomplete
        return [pkt], ' '.join(cats) or 'valid', must_drop, False


def main():
    count = int(sys.argv[1])
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    tap = d.Tap()
    tap.plan(3)
    for c in xfrm_cmds():
        subprocess.run(c, check=True)
    ctl = d.Ctl('h2')
    setup_ipsec6(ctl)
    w2 = d.Wire('h1', 'v2')
    w3 = d.Wire('h1', 'v3')
    l2 = d.Listener(PORT, 'h2')
    l3 = d.Listener(PORT, 'h3')
    for lst in (l2, l3):
        lst.s.setsockopt(d.socket.SOL_SOCKET, d.socket.SO_RCVBUF, 1 << 22)
    gen = Gen(seed)
    seen = {}           # packet -> (category, ipsec6 delivered, XFRM's)

    def verdicts(a, b):
        return 'ipsec6 %s, XFRM %s' % ('delivered' if a else 'dropped',
                                       'delivered' if b else 'dropped')

    def window_ahead(j):
        """The packets since the one replay j repeats, of its SA, whose
        number is a window or more past j's: each may have moved a
        window beyond it."""
        sa, seq = gen.seq_of[j]
        return [k for k in range(gen.replay_of[j] + 1, j)
                if gen.seq_of.get(k, ('', 0))[0] == sa and
                gen.seq_of[k][1] - seq >= WINDOW]

    def origin(j):
        if j not in gen.replay_of:
            return ''
        o = gen.replay_of[j]
        c, a, b = seen[o]
        # Name those that both stacks dropped (one of them may still
        # have taken the number).
        later = [k for k in window_ahead(j) if not any(seen[k][1:])]
        return '; replays packet %d (%s): %s%s' % (
            o, c, verdicts(a, b),
            '; dropped by both since, a window ahead: %s' % ', '.join(
                '%d (%s)' % (k, seen[k][0]) for k in later[:5])
            if later else '')

    def xfrm_ahead(j):
        """j replays a number that a padding packet XFRM alone took
        (ipsec6 dropped it for its pad) left a window or more behind."""
        return j in gen.replay_of and any(
            not seen[k][1] and seen[k][2] and
            ('pre:padbytes' in seen[k][0] or 'pre:padlen' in seen[k][0])
            for k in window_ahead(j))

    def known_difference(j, key, a, b):
        """One of the differences KNOWN explains."""
        return ('pre:padbytes' in key or ('pre:padlen' in key and b) or
                (b and gen.replay_of.get(j) in gen.dummy) or
                (a and gen.replay_of.get(j) in gen.ah_frag) or
                (a and not b and xfrm_ahead(j)))

    s0, n0 = ctl.stats(), d.snmp6('h2')
    cats = {}
    mism = []
    leaks = []
    sent = frames = delivered2 = delivered3 = incomplete_n = 0
    sync_n = 0
    known = 0
    t0 = time.monotonic()
    gen_t = 0.0
    i = 0
    while i < count:
        n = min(BATCH, count - i)
        g0 = time.monotonic()
        batch = [gen.packet(i + k) for k in range(n)]
        gen_t += time.monotonic() - g0
        for frs, _, _, inc in batch:
            for f in frs:
                w2.send(f)
                w3.send(f)
                frames += 1
            incomplete_n += inc
        sync_n += 1
        gen.seq['sync'] += 1
        sync = b'SYNC%d' % sync_n
        sp = d.ip6(SRC['sync'], H2, d.ESP_P, d.esp_gcm(
            K['sync'], SPI['sync'], gen.seq['sync'], d.esp_trailer(
                d.udp6(SRC['sync'], H2, SPORT, PORT, sync), d.UDP)))
        w2.send(sp)
        w3.send(sp)
        got = {}
        for name, lst in (('h2', l2), ('h3', l3)):
            idx = set()
            synced = False
            end = time.monotonic() + 20
            while time.monotonic() < end:
                rr = lst.recv(0.5)
                if rr is None:
                    continue
                if rr[0] == sync:
                    synced = True
                    break
                m = re.match(rb'PF(\d{8})', rr[0])
                if m:
                    idx.add(int(m.group(1)))
            idx |= {int(m.group(1)) for m in
                    (re.match(rb'PF(\d{8})', x[0]) for x in lst.drain())
                    if m}
            if not synced:
                tap.diag('%s: batch %d: no sync packet' % (name, sync_n))
            got[name] = idx
        for k, (frs, cat, must_drop, inc) in enumerate(batch):
            j = i + k
            a, b = j in got['h2'], j in got['h3']
            seen[j] = (cat, a, b)
            key = cat.split(' ')
            for c in key:
                st = cats.setdefault(c, [0, 0, 0])
                st[0] += 1
                st[1] += a
                st[2] += (a != b)
            if a != b and known_difference(j, key, a, b):
                known += 1
            elif a != b:
                mism.append((j, cat, a, b))
            if a and (must_drop or cat == 'cleartext'):
                leaks.append((j, cat))
        delivered2 += len(got['h2'])
        delivered3 += len(got['h3'])
        sent += n
        i += n
    secs = time.monotonic() - t0
    s1, n1 = ctl.stats(), d.snmp6('h2')
    drops = d.delta(s0, s1)
    stack = {k: v for k, v in d.delta(n0, n1).items() if k in STACK_DROPS}
    mod_drops = sum(drops.values())
    tap.diag('%d packets (%d frames) to each of ipsec6 and XFRM in %.0f s '
             '(%.0f s generating), seed %d' % (sent, frames, secs, gen_t,
                                               seed))
    tap.diag('delivered: ipsec6 %d, XFRM %d' % (delivered2, delivered3))
    tap.diag('ipsec6 drops: %s' % d.delta(s0, s1))
    tap.diag('IPv6 stack drops in h2: %s' % stack)
    tap.diag('category: packets / delivered by ipsec6 / verdicts differ')
    for c in sorted(cats):
        tap.diag('  %-16s %7d %7d %5d' % ((c,) + tuple(cats[c])))
    tap.diag('known differences (%s): %d' % (KNOWN, known))
    tap.ok(not mism, 'every verdict of ipsec6 equals XFRM\'s (%d packets)' %
           sent, '\n'.join('packet %d (%s%s): %s' %
                           (j, c, origin(j), verdicts(a, b))
                           for j, c, a, b in mism[:40]) +
           ('\n... %d in all' % len(mism) if len(mism) > 40 else ''))
    tap.ok(not leaks, 'no cleartext, no packet with a broken ICV reached a '
           'socket', '\n'.join('packet %d (%s)' % x for x in leaks[:20]))
    lost = sent - delivered2 - incomplete_n
    tap.ok(mod_drops <= sent - delivered2 and
           mod_drops + sum(stack.values()) >= lost,
           'the counters add up: %d not delivered (%d incomplete fragment '
           'sets aside) <= %d ipsec6 drops + %d IPv6 stack drops' %
           (lost, incomplete_n, mod_drops, sum(stack.values())),
           'ipsec6 drops %d, packets not delivered %d' %
           (mod_drops, sent - delivered2))
    sys.exit(1 if tap.failed else 0)


if __name__ == '__main__':
    main()
