package sockwatch.snapshot;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import sockwatch.output.Printable;
import sockwatch.snapshot.OptionPlan.Planned;
import sockwatch.snapshot.Pidfd.SyscallException;
import sockwatch.snapshot.SocketFds.SocketFd;
import sockwatch.sys.Processes;

/**
 * Snapshots the sockets of one process without stopping or changing it: pidfd_open, list /proc/PID/fd, then for
 * each socket pidfd_getfd a duplicate, read it, close the duplicate (always, also on errors). Sockets closed
 * between listing and reading are skipped with a note; a process that exits meanwhile ends with an error.
 */
public final class ProcessSnapshotter {
    /** Below this many sockets one thread is quicker than starting more. */
    private static final int PARALLEL_FROM = 512;
    private static final int MAX_THREADS = 4;

    private final OptionPlan plan;
    private final DefaultsProbe defaults;
    private final Consumer<String> notes;

    /** @param notes receives one-line remarks for stderr (skipped sockets, namespace fallbacks); thread-safe */
    public ProcessSnapshotter(OptionPlan plan, DefaultsProbe defaults, Consumer<String> notes) {
        this.plan = plan;
        this.defaults = defaults;
        this.notes = notes;
    }

    /**
     * Loads JNA and libc once, up front, so a JVM that cannot (no JNA native library for this platform, a tmpdir
     * it cannot write) fails with one clear line instead of an error midway.
     */
    public static void loadNative() throws SnapshotException {
        Pidfd.requireSupportedArchOrThrow();
        try {
            Libc.errno();
        } catch (LinkageError e) {
            throw new SnapshotException(SnapshotException.Kind.UNSUPPORTED, "cannot load JNA's native library: " + e);
        }
    }

    /** All sockets of a process, in fd order. */
    public List<SocketSnapshot> snapshot(long pid) throws SnapshotException {
        return snapshot(pid, Function.identity());
    }

    /**
     * All sockets of a process, in fd order, each passed through {@code finish} on the thread that read it, right
     * after reading: formatting there spreads it over the reading threads (it is as much work as the reading)
     * and lets the socket's values go at once. {@code finish} must be thread-safe.
     */
    public <T> List<T> snapshot(long pid, Function<SocketSnapshot, T> finish) throws SnapshotException {
        try (Target t = open(pid)) {
            List<SocketFd> fds = SocketFds.list(Path.of("/proc", Long.toString(pid)));
            if (!t.pidfd.alive()) {
                // The listing may already belong to a new process that got the same PID.
                throw SnapshotException.exitedDuring(t.who);
            }
            return read(t, fds, finish);
        }
    }

    /** A process opened for reading: its pidfd pins it, so a recycled PID can never be read by mistake. */
    static final class Target implements AutoCloseable {
        final long pid;
        final byte[] comm;
        final String who;
        final String netns;
        final Pidfd pidfd;

        Target(long pid, byte[] comm, String netns, Pidfd pidfd) {
            this.pid = pid;
            this.comm = comm;
            this.who = "PID " + pid + " ('" + Printable.of(comm) + "')";
            this.netns = netns;
            this.pidfd = pidfd;
        }

        @Override
        public void close() {
            pidfd.close();
        }
    }

    Target open(long pid) throws SnapshotException {
        Path proc = Path.of("/proc", Long.toString(pid));
        ProcStat stat = ProcStat.read(pid).orElseThrow(() -> SnapshotException.gone(proc));
        byte[] comm = Processes.comm(pid).orElse(new byte[0]);
        if (stat.kernelThread()) {
            throw new SnapshotException(SnapshotException.Kind.NO_FDS, "PID " + pid + " ('" + Printable.of(comm)
                    + "') is a kernel thread: kernel threads have no file descriptors, so no sockets");
        }
        java.util.Optional<String> retag = CgroupGuard.check(pid);
        if (retag.isPresent()) {
            throw new SnapshotException(SnapshotException.Kind.DENIED, "not reading PID " + pid + " ('"
                    + Printable.of(comm) + "'): " + retag.get());
        }
        Pidfd pidfd;
        try {
            pidfd = Pidfd.open(pid);
        } catch (SyscallException e) {
            throw switch (e.errno()) {
                case Pidfd.ESRCH -> SnapshotException.gone(proc);
                case Pidfd.ENOSYS -> e.getMessage().contains("architecture")
                        ? new SnapshotException(SnapshotException.Kind.UNSUPPORTED, e.getMessage())
                        : SnapshotException.tooOld("pidfd_open", "ENOSYS");
                case Pidfd.EINVAL -> new SnapshotException(SnapshotException.Kind.FAILED, "PID " + pid
                        + " is not a process (thread group leader): pidfd_open says EINVAL");
                default -> new SnapshotException(SnapshotException.Kind.FAILED, e.getMessage());
            };
        }
        return new Target(pid, comm, DefaultsProbe.netnsOf(proc.resolve("ns/net")), pidfd);
    }

