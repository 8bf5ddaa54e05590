// SPDX-License-Identifier: GPL-2.0
/*
 * udpflood - small UDP datagrams as fast as sendmmsg() goes, or count them.
 *
 *   udpflood send ADDR PORT SECONDS [SIZE]   prints "sent N pps R"
 *   udpflood recv PORT SECONDS               prints "received N pps R"
 *
 * Built by scripts/bench.sh, not by make.  IPv6 only.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int usage(void)
{
	fprintf(stderr, "usage: udpflood send ADDR PORT SECONDS [SIZE]\n"
			"       udpflood recv PORT SECONDS\n");
	return 2;
}

static int do_send(const char *addr, int port, double secs, int size)
{
	static char buf[BATCH][2048];
	struct mmsghdr msg[BATCH];
	struct iovec iov[BATCH];
	struct sockaddr_in6 sa;
	unsigned long long sent = 0;
	double t0, t;
	int fd, i, n;

	memset(&sa, 0, sizeof(sa));
	sa.sin6_family = AF_INET6;
	sa.sin6_port = htons(port);
	if (inet_pton(AF_INET6, addr, &sa.sin6_addr) != 1)
		return usage();
	fd = socket(AF_INET6, SOCK_DGRAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("udpflood: socket");
		return 1;
	}
	memset(msg, 0, sizeof(msg));
	for (i = 0; i < BATCH; i++) {
		memset(buf[i], 'x', size);
		iov[i].iov_base = buf[i];
		iov[i].iov_len = size;
		msg[i].msg_hdr.msg_iov = &iov[i];
		msg[i].msg_hdr.msg_iovlen = 1;
	}
	t0 = now();
	do {
		for (i = 0; i < 16; i++) {
			n = sendmmsg(fd, msg, BATCH, 0);
			if (n > 0)
				sent += n;
			else if (n < 0 && errno != ENOBUFS && errno != EAGAIN &&
				 errno != ECONNREFUSED && errno != EPERM) {
				perror("udpflood: sendmmsg");
				return 1;
			}
		}
		t = now() - t0;
	} while (t < secs);
	printf("sent %llu pps %.0f\n", sent, sent / t);
	return 0;
}

static int do_recv(int port, double secs)
{
	static char buf[BATCH][2048];
	struct mmsghdr msg[BATCH];
	struct iovec iov[BATCH];
	struct sockaddr_in6 sa;
	unsigned long long got = 0;
	struct timeval tv = { 0, 200000 };
	int fd, i, n, rcvbuf = 4 << 20;
	double t0, t;

	memset(&sa, 0, sizeof(sa));
	sa.sin6_family = AF_INET6;
	sa.sin6_port = htons(port);
	fd = socket(AF_INET6, SOCK_DGRAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("udpflood: bind");
		return 1;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	memset(msg, 0, sizeof(msg));
	for (i = 0; i < BATCH; i++) {
		iov[i].iov_base = buf[i];
		iov[i].iov_len = sizeof(buf[i]);
		msg[i].msg_hdr.msg_iov = &iov[i];
		msg[i].msg_hdr.msg_iovlen = 1;
	}
	t0 = now();
	do {
		n = recvmmsg(fd, msg, BATCH, 0, NULL);
		if (n > 0)
			got += n;
		t = now() - t0;
	} while (t < secs);
	printf("received %llu pps %.0f\n", got, got / t);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 5 && !strcmp(argv[1], "send"))
		return do_send(argv[2], atoi(argv[3]), atof(argv[4]),
			       argc > 5 ? atoi(argv[5]) : 64);
	if (argc == 4 && !strcmp(argv[1], "recv"))
		return do_recv(atoi(argv[2]), atof(argv[3]));
	return usage();
}
