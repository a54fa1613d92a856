/*
 * delayer.c - hold every packet of one or more NFQUEUE queues for a fixed
 * delay, then ACCEPT it. Stands in for `tc qdisc ... netem delay` on kernels
 * without netem (see README.md in this folder).
 *
 *   delayer -d MS [-b RCVBUF] [-m MAXLEN] [-F] [-v] QUEUE...
 *
 *   -d MS      one-way delay in milliseconds (float: 0.5, 10, 12.25)
 *   -b BYTES   netlink socket receive buffer per queue (default 16 MiB)
 *   -m N       kernel queue length per queue (default 65536)
 *   -F         fail-open: the kernel ACCEPTs (undelayed) instead of dropping
 *              when a kernel queue is full
 *   -v         print a line per queue when bound
 *   QUEUE      a queue number N or a range A-B; one thread per queue
 *
 * Design, per queue (one thread each, no shared state on the hot path):
 *   - copy mode NFQNL_COPY_META (no payload is copied, only the metadata that
 *     carries the packet id) and NFQA_CFG_F_GSO (GSO super-packets are queued
 *     whole instead of being segmented by the kernel first);
 *   - a large receive buffer and NETLINK_NO_ENOBUFS; messages are read with
 *     recvmmsg() in batches;
 *   - a FIFO ring of (packet id, release time). All packets of a queue get the
 *     same delay, so the FIFO is ordered by release time and by id (the kernel
 *     numbers the packets of a queue in increasing order);
 *   - one timerfd (CLOCK_MONOTONIC, absolute) armed for the head of the FIFO;
 *     the thread sleeps in poll() on the socket, the timer and a stop eventfd:
 *     no busy waiting;
 *   - when packets are due, ONE batch verdict (nfq_set_verdict_batch) accepts
 *     every packet with id <= the newest due id. A packet whose message was
 *     lost in a socket overrun has a smaller id and is thereby released by the
 *     next batch instead of being stuck.
 * SIGINT/SIGTERM: every thread accepts what it still holds, unbinds, and the
 * main thread prints one summary line.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <linux/netfilter.h>
#include <linux/netlink.h>
#include <libnetfilter_queue/libnetfilter_queue.h>

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif
#ifndef NETLINK_NO_ENOBUFS
#define NETLINK_NO_ENOBUFS 5
#endif

#define MAX_QUEUES 64
#define RX_BATCH 64
#define RX_BUFSZ 4096

struct held {
	uint32_t id;
	uint64_t due_ns;
};

struct qctx {
	uint16_t num;
	pthread_t thread;
	struct nfq_handle *h;
	struct nfq_q_handle *qh;
	int fd;
	int tfd;
	/* FIFO ring, capacity is a power of two */
	struct held *ring;
	size_t cap, head, count;
	uint64_t armed_ns; /* release time the timer is armed for, 0 = none */
	uint64_t now_ns;   /* arrival time stamped on packets being parsed */
	/* statistics */
	uint64_t delayed, verdicts, max_held, rx_errors, parse_errors;
	int failed;
};

static uint64_t g_delay_ns;
static int g_stopfd = -1;
static pthread_t g_main;

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void die(const char *fmt, const char *arg)
{
	fprintf(stderr, "delayer: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n");
	exit(2);
}

static int ring_push(struct qctx *q, uint32_t id, uint64_t due)
{
	if (q->count == q->cap) {
		size_t ncap = q->cap * 2;
		struct held *n = malloc(ncap * sizeof(*n));
		if (!n)
			return -1;
		for (size_t i = 0; i < q->count; i++)
			n[i] = q->ring[(q->head + i) & (q->cap - 1)];
		free(q->ring);
		q->ring = n;
		q->cap = ncap;
		q->head = 0;
	}
	q->ring[(q->head + q->count) & (q->cap - 1)] = (struct held){ id, due };
	q->count++;
	if (q->count > q->max_held)
		q->max_held = q->count;
	return 0;
}

static int on_packet(struct nfq_q_handle *qh, struct nfgenmsg *msg,
		     struct nfq_data *nfa, void *data)
{
	(void)qh;
	(void)msg;
	struct qctx *q = data;
	struct nfqnl_msg_packet_hdr *ph = nfq_get_msg_packet_hdr(nfa);
	if (!ph) {
		q->parse_errors++;
		return 0;
	}
	uint32_t id = ntohl(ph->packet_id);
	if (ring_push(q, id, q->now_ns + g_delay_ns) < 0) {
		/* out of memory: let it through now rather than hold it forever */
		nfq_set_verdict(q->qh, id, NF_ACCEPT, 0, NULL);
		q->verdicts++;
	}
	q->delayed++;
	return 0;
}

/* Accept everything that is due (or everything, if all != 0). */
static void release(struct qctx *q, int all)
{
	if (q->count == 0)
		return;
	uint64_t now = all ? UINT64_MAX : now_ns();
	size_t n = 0;
	uint32_t last = 0;
	while (n < q->count) {
		struct held *e = &q->ring[(q->head + n) & (q->cap - 1)];
		if (e->due_ns > now)
			break;
		last = e->id;
		n++;
	}
	if (n == 0)
		return;
	if (nfq_set_verdict_batch(q->qh, last, NF_ACCEPT) < 0)
		q->rx_errors++;
	q->verdicts++;
	q->head = (q->head + n) & (q->cap - 1);
	q->count -= n;
}

