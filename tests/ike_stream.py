#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""A numbered UDP stream for tests/ike_lib.sh (ike_stream_start).

  ike_stream.py recv PORT OUT N TIMEOUT
                                       count distinct datagrams; OUT.ready
                                       once bound; OUT gets the count once
                                       all N came, or after TIMEOUT seconds
  ike_stream.py send DST PORT N RATE   datagrams 0..N-1, RATE per second
"""
import socket
import sys
import time


def recv(port, out, n, timeout):
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.bind(("::", port))
    open(out + ".ready", "w").close()
    seen = set()
    end = time.monotonic() + timeout
    try:
        while len(seen) < n:
            left = end - time.monotonic()
            if left <= 0:
                break
            s.settimeout(left)
            data, _ = s.recvfrom(2048)
            seen.add(data.split(b" ")[0])
    except socket.timeout:
        pass
    with open(out, "w") as f:
        f.write("%d\n" % len(seen))


def send(dst, port, n, rate):
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    start = time.monotonic()
    pad = b"x" * 64
    for i in range(n):
        delay = start + i / rate - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        try:
            s.sendto(b"%d " % i + pad, (dst, port))
        except OSError:
            pass        # dropped by the policy (no SA yet): counted as lost


def main():
    if sys.argv[1] == "recv":
        recv(int(sys.argv[2]), sys.argv[3], int(sys.argv[4]),
             float(sys.argv[5]))
    else:
        send(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]),
             float(sys.argv[5]))


if __name__ == "__main__":
    main()
