#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""UDP sockets and packets for tests/27-encap.sh (ESP in UDP, RFC 3948).

  encap_helper.py recv PORT SECONDS FILE [--register]
      bind [::]:PORT (no UDP_ENCAP option), optionally registered with
      ipsec6's SOCKET_BYPASS; print "ready"; append each datagram's hex to
      FILE, one a line; exit after SECONDS
  encap_helper.py xfrm PORT SECONDS
      bind [::]:PORT with UDP_ENCAP espinudp, as an IKE daemon does for
      Linux XFRM (its packets then go to XFRM); print "ready"; sleep
  encap_helper.py send ADDR PORT HEX
      send the bytes HEX in one datagram to [ADDR]:PORT
  encap_helper.py esp ADDR HEX
      send the bytes HEX as bare ESP (next header 50) to ADDR
"""
import socket
import sys
import time

from bypass_helper import register

SOL_UDP = 17
UDP_ENCAP = 100
UDP_ENCAP_ESPINUDP = 2


def main():
    mode, args = sys.argv[1], sys.argv[2:]
    if mode == 'send':
        s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        s.sendto(bytes.fromhex(args[2]), (args[0], int(args[1])))
        return 0
    if mode == 'esp':
        s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, 50)
        s.sendto(bytes.fromhex(args[1]), (args[0], 0))
        return 0
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    if mode == 'xfrm':
        s.setsockopt(SOL_UDP, UDP_ENCAP, UDP_ENCAP_ESPINUDP)
    s.bind(('::', int(args[0])))
    if '--register' in args:
        register(s, 0)
    print('ready', flush=True)
    if mode == 'xfrm':
        time.sleep(float(args[1]))
        return 0
    s.settimeout(float(args[1]))
    with open(args[2], 'a', encoding='ascii') as f:
        try:
            while True:
                data, _ = s.recvfrom(65536)
                f.write(data.hex() + '\n')
                f.flush()
        except socket.timeout:
            return 0


if __name__ == '__main__':
    sys.exit(main())