static void arm(struct qctx *q)
{
	if (q->count == 0)
		return; /* a stale expiry only causes one empty wake-up */
	uint64_t due = q->ring[q->head].due_ns;
	if (due == q->armed_ns)
		return;
	struct itimerspec its = { 0 };
	its.it_value.tv_sec = (time_t)(due / 1000000000ull);
	its.it_value.tv_nsec = (long)(due % 1000000000ull);
	if (timerfd_settime(q->tfd, TFD_TIMER_ABSTIME, &its, NULL) == 0)
		q->armed_ns = due;
}

static void *run_queue(void *arg)
{
	struct qctx *q = arg;
	char (*bufs)[RX_BUFSZ] = malloc(RX_BATCH * RX_BUFSZ);
	struct mmsghdr msgs[RX_BATCH];
	struct iovec iov[RX_BATCH];

	prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0); /* 1 ns: wake on time */
	if (!bufs) {
		perror("delayer: malloc");
		q->failed = 1;
		pthread_kill(g_main, SIGTERM);
		return NULL;
	}

	for (int i = 0; i < RX_BATCH; i++) {
		iov[i].iov_base = bufs[i];
		iov[i].iov_len = RX_BUFSZ;
		memset(&msgs[i], 0, sizeof(msgs[i]));
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}

	struct pollfd pfd[3] = {
		{ .fd = q->fd, .events = POLLIN },
		{ .fd = q->tfd, .events = POLLIN },
		{ .fd = g_stopfd, .events = POLLIN },
	};

	for (;;) {
		int r = poll(pfd, 3, -1);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			perror("delayer: poll");
			q->failed = 1;
			break;
		}
		if (pfd[2].revents)
			break;
		if (pfd[1].revents & POLLIN) {
			uint64_t exp;
			if (read(q->tfd, &exp, sizeof(exp)) > 0)
				q->armed_ns = 0;
		}
		if (pfd[0].revents & (POLLIN | POLLERR)) {
			/* drain the socket, releasing due packets between batches */
			for (int rounds = 0; rounds < 64; rounds++) {
				int n = recvmmsg(q->fd, msgs, RX_BATCH, MSG_DONTWAIT, NULL);
				if (n < 0) {
					if (errno == EAGAIN || errno == EWOULDBLOCK)
						break;
					if (errno == EINTR || errno == ENOBUFS) {
						q->rx_errors++;
						continue;
					}
					perror("delayer: recvmmsg");
					q->failed = 1;
					goto out;
				}
				q->now_ns = now_ns();
				for (int i = 0; i < n; i++)
					nfq_handle_packet(q->h, bufs[i], (int)msgs[i].msg_len);
				release(q, 0);
				if (n < RX_BATCH)
					break;
			}
		}
		release(q, 0);
		arm(q);
	}
out:
	release(q, 1); /* hand back everything still held, undelayed */
	free(bufs);
	if (q->failed)
		pthread_kill(g_main, SIGTERM);
	return NULL;
}

static int setup_queue(struct qctx *q, int rcvbuf, uint32_t maxlen, int fail_open)
{
	q->h = nfq_open();
	if (!q->h) {
		fprintf(stderr, "delayer: nfq_open: %s\n", strerror(errno));
		return -1;
	}
	q->qh = nfq_create_queue(q->h, q->num, on_packet, q);
	if (!q->qh) {
		fprintf(stderr, "delayer: cannot bind queue %u: %s (another listener?)\n",
			q->num, strerror(errno));
		return -1;
	}
	if (nfq_set_mode(q->qh, NFQNL_COPY_META, 0) < 0 &&
	    nfq_set_mode(q->qh, NFQNL_COPY_PACKET, 0) < 0) {
		fprintf(stderr, "delayer: set copy mode on queue %u failed\n", q->num);
		return -1;
	}
	uint32_t flags = NFQA_CFG_F_GSO | (fail_open ? NFQA_CFG_F_FAIL_OPEN : 0);
	if (nfq_set_queue_flags(q->qh, NFQA_CFG_F_GSO | NFQA_CFG_F_FAIL_OPEN, flags) < 0)
		fprintf(stderr, "delayer: queue %u: queue flags not supported, continuing\n", q->num);
	if (nfq_set_queue_maxlen(q->qh, maxlen) < 0)
		fprintf(stderr, "delayer: queue %u: cannot set maxlen %u\n", q->num, maxlen);
	q->fd = nfq_fd(q->h);
	nfnl_rcvbufsiz(nfq_nfnlh(q->h), (unsigned int)rcvbuf);
	int one = 1;
	if (setsockopt(q->fd, SOL_NETLINK, NETLINK_NO_ENOBUFS, &one, sizeof(one)) < 0)
		fprintf(stderr, "delayer: NETLINK_NO_ENOBUFS: %s\n", strerror(errno));
	q->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (q->tfd < 0) {
		perror("delayer: timerfd_create");
		return -1;
	}
	q->cap = 4096;
	while (q->cap < maxlen && q->cap < (1u << 20))
		q->cap <<= 1;
	q->ring = malloc(q->cap * sizeof(*q->ring));
	if (!q->ring) {
		perror("delayer: malloc");
		return -1;
	}
	return 0;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: delayer -d MS [-b RCVBUF_BYTES] [-m MAXLEN] [-F] [-v] QUEUE...\n"
		"  QUEUE is a number or a range A-B (0..65535); one thread per queue\n");
	exit(2);
}

