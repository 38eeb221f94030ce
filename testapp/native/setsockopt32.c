/*
 * setsockopt32.c - a 32-bit (gcc -m32) program that sets two known socket options, for sockwatch's tests of
 * 32-bit callers: TCP_NODELAY = 1, then SO_RCVTIMEO_OLD = {2 s, 500000 us} as a 32-bit struct timeval (8 bytes).
 *
 *   setsockopt32 MODE [wait]
 *     MODE  glibc       setsockopt(3) (glibc's own choice of syscall; build with -static for the static case)
 *           socketcall  syscall(102, SYS_SETSOCKOPT, args): the five arguments as 32-bit words in memory
 *           syscall     syscall(366, ...): the 32-bit setsockopt syscall directly
 *     wait  print "ready <pid>" and wait for a line on stdin before the calls (so a tracer can attach first)
 * Prints "done <fd>" after the calls; exits 0 only if both calls returned 0.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#define NR_SOCKETCALL_32 102
#define NR_SETSOCKOPT_32 366
#define SYS_SETSOCKOPT_CALL 14
#define SO_RCVTIMEO_OLD_NR 20

/* The 32-bit ABI's struct timeval whatever _TIME_BITS says: two 32-bit longs. */
struct timeval32 {
	int32_t tv_sec;
	int32_t tv_usec;
};

static int set(const char *mode, int fd, int level, int name, const void *val, socklen_t len)
{
	if (strcmp(mode, "socketcall") == 0) {
		uint32_t args[5] = {(uint32_t)fd, (uint32_t)level, (uint32_t)name, (uint32_t)(uintptr_t)val, len};
		return (int)syscall(NR_SOCKETCALL_32, SYS_SETSOCKOPT_CALL, args);
	}
	if (strcmp(mode, "syscall") == 0) {
		return (int)syscall(NR_SETSOCKOPT_32, fd, level, name, val, len);
	}
	return setsockopt(fd, level, name, val, len);
}

int main(int argc, char **argv)
{
	if (sizeof(void *) != 4) {
		fprintf(stderr, "setsockopt32: not built with -m32\n");
		return 2;
	}
	if (argc < 2 || (strcmp(argv[1], "glibc") && strcmp(argv[1], "socketcall") && strcmp(argv[1], "syscall"))) {
		fprintf(stderr, "usage: setsockopt32 glibc|socketcall|syscall [wait]\n");
		return 2;
	}
	if (argc > 2 && strcmp(argv[2], "wait") == 0) {
		char line[16];
		printf("ready %d\n", (int)getpid());
		fflush(stdout);
		if (fgets(line, sizeof line, stdin) == NULL) {
			return 3;
		}
	}
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0) {
		perror("socket");
		return 1;
	}
	int one = 1;
	struct timeval32 tv = {2, 500000};
	int r1 = set(argv[1], fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	int r2 = set(argv[1], fd, SOL_SOCKET, SO_RCVTIMEO_OLD_NR, &tv, sizeof tv);
	printf("done %d\n", fd);
	fflush(stdout);
	return r1 == 0 && r2 == 0 ? 0 : 1;
}
