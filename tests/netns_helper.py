#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Helpers for tests/11-netns.sh, run in the namespace to act on:

  netns_helper.py summary [NS...]      JSON: policies, SAs, generation, and
                                       whether the SPD is the default alone
                                       (one line per namespace)
  netns_helper.py populate NPOL NSA [NS...]
                                       one transaction per namespace: NPOL
                                       policies (APPLY and BYPASS) and NSA
                                       SAs cycling through the algorithms;
                                       then its summary
  netns_helper.py hold-txn NSA         open a transaction, stage NSA SAs,
                                       print "ready", then wait to be killed
NS is a name under /run/netns, or "-" for the namespace the helper started
in; without NS, that one.  One process for several namespaces saves the
interpreter start-ups (slow under TCG).
"""
import ctypes
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ynl_ipsec6 as nl  # noqa: E402
from ynl_ipsec6 import C  # noqa: E402

ALGS = [
    (51, dict(auth_name='hmac(sha256)', auth_key=bytes(range(32)))),
    (50, dict(auth_name='hmac(sha1)', auth_key=bytes(20),
              enc_name='cbc(aes)', enc_key=bytes(16))),
    (50, dict(aead_name='rfc4106(gcm(aes))', aead_key=bytes(20),
              icv_len=128)),
    (51, dict(aead_name='rfc4543(gcm(aes))', aead_key=bytes(20),
              icv_len=128)),
    (50, dict(aead_name='rfc7539esp(chacha20,poly1305)', aead_key=bytes(36),
              icv_len=128)),
    (50, dict(auth_name='hmac(sha512)', auth_key=bytes(64))),
]


def CMD(n):
    return C['IPSEC6_CMD_' + n]


def summary(g):
    out = {'policies': 0, 'sas': 0, 'generation': None, 'default': False}
    r = g.dump(CMD('POLICY_GET'))
    pols = nl.nests(r, C['IPSEC6_A_POLICY'])
    out['policies'] = len(pols)
    for _, _, a in r.msgs:
        out['generation'] = nl.num(a, C['IPSEC6_A_GENERATION'])
    if len(pols) == 1:
        p = pols[0]
        out['default'] = (
            {t: nl.num(p, t) for t in p
             if t not in (C['IPSEC6_POLICY_A_COUNTS'],
                          C['IPSEC6_POLICY_A_LAST_USED'])}
            == {C['IPSEC6_POLICY_A_INDEX']: 1,
                C['IPSEC6_POLICY_A_PRIORITY']: 0,
                C['IPSEC6_POLICY_A_DIR']: 3,
                C['IPSEC6_POLICY_A_ACTION']: 0,
                C['IPSEC6_POLICY_A_IFINDEX']: 0})
    r = g.dump(CMD('SA_GET'))
    out['sas'] = len(r.msgs)
    out['error'] = r.error
    return out


def stage(g, npol, nsa):
    reqs = []
    for i in range(2, npol + 2):
        if i % 2:
            reqs.append((CMD('POLICY_NEW'), nl.policy_attrs(
                i, 'out', 'apply', ipsec_proto=50, mode=1, priority=i % 7,
                remote=('2001:db8::%x' % i, '2001:db8::%x' % i))))
        else:
            reqs.append((CMD('POLICY_NEW'), nl.policy_attrs(
                i, 'bidirect', 'bypass', proto=6, local_port=(i, i))))
    for i in range(1, nsa + 1):
        proto, algs = ALGS[i % len(ALGS)]
        reqs.append((CMD('SA_NEW'), nl.sa_attrs(
            i, 0x1000 + i, '2001:db8:1::%x' % i, proto, keyfile='k%d' % i,
            **algs)))
    rs = g.batch(reqs)
    bad = [(i, r.error, r.msg) for i, r in enumerate(rs) if r.error]
    if bad:
        raise SystemExit('rejected: %r' % bad[:3])


CLONE_NEWNET = 0x40000000
_libc = ctypes.CDLL(None, use_errno=True)
_home = os.open('/proc/self/ns/net', os.O_RDONLY)


_moved = False


def enter(ns):
    """Make ns (a /run/netns name, or "-") the namespace of new sockets."""
    global _moved
    if ns == '-' and not _moved:
        return
    _moved = True
    fd = _home if ns == '-' else os.open('/run/netns/' + ns, os.O_RDONLY)
    if _libc.setns(fd, CLONE_NEWNET) != 0:
        e = ctypes.get_errno()
        raise OSError(e, 'setns %s: %s' % (ns, os.strerror(e)))
    if fd != _home:
        os.close(fd)


def main():
    cmd = sys.argv[1]
    if cmd == 'summary':
        for ns in sys.argv[2:] or ['-']:
            enter(ns)
            g = nl.Genl()
            print(json.dumps(summary(g), sort_keys=True))
            g.close()
    elif cmd == 'populate':
        for ns in sys.argv[4:] or ['-']:
            enter(ns)
            g = nl.Genl()
            r = g.request(CMD('TXN_BEGIN'))
            if r.error:
                raise SystemExit('TXN_BEGIN: %d %s' % (r.error, r.msg))
            stage(g, int(sys.argv[2]), int(sys.argv[3]))
            r = g.request(CMD('TXN_COMMIT'))
            if r.error:
                raise SystemExit('TXN_COMMIT: %d %s' % (r.error, r.msg))
            print(json.dumps(summary(g), sort_keys=True))
            g.close()
    elif cmd == 'hold-txn':
        g = nl.Genl()
        r = g.request(CMD('TXN_BEGIN'))
        if r.error:
            raise SystemExit('TXN_BEGIN: %d %s' % (r.error, r.msg))
        stage(g, 10, int(sys.argv[2]))
        print('ready', flush=True)
        while True:
            time.sleep(60)
    else:
        raise SystemExit('unknown command ' + cmd)


if __name__ == '__main__':
    main()
