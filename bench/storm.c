/*
 * storm - a setsockopt storm for sockwatch's benchmark (bench/run compiles it with gcc into a private dir).
 *
 *   storm [-g GOFIFO] [-o RESULTFILE] nodelay N      N calls, TCP_NODELAY 1/0 alternating on one socket
 *   storm [-g GOFIFO] [-o RESULTFILE] same N         N calls, TCP_NODELAY 1 every time (identical repeats)
 *   storm [-g GOFIFO] [-o RESULTFILE] mixed N        N setsockopt and N getppid, in alternating blocks of 1000,
 *                                                    each kind timed on its own (getppid is never watched)
 *   storm [-g GOFIFO] [-o RESULTFILE] rate RATE SECS sustained RATE setsockopt/s (alternating) for SECS seconds
 *   storm [-g GOFIFO] [-o RESULTFILE] rate-same RATE SECS   the same, TCP_NODELAY 1 every time
 *   storm [-g GOFIFO] [-o RESULTFILE] poll SECS      one setsockopt every 1 ms for SECS seconds (arming latency)
 *   storm [-g GOFIFO] [-o RESULTFILE] bursts N       N calls (alternating) in bursts of 500, 50 ms apart (a busy
 *                                                    server's 10,000 calls/s), timed within the bursts only
 *   storm [-g GOFIFO] [-o RESULTFILE] bursts-busy N  the same, but waiting between bursts on the clock instead of
 *                                                    sleeping: no CPU idles, so a tracer's timer (which keeps a CPU
 *                                                    awake) cannot make the traced calls look faster than untraced
 *
 * -g: open GOFIFO and wait for a line before starting (lets a tracer attach by PID first).
 * -o: write the result there instead of stdout (in launch mode stdout may be /dev/null).
 * Result: key=value words on one line, e.g. "mode=nodelay calls=200000 setsockopt_ns=371.2".
 * 1000 untimed warm-up calls come first in nodelay/same/mixed; they are included in calls= (what a tracer sees).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void) {
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static int sock;
static long long made;

static void set(int v) {
	if (setsockopt(sock, IPPROTO_TCP, TCP_NODELAY, &v, sizeof v) != 0) {
		perror("storm: setsockopt");
		exit(1);
	}
	made++;
}

static void usage(void) {
	fprintf(stderr, "usage: storm [-g GOFIFO] [-o RESULTFILE] nodelay N | same N | mixed N | rate RATE SECS | rate-same RATE SECS | poll SECS | bursts N | bursts-busy N\n");
	exit(2);
}

int main(int argc, char **argv) {
	const char *go = NULL, *outpath = NULL;
	int opt;
	while ((opt = getopt(argc, argv, "+g:o:")) != -1) {
		if (opt == 'g') go = optarg;
		else if (opt == 'o') outpath = optarg;
		else usage();
	}
	if (optind >= argc) usage();
	const char *mode = argv[optind];
	long long n = optind + 1 < argc ? atoll(argv[optind + 1]) : 0;
	double secs = optind + 2 < argc ? atof(argv[optind + 2]) : 0;
	if (n <= 0) usage();

	sock = socket(AF_INET, SOCK_STREAM, 0);
	if (sock < 0) { perror("storm: socket"); return 1; }
	if (go) {
		int fd = open(go, O_RDONLY);
		char c;
		if (fd < 0 || read(fd, &c, 1) != 1) { fprintf(stderr, "storm: no go from %s\n", go); return 1; }
		close(fd);
	}
	FILE *out = stdout;
	char result[512];

	if (!strcmp(mode, "nodelay") || !strcmp(mode, "same")) {
		int same = !strcmp(mode, "same");
		for (int i = 0; i < 1000; i++) set(same ? 1 : i & 1);
		long long t0 = now_ns();
		for (long long i = 0; i < n; i++) set(same ? 1 : (int)(i & 1));
		long long t1 = now_ns();
		snprintf(result, sizeof result, "mode=%s calls=%lld setsockopt_ns=%.1f\n", mode, made,
		         (double)(t1 - t0) / n);
	} else if (!strcmp(mode, "mixed")) {
		for (int i = 0; i < 1000; i++) { set(i & 1); syscall(SYS_getppid); }
		long long tset = 0, tget = 0, done = 0;
		while (done < n) {
			long long b = n - done < 1000 ? n - done : 1000;
			long long t0 = now_ns();
			for (long long i = 0; i < b; i++) set((int)(i & 1));
			long long t1 = now_ns();
			for (long long i = 0; i < b; i++) syscall(SYS_getppid);
			long long t2 = now_ns();
			tset += t1 - t0; tget += t2 - t1; done += b;
		}
		snprintf(result, sizeof result, "mode=mixed calls=%lld setsockopt_ns=%.1f getppid_ns=%.1f\n", made,
		         (double)tset / n, (double)tget / n);
	} else if (!strcmp(mode, "rate") || !strcmp(mode, "rate-same")) {
		int same = !strcmp(mode, "rate-same");
		/* n = calls per second; keep up with the schedule, checking the clock every 16 calls */
		if (secs <= 0) usage();
		long long t0 = now_ns(), end = t0 + (long long)(secs * 1e9), t = t0;
		long long i = 0;
		while (t < end) {
			long long due = (long long)((double)(t - t0) * n / 1e9);
			if (i >= due) {
				struct timespec ts = {0, 20000};   /* ahead of schedule: 20 us nap */
				nanosleep(&ts, NULL);
			} else {
				for (int k = 0; k < 16 && i < due; k++, i++) set(same ? 1 : (int)(i & 1));
			}
			t = now_ns();
		}
		double took = (now_ns() - t0) / 1e9;
		snprintf(result, sizeof result, "mode=%s calls=%lld target=%lld seconds=%.2f rate=%.0f\n", mode, made,
		         (long long)(n * secs), took, made / took);
	} else if (!strcmp(mode, "bursts") || !strcmp(mode, "bursts-busy")) {
		int busy = !strcmp(mode, "bursts-busy");
		for (int i = 0; i < 500; i++) set(i & 1);
		long long spent = 0, done = 0;
		while (done < n) {
			struct timespec ts = {0, 50000000};
			if (busy) {
				for (long long until = now_ns() + 50000000LL; now_ns() < until;)
					;
			} else {
				nanosleep(&ts, NULL);
			}
			long long b = n - done < 500 ? n - done : 500;
			long long t0 = now_ns();
			for (long long i = 0; i < b; i++) set((int)(i & 1));
			spent += now_ns() - t0; done += b;
		}
		snprintf(result, sizeof result, "mode=%s calls=%lld setsockopt_ns=%.1f\n", mode, made, (double)spent / n);
	} else if (!strcmp(mode, "poll")) {
		/* n = seconds */
		long long end = now_ns() + n * 1000000000LL;
		int i = 0;
		while (now_ns() < end) {
			set(i++ & 1);
			struct timespec ts = {0, 1000000};
			nanosleep(&ts, NULL);
		}
		snprintf(result, sizeof result, "mode=poll calls=%lld\n", made);
	} else {
		usage();
	}
	if (outpath) {
		out = fopen(outpath, "w");
		if (!out) { perror("storm: result file"); return 1; }
	}
	fputs(result, out);
	fclose(out);
	return 0;
}
