/*
 * uring_setsockopt.c - sets socket options through io_uring (IORING_OP_URING_CMD with SOCKET_URING_OP_SETSOCKOPT,
 * Linux 6.7+), never through setsockopt(2): the test program for sockwatch's io_uring path.
 *
 * Four requests on one TCP socket, submitted in one io_uring_enter (so their completions are batched):
 *   TCP_NODELAY = 1, SO_KEEPALIVE = 1, TCP_KEEPIDLE = 30 (all succeed), SOL_TCP option 9999 (ENOPROTOOPT).
 *
 *   uring_setsockopt [fixed] [wait]
 *     fixed  register the socket with the ring (IORING_REGISTER_FILES) and name it by its index 0
 *            (IOSQE_FIXED_FILE) instead of its fd
 *     wait   print "ready <pid>" and wait for a line on stdin first (so a tracer can attach)
 * Prints "res <user_data> <res>" per completion and "done <fd>"; exits 0 only if the results are as above,
 * 2 if this kernel has no io_uring or no socket commands (the reason on stderr).
 *
 * No liburing: io_uring_prep_cmd_sock appeared in liburing 2.5 and Debian 12 has 2.3, and the SQE fields of
 * socket commands (level, optname, optlen, optval) are missing from older kernel headers; so the ring is set
 * up with the raw syscalls and the SQE filled by its documented offsets (include/uapi/linux/io_uring.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <linux/io_uring.h>

#define OP_URING_CMD 46              /* IORING_OP_URING_CMD */
#define SOCKET_URING_OP_SETSOCKOPT 3 /* enum io_uring_socket_op, Linux 6.7 */

/* The 64-byte SQE as a socket command uses it. */
struct sock_sqe {
	uint8_t opcode;      /* 0 */
	uint8_t flags;       /* 1 */
	uint16_t ioprio;     /* 2 */
	int32_t fd;          /* 4 */
	uint32_t cmd_op;     /* 8 */
	uint32_t pad1;       /* 12 */
	uint32_t level;      /* 16 */
	uint32_t optname;    /* 20 */
	uint32_t len;        /* 24 */
	uint32_t cmd_flags;  /* 28 */
	uint64_t user_data;  /* 32 */
	uint16_t buf_index;  /* 40 */
	uint16_t personality;/* 42 */
	uint32_t optlen;     /* 44 */
	uint64_t optval;     /* 48 */
	uint64_t pad2;       /* 56 */
};
_Static_assert(sizeof(struct sock_sqe) == 64, "an SQE is 64 bytes");

int main(int argc, char **argv)
{
	int wait = 0, fixed = 0;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "wait") == 0) {
			wait = 1;
		} else if (strcmp(argv[i], "fixed") == 0) {
			fixed = 1;
		} else {
			fprintf(stderr, "usage: uring_setsockopt [fixed] [wait]\n");
			return 1;
		}
	}
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0) {
		perror("socket");
		return 1;
	}
	struct io_uring_params p;
	memset(&p, 0, sizeof p);
	int ring = (int)syscall(__NR_io_uring_setup, 8, &p);
	if (ring < 0) {
		fprintf(stderr, "uring_setsockopt: io_uring_setup: %s\n", strerror(errno));
		return 2;
	}
	size_t sq_len = p.sq_off.array + p.sq_entries * sizeof(uint32_t);
	size_t cq_len = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
	char *sq = mmap(NULL, sq_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, ring, IORING_OFF_SQ_RING);
	char *cq = mmap(NULL, cq_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, ring, IORING_OFF_CQ_RING);
	struct sock_sqe *sqes = mmap(NULL, p.sq_entries * 64, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, ring,
				     IORING_OFF_SQES);
	if (sq == MAP_FAILED || cq == MAP_FAILED || sqes == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	if (fixed && syscall(__NR_io_uring_register, ring, IORING_REGISTER_FILES, &fd, 1) < 0) {
		fprintf(stderr, "uring_setsockopt: IORING_REGISTER_FILES: %s\n", strerror(errno));
		return 2;
	}
	if (wait) {
		printf("ready %d\n", getpid());
		fflush(stdout);
		char line[64];
		if (!fgets(line, sizeof line, stdin)) {
			return 1;
		}
	}
	static int one = 1, idle = 30, bogus = 1;
	struct { int level, name; int *val; int expect; } req[4] = {
		{IPPROTO_TCP, TCP_NODELAY, &one, 0},
		{SOL_SOCKET, SO_KEEPALIVE, &one, 0},
		{IPPROTO_TCP, TCP_KEEPIDLE, &idle, 0},
		{IPPROTO_TCP, 9999, &bogus, -ENOPROTOOPT},
	};
	uint32_t *sq_tail = (uint32_t *)(sq + p.sq_off.tail);
	uint32_t *sq_array = (uint32_t *)(sq + p.sq_off.array);
	uint32_t mask = *(uint32_t *)(sq + p.sq_off.ring_mask);
	uint32_t tail = *sq_tail;
	for (int i = 0; i < 4; i++) {
		struct sock_sqe *e = &sqes[i];
		memset(e, 0, sizeof *e);
		e->opcode = OP_URING_CMD;
		e->fd = fixed ? 0 : fd;
		e->flags = fixed ? IOSQE_FIXED_FILE : 0;
		e->cmd_op = SOCKET_URING_OP_SETSOCKOPT;
		e->level = (uint32_t)req[i].level;
		e->optname = (uint32_t)req[i].name;
		e->optlen = sizeof(int);
		e->optval = (uint64_t)(uintptr_t)req[i].val;
		e->user_data = (uint64_t)i + 1;
		sq_array[(tail + i) & mask] = (uint32_t)i;
	}
	__atomic_store_n(sq_tail, tail + 4, __ATOMIC_RELEASE);
	int n = (int)syscall(__NR_io_uring_enter, ring, 4, 4, IORING_ENTER_GETEVENTS, NULL, 0);
	if (n < 0) {
		fprintf(stderr, "uring_setsockopt: io_uring_enter: %s\n", strerror(errno));
		return 2;
	}
	uint32_t *cq_head = (uint32_t *)(cq + p.cq_off.head);
	uint32_t *cq_tail = (uint32_t *)(cq + p.cq_off.tail);
	uint32_t cmask = *(uint32_t *)(cq + p.cq_off.ring_mask);
	struct io_uring_cqe *cqes = (struct io_uring_cqe *)(cq + p.cq_off.cqes);
	int ok = 1, seen = 0;
	for (uint32_t h = *cq_head; h != __atomic_load_n(cq_tail, __ATOMIC_ACQUIRE); h++, seen++) {
		struct io_uring_cqe *c = &cqes[h & cmask];
		printf("res %llu %d\n", (unsigned long long)c->user_data, c->res);
		if (c->user_data >= 1 && c->user_data <= 4 && c->res != req[c->user_data - 1].expect) {
			ok = 0;
			if (c->res == -EINVAL || c->res == -EOPNOTSUPP) {
				fprintf(stderr, "uring_setsockopt: this kernel has no io_uring socket commands (%s)\n",
					strerror(-c->res));
				return 2;
			}
		}
		__atomic_store_n(cq_head, h + 1, __ATOMIC_RELEASE);
	}
	printf("done %d\n", fd);
	return ok && seen == 4 ? 0 : 1;
}
