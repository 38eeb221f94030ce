/*
 * structs32.c - a 32-bit (gcc -m32) program that sets the options whose structs have a different layout in
 * the 32-bit ABI, for sockwatch's tests of its compat decoding (include/net/compat.h, net/core/filter.c):
 *   MCAST_JOIN_GROUP         struct group_req, 132 bytes, gr_group at 4 (the kernel's packed compat_group_req)
 *   MCAST_JOIN_SOURCE_GROUP  struct group_source_req, 260 bytes, gsr_source at 132
 *   SO_ATTACH_FILTER         struct sock_fprog, 8 bytes, the filter pointer at 4 (compat_sock_fprog)
 * on one UDP socket, on lo (ifindex from if_nametoindex). Prints "filter 0x<address>" (the sock_fprog's pointer,
 * to compare with what sockwatch shows) and "done <fd>"; exits 0 only if every call returned 0.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <net/if.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <linux/filter.h>

static void sin_at(struct sockaddr_storage *ss, const char *addr)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	memset(ss, 0, sizeof *ss);
	sin->sin_family = AF_INET;
	inet_pton(AF_INET, addr, &sin->sin_addr);
}

int main(void)
{
	if (sizeof(void *) != 4) {
		fprintf(stderr, "structs32: not built with -m32\n");
		return 2;
	}
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0) {
		perror("socket");
		return 1;
	}
	unsigned lo = if_nametoindex("lo");
	struct group_req gr;
	memset(&gr, 0, sizeof gr);
	gr.gr_interface = lo;
	sin_at(&gr.gr_group, "224.0.0.4");
	int r1 = setsockopt(fd, IPPROTO_IP, MCAST_JOIN_GROUP, &gr, sizeof gr);

	struct group_source_req gsr;
	memset(&gsr, 0, sizeof gsr);
	gsr.gsr_interface = lo;
	sin_at(&gsr.gsr_group, "232.1.1.1");
	sin_at(&gsr.gsr_source, "127.0.0.1");
	int r2 = setsockopt(fd, IPPROTO_IP, MCAST_JOIN_SOURCE_GROUP, &gsr, sizeof gsr);

	struct sock_filter accept_all[] = {{BPF_RET | BPF_K, 0, 0, 0xffffffff}};
	struct sock_fprog prog = {1, accept_all};
	int r3 = setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog);
	printf("sizes %u %u %u\n", (unsigned)sizeof gr, (unsigned)sizeof gsr, (unsigned)sizeof prog);
	printf("filter 0x%lx\n", (unsigned long)(uintptr_t)accept_all);
	printf("done %d\n", fd);
	fflush(stdout);
	return r1 == 0 && r2 == 0 && r3 == 0 ? 0 : 1;
}
