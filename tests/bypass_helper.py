#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""A UDP socket for tests/26-ike.sh, optionally registered with ipsec6's
SOCKET_BYPASS (its SO_COOKIE), as an IKE daemon registers its own.

  bypass_helper.py serve PORT SECONDS [--register] [--owner N]
      bind [::]:PORT, answer every datagram with "pong " + it, print
      "ready" once listening (and registered); exit after SECONDS
  bypass_helper.py send ADDR PORT [--register] [--owner N] [--flush]
      send "ping" to [ADDR]:PORT from a fresh socket; exit 0 and print the
      answer if one comes within 2 seconds, else exit 1.  With --flush,
      after an answer: SA_FLUSH with the owner, and the same socket tries
      again; exit 0 only if the second try gets no answer

Uses YNL (the kernel's netlink library) on Documentation/netlink/ipsec6.yaml.
"""
import argparse
import os
import socket
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SPEC = os.path.join(HERE, '..', 'Documentation', 'netlink', 'ipsec6.yaml')
YNL = os.environ.get('IPSEC6_YNL',
                     '/var/cache/ipsec6/ynl/linux-source-6.12/tools/net/ynl')
SO_COOKIE = 57


def ynl():
    sys.path.insert(0, YNL)
    from lib import YnlFamily  # noqa: E402
    return YnlFamily(SPEC, schema='')


def register(sock, owner):
    cookie = int.from_bytes(sock.getsockopt(socket.SOL_SOCKET, SO_COOKIE, 8),
                            sys.byteorder)
    ynl().do('socket-bypass', {'socket-cookie': cookie, 'owner': owner})
    return cookie


def exchange(s, addr, port):
    s.settimeout(2)
    try:
        s.sendto(b'ping', (addr, port))
        data, _ = s.recvfrom(2048)
    except socket.timeout:
        return None
    except OSError as e:
        # A packet ipsec6 drops on the way out fails the send (EPERM).
        print('send: %s' % e)
        return None
    return data.decode()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('mode', choices=('serve', 'send'))
    ap.add_argument('args', nargs='+')
    ap.add_argument('--register', action='store_true')
    ap.add_argument('--owner', type=lambda v: int(v, 0), default=0)
    ap.add_argument('--flush', action='store_true')
    a = ap.parse_args()
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    if a.mode == 'serve':
        s.bind(('::', int(a.args[0])))
    if a.register:
        register(s, a.owner)
    if a.mode == 'serve':
        print('ready', flush=True)
        s.settimeout(float(a.args[1]))
        try:
            while True:
                data, peer = s.recvfrom(2048)
                s.sendto(b'pong ' + data, peer)
        except socket.timeout:
            return 0
    answer = exchange(s, a.args[0], int(a.args[1]))
    print('answer: %s' % answer)
    if not answer:
        return 1
    if a.flush:
        ynl().do('sa-flush', {'owner': a.owner})
        answer = exchange(s, a.args[0], int(a.args[1]))
        print('after SA_FLUSH with owner %#x: %s' % (a.owner, answer))
        return 1 if answer else 0
    return 0


if __name__ == '__main__':
    sys.exit(main())
