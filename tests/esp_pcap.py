#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""ESP in a capture (libpcap format, DLT_EN10MB), for tests/28-sa-update.sh.

  esp_pcap.py seqs PCAP SRC SPI
      The ESP packets from SRC with SPI (decimal or 0x hex) right behind
      the IPv6 header: "PACKETS DISTINCT HIGHEST" of their sequence numbers.
  esp_pcap.py resend NS IFACE PCAP SRC SPI
      Sends the last of those frames again on IFACE of namespace NS (a
      packet socket): a replay of a packet seen on the wire.  Prints its
      sequence number; exits 1 if there is none.
"""
import ctypes
import os
import socket
import struct
import sys

CLONE_NEWNET = 0x40000000
ETH_P_IPV6 = 0x86dd


def frames(path):
    with open(path, 'rb') as f:
        data = f.read()
    magic = struct.unpack_from('<I', data)[0]
    if magic in (0xa1b2c3d4, 0xa1b23c4d):
        end = '<'
    elif magic in (0xd4c3b2a1, 0x4d3cb2a1):
        end = '>'
    else:
        raise SystemExit('%s: not a pcap file' % path)
    if struct.unpack_from(end + 'I', data, 20)[0] != 1:
        raise SystemExit('%s: not an Ethernet capture' % path)
    off = 24
    while off + 16 <= len(data):
        caplen, wirelen = struct.unpack_from(end + 'II', data, off + 8)
        off += 16
        if caplen == wirelen:
            yield data[off:off + caplen]
        off += caplen


def esp_frames(path, src, spi):
    src = socket.inet_pton(socket.AF_INET6, src)
    for fr in frames(path):
        if len(fr) < 14 + 40 + 8 or struct.unpack_from('!H', fr, 12)[0] != ETH_P_IPV6:
            continue
        ip = fr[14:]
        if ip[6] == 50 and ip[8:24] == src and \
                struct.unpack_from('!I', ip, 40)[0] == spi:
            yield fr


def seq(fr):
    return struct.unpack_from('!I', fr, 14 + 44)[0]


def main():
    cmd = sys.argv[1]
    if cmd == 'seqs':
        path, src, spi = sys.argv[2:5]
        seqs = [seq(fr) for fr in esp_frames(path, src, int(spi, 0))]
        print(len(seqs), len(set(seqs)), max(seqs) if seqs else 'none')
        return
    ns, iface, path, src, spi = sys.argv[2:7]
    last = None
    for last in esp_frames(path, src, int(spi, 0)):
        pass
    if last is None:
        print('no ESP frame of SPI %s from that source' % spi)
        sys.exit(1)
    libc = ctypes.CDLL(None, use_errno=True)
    fd = os.open('/run/netns/' + ns, os.O_RDONLY)
    if libc.setns(fd, CLONE_NEWNET) != 0:
        raise SystemExit('setns %s: %s' % (ns, os.strerror(ctypes.get_errno())))
    os.close(fd)
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_IPV6))
    s.bind((iface, ETH_P_IPV6))
    s.send(last)
    print(seq(last))


if __name__ == '__main__':
    main()
