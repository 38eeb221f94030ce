/*
 * page_edge.c - setsockopt values that end at the edge of mapped memory, for sockwatch's test that the bpftrace
 * backend shows only bytes it really read (a failed read of user memory comes back as zeros).
 *
 * Two pages are mapped and the second unmapped again, so that a value placed at the end of the first has its
 * bytes past optlen's useful part on no page at all. On one TCP socket, in order:
 *   1. SO_LINGER {l_onoff=-15, l_linger=-42}, optlen 9: the kernel reads 8 bytes (ok); the 9th is unmapped
 *   2. TCP_NODELAY 0, optlen 4, the last 4 bytes of the page (ok): a real zero, read
 *   3. TCP_KEEPIDLE 77, optlen 6: the kernel reads 4 bytes (ok); bytes 4 and 5 are unmapped
 *   4. SO_KEEPALIVE, optval on the unmapped page (EFAULT)
 * Prints "done <fd>"; exits 0 only if the four results are as listed.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

int main(void)
{
	long page = sysconf(_SC_PAGESIZE);
	char *m = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED || munmap(m + page, page) != 0) {
		perror("mmap");
		return 1;
	}
	char *end = m + page;   /* the first byte that is on no page */
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	int ok = 1;

	int ling[2] = {-15, -42};
	memcpy(end - 8, ling, 8);
	ok &= setsockopt(fd, SOL_SOCKET, SO_LINGER, end - 8, 9) == 0;

	int zero = 0;
	memcpy(end - 4, &zero, 4);
	ok &= setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, end - 4, 4) == 0;

	int idle = 77;
	memcpy(end - 4, &idle, 4);
	ok &= setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, end - 4, 6) == 0;

	ok &= setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, end, 4) == -1 && errno == EFAULT;

	printf("done %d\n", fd);
	return ok ? 0 : 1;
}
