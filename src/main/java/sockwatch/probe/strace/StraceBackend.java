package sockwatch.probe.strace;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import sockwatch.event.EventSink;
import sockwatch.event.SetsockoptEvent;
import sockwatch.event.SocketContext;
import sockwatch.probe.BackendProcess;
import sockwatch.probe.BackendUnavailableException;
import sockwatch.probe.RunningTrace;
import sockwatch.probe.TraceBackend;
import sockwatch.probe.TraceRequest;
import sockwatch.sys.Executables;
import sockwatch.sys.KernelFacts;
import sockwatch.sys.Privileges;
import sockwatch.sys.ProcSockets;
import sockwatch.sys.ProcessTree;

/**
 * Sees setsockopt through ptrace with strace: no kernel tracing support needed, for hosts where bpftrace cannot run.
 * It attaches to given processes only ({@code -p}); a launched command is attached to while its waiting shell is
 * still blocked, before it runs anything.
 *
 * <p>Never {@code --seccomp-bpf}: the filter stays in the tracee after strace is gone, and if strace is killed
 * (pdeathsig when sockwatch dies) every filtered syscall then fails with ENOSYS in a program we were only meant to
 * watch; it also works only for commands strace starts itself, which it never does here. Plain ptrace leaves
 * nothing behind: a tracer's exit detaches its tracees, and PTRACE_SEIZE (strace's default) sends them no
 * SIGSTOP that could leave them stopped.
 */
public final class StraceBackend implements TraceBackend {
    private static final Path PTRACE_SCOPE = Path.of("/proc/sys/kernel/yama/ptrace_scope");

    @Override
    public String name() {
        return "strace";
    }

    @Override
    public String description() {
        return "ptrace through strace; needs no kernel tracing support, watches given processes or a COMMAND";
    }

    @Override
    public void checkServes(TraceRequest request) throws BackendUnavailableException {
        if (request.systemWide()) {
            throw new BackendUnavailableException("strace can only watch given processes",
                    "use -p PID or -- COMMAND, or --backend bpftrace");
        }
    }

    @Override
    public void checkAvailable() throws BackendUnavailableException {
        binary();
        if (!Privileges.isRoot()) {
            throw new BackendUnavailableException("strace needs root (sockwatch's strace backend runs as root)",
                    "run sockwatch with sudo");
        }
        if (ptraceScope().equals("3")) {
            throw new BackendUnavailableException("ptrace is disabled on this machine (kernel.yama.ptrace_scope = 3"
                    + " until reboot)", "use --backend bpftrace");
        }
    }

    private static String ptraceScope() {
        try {
            return Files.readString(PTRACE_SCOPE).strip();
        } catch (IOException e) {
            return "";
        }
    }

    private static Path binary() throws BackendUnavailableException {
        return Executables.find("strace").orElseThrow(() -> new BackendUnavailableException(
                "strace is not installed", "install it: sockwatch setup --yes (or apt-get install strace on"
                + " Debian/Ubuntu, dnf install strace on Fedora/RHEL)"));
    }

    @Override
    public RunningTrace start(TraceRequest request, EventSink sink) throws BackendUnavailableException {
        checkServes(request);
        checkAvailable();
        Set<Integer> pids = new LinkedHashSet<>(request.pids());
        // strace -f follows only what forks after it attached: the descendants alive now are attached to as well
        Set<Integer> below = new LinkedHashSet<>();
        if (request.followChildren()) {
            ProcessTree.descendants(pids).forEach(d -> below.add(d.intValue()));
        }
        Set<Integer> all = new LinkedHashSet<>(pids);
        all.addAll(below);
        ProcTasks tasks = new ProcTasks();
        StraceLineParser parser = new StraceLineParser(tasks, pids, new StraceSockets(PROC, dumpsBoundTcp()));
        EventSink target = request.followChildren() ? sink : onlyProcesses(pids, sink);
        StraceTrace trace = new StraceTrace(pids, below, tasks);
        try {
            trace.started(BackendProcess.start(argv(binary(), all), Map.of(),
                    line -> trace.control(parser.accept(line, target)), trace::notice));
        } catch (IOException e) {
            throw new BackendUnavailableException("could not start strace: " + e.getMessage(), null);
        }
        return trace;
    }

    /**
     * -f always: without it strace -p traces only the one thread named, not the process's other threads (it also
     * follows forks, whose calls {@link #onlyProcesses} drops unless children were asked for, as they are by
     * default).
     * -o /proc/self/fd/1: the trace goes to strace's stdout, apart from its notices on stderr, and with -o and -f
     * strace starts every line with the thread id (on stderr it would only while several tasks are traced).
     * The tracee never shares either stream: strace attaches, it never starts the program.
     * -X raw: numbers, our tables do the naming. -xx -s 64: optval as hex-escaped bytes, up to 64 like bpftrace.
     * -Y: strace's name for the thread, a fallback when its process is gone before we could read /proc.
     * -yy: the fd's socket as strace saw it at the call (protocol, endpoints; see StraceSockets), not as /proc
     * shows it later, when the fd may be another socket's or the socket bound or connected since.
     * -e signal=none: no signal lines.
     */
    static List<String> argv(Path strace, Set<Integer> pids) {
        List<String> argv = new ArrayList<>(List.of(strace.toString(), "-f", "-Y", "-yy", "-X", "raw", "-xx", "-s", "64",
                "--absolute-timestamps=format:unix,precision:ns", "--syscall-times=ns", "-e", "signal=none",
                "-e", "trace=setsockopt", "-o", "/proc/self/fd/1"));
        for (int pid : pids) {
            argv.add("-p");
            argv.add(Integer.toString(pid));
        }
        return argv;
    }

    /** /proc for StraceSockets: by inode, now. */
    private static final StraceSockets.ProcView PROC = new StraceSockets.ProcView() {
        @Override
        public Optional<SocketContext> byInode(int pid, long inode, int family, int protocol) {
            return ProcSockets.byInode(pid, inode, family, protocol);
        }

        @Override
        public OptionalLong fdInode(int pid, int fd) {
            return ProcSockets.fdInode(pid, fd);
        }
    };

    /** Linux 6.8 added TCP sockets that are only bound to sock_diag's dumps (TCP_BOUND_INACTIVE). */
    private static boolean dumpsBoundTcp() {
        return KernelFacts.version() >= 6008;
    }

    /** Watching given PIDs without their children: -f brought the children's calls along, drop them here. */
    private static EventSink onlyProcesses(Set<Integer> pids, EventSink sink) {
        return new EventSink() {
            @Override
            public void event(SetsockoptEvent event) {
                if (pids.contains(event.pid())) {
                    sink.event(event);
                }
            }

            @Override
            public void lost(long count) {
                sink.lost(count);
            }

            @Override
            public void malformed(String line) {
                sink.malformed(line);
            }
        };
    }
}