static long parse_long(const char *s, long lo, long hi, const char *what)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		die("bad %s", what);
	return v;
}

int main(int argc, char **argv)
{
	double delay_ms = -1;
	int rcvbuf = 16 << 20;
	long maxlen = 65536;
	int fail_open = 0, verbose = 0, opt;

	while ((opt = getopt(argc, argv, "d:b:m:Fvh")) != -1) {
		switch (opt) {
		case 'd': {
			char *end;
			delay_ms = strtod(optarg, &end);
			if (end == optarg || *end || delay_ms < 0 || delay_ms > 60000)
				die("bad delay '%s' (milliseconds, 0..60000)", optarg);
			break;
		}
		case 'b':
			rcvbuf = (int)parse_long(optarg, 65536, INT_MAX, "receive buffer size");
			break;
		case 'm':
			maxlen = parse_long(optarg, 1, 1 << 24, "maxlen");
			break;
		case 'F':
			fail_open = 1;
			break;
		case 'v':
			verbose = 1;
			break;
		default:
			usage();
		}
	}
	if (delay_ms < 0 || optind >= argc)
		usage();
	g_delay_ns = (uint64_t)(delay_ms * 1e6 + 0.5);

	static struct qctx qs[MAX_QUEUES];
	int nq = 0;
	for (int i = optind; i < argc; i++) {
		char spec[32];
		long a, b;
		if (strlen(argv[i]) >= sizeof(spec))
			die("bad queue '%s'", argv[i]);
		strcpy(spec, argv[i]);
		char *dash = strchr(spec, '-');
		if (dash) {
			*dash = '\0';
			a = parse_long(spec, 0, 65535, "queue number");
			b = parse_long(dash + 1, 0, 65535, "queue number");
		} else {
			a = b = parse_long(spec, 0, 65535, "queue number");
		}
		if (b < a)
			usage();
		for (long n = a; n <= b; n++) {
			if (nq == MAX_QUEUES)
				die("too many queues (max %s)", "64");
			for (int k = 0; k < nq; k++)
				if (qs[k].num == n)
					die("queue listed twice: %s", argv[i]);
			qs[nq++].num = (uint16_t)n;
		}
	}

	/* all threads inherit this mask: only the main thread takes signals */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	g_main = pthread_self();

	g_stopfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (g_stopfd < 0) {
		perror("delayer: eventfd");
		return 1;
	}
	for (int i = 0; i < nq; i++) {
		if (setup_queue(&qs[i], rcvbuf, (uint32_t)maxlen, fail_open) < 0)
			return 1; /* process exit unbinds what was bound */
		if (verbose)
			fprintf(stderr, "delayer: queue %u bound\n", qs[i].num);
	}
	int started = 0;
	for (int i = 0; i < nq; i++) {
		if (pthread_create(&qs[i].thread, NULL, run_queue, &qs[i]) != 0) {
			fprintf(stderr, "delayer: pthread_create failed\n");
			break;
		}
		started++;
	}
	if (started == nq) {
		fprintf(stderr, "delayer: ready delay_ms=%g queues=%d\n", delay_ms, nq);
		int sig = 0;
		sigwait(&set, &sig);
	}

	uint64_t one = 1;
	if (write(g_stopfd, &one, sizeof(one)) < 0)
		perror("delayer: eventfd write");
	int failed = started != nq;
	for (int i = 0; i < started; i++) {
		pthread_join(qs[i].thread, NULL);
		failed |= qs[i].failed;
	}

	uint64_t total = 0;
	printf("delayer: delay_ms=%g", delay_ms);
	for (int i = 0; i < nq; i++) {
		total += qs[i].delayed;
		printf(" q%u=%" PRIu64, qs[i].num, qs[i].delayed);
	}
	printf(" total=%" PRIu64, total);
	uint64_t verdicts = 0, max_held = 0, errs = 0;
	for (int i = 0; i < nq; i++) {
		verdicts += qs[i].verdicts;
		if (qs[i].max_held > max_held)
			max_held = qs[i].max_held;
		errs += qs[i].rx_errors + qs[i].parse_errors;
	}
	printf(" verdict_batches=%" PRIu64 " max_held=%" PRIu64 " errors=%" PRIu64 "\n",
	       verdicts, max_held, errs);
	fflush(stdout);

	for (int i = 0; i < nq; i++) {
		if (qs[i].qh)
			nfq_destroy_queue(qs[i].qh);
		if (qs[i].h)
			nfq_close(qs[i].h);
		free(qs[i].ring);
	}
	return failed ? 1 : 0;
}