    /**
     * Reads the listed sockets, split over a few threads for big processes (each with its own buffers; the
     * getsockopt calls dominate). Sockets closed since the listing are skipped and noted.
     */
    <T> List<T> read(Target t, List<SocketFd> fds, Function<SocketSnapshot, T> finish) throws SnapshotException {
        Object[] out = new Object[fds.size()];
        int threads = fds.size() < PARALLEL_FROM ? 1
                : Math.max(1, Math.min(MAX_THREADS, Runtime.getRuntime().availableProcessors()));
        if (threads == 1) {
            new Worker(t).read(fds, 0, fds.size(), finish, out);
        } else {
            AtomicReference<SnapshotException> failure = new AtomicReference<>();
            List<Thread> started = new ArrayList<>();
            int chunk = (fds.size() + threads - 1) / threads;
            for (int i = 0; i < threads; i++) {
                int from = i * chunk;
                int to = Math.min(fds.size(), from + chunk);
                Thread th = new Thread(() -> {
                    try {
                        new Worker(t, failure).read(fds, from, to, finish, out);
                    } catch (SnapshotException e) {
                        failure.compareAndSet(null, e);
                    }
                }, "sockwatch-snapshot-" + i);
                th.start();
                started.add(th);
            }
            for (Thread th : started) {
                try {
                    th.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new SnapshotException(SnapshotException.Kind.FAILED, "interrupted");
                }
            }
            if (failure.get() != null) {
                throw failure.get();
            }
        }
        List<T> read = new ArrayList<>(out.length);
        for (Object o : out) {
            if (o != null) {
                @SuppressWarnings("unchecked") // only finish's results are stored in out
                T finished = (T) o;
                read.add(finished);
            }
        }
        return read;
    }

    /** One reading thread: its own getsockopt buffers, so workers never share memory. */
    private final class Worker {
        private final Target t;
        private final AtomicReference<SnapshotException> stop;
        private final SockoptReader reader = new SockoptReader();
        private final RawReadings.Builder values = new RawReadings.Builder();

        Worker(Target t) {
            this(t, new AtomicReference<>());
        }

        Worker(Target t, AtomicReference<SnapshotException> stop) {
            this.t = t;
            this.stop = stop;
        }

        <T> void read(List<SocketFd> fds, int from, int to, Function<SocketSnapshot, T> finish, Object[] out)
                throws SnapshotException {
            for (int i = from; i < to && stop.get() == null; i++) {
                SocketFd s = fds.get(i);
                int dup = duplicate(s);
                if (dup < 0) {
                    continue;
                }
                SocketSnapshot read;
                try {
                    read = readOne(s, dup);
                } finally {
                    Libc.close(dup);
                }
                if (read != null) {
                    out[i] = finish.apply(read);
                }
            }
        }

        /** The duplicate fd, or -1 when the target closed the socket since the listing. */
        private int duplicate(SocketFd s) throws SnapshotException {
            try {
                return t.pidfd.getfd(s.fd());
            } catch (SyscallException e) {
                switch (e.errno()) {
                    case Pidfd.EBADF -> {
                        if (exited()) {
                            throw SnapshotException.exitedDuring(t.who); // an exiting process has no fds left
                        }
                        notes.accept(t.who + ": fd " + s.fd() + " (socket:[" + s.inode() + "]) was closed before"
                                + " it could be read; skipped");
                        return -1;
                    }
                    case Pidfd.ESRCH -> throw SnapshotException.exitedDuring(t.who);
                    case Pidfd.EPERM, Pidfd.EACCES -> throw SnapshotException.getfdDenied(t.who);
                    case Pidfd.ENOSYS -> throw SnapshotException.tooOld("pidfd_getfd", "ENOSYS");
                    default -> throw new SnapshotException(SnapshotException.Kind.FAILED, t.who + ": fd " + s.fd()
                            + ": " + e.getMessage());
                }
            }
        }

        private boolean exited() {
            return !t.pidfd.alive() || ProcStat.read(t.pid).map(st -> st.state() == 'Z' || st.state() == 'X')
                    .orElse(true);
        }

        private SocketSnapshot readOne(SocketFd listed, int dup) {
            SocketKind kind = reader.kind(dup);
            if (kind == null) {
                notes.accept(t.who + ": fd " + listed.fd() + " is no longer socket:[" + listed.inode() + "] ("
                        + (reader.lastErrno() == SockoptReader.ENOTSOCK ? "closed and reused for a non-socket"
                        : "SO_DOMAIN failed") + "); skipped");
                return null;
            }
            // The fd may have been closed and reused for another socket since the listing: report the one we hold.
            long inode = reader.inode(dup);
            byte[] peer = reader.remoteAddress(dup);
            String local = SockAddr.format(reader.localAddress(dup));
            String state = reader.state(dup, kind, peer != null);

            List<Planned> planned = plan.forKind(kind);
            values.reset(planned);
            for (int i = 0; i < planned.size(); i++) {
                byte[] into = values.room(SockoptReader.VALUE_MAX);
                int n = reader.readInto(dup, planned.get(i).option(), into, values.offset());
                if (n >= 0) {
                    values.add(i, n); // absent: this socket has no such option (ENOPROTOOPT, ...)
                }
            }
            RawReadings readings = values.build(defaults.alignedBaseline(t.pid, t.netns, kind), state);
            return new SocketSnapshot(t.pid, t.comm, listed.fd(), inode >= 0 ? inode : listed.inode(), kind,
                    state, local, SockAddr.format(peer), readings);
        }
    }
}
