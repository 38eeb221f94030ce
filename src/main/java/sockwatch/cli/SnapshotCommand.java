package sockwatch.cli;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sockwatch.output.Printable;
import sockwatch.snapshot.DefaultsProbe;
import sockwatch.snapshot.OptionPlan;
import sockwatch.snapshot.ProcStat;
import sockwatch.snapshot.ProcessSnapshotter;
import sockwatch.snapshot.SnapshotException;
import sockwatch.snapshot.SnapshotJsonFormatter;
import sockwatch.snapshot.SnapshotTextFormatter;
import sockwatch.snapshot.Targets;
import sockwatch.sys.IdentityCache;
import sockwatch.sys.Processes;

/**
 * `sockwatch snapshot`: the options every socket of a running process has right now (lsof -T for Linux). The
 * process is neither stopped nor changed: each socket is duplicated with pidfd_getfd, read, and closed again.
 */
@Command(name = "snapshot", mixinStandardHelpOptions = true, sortOptions = false, usageHelpWidth = 110,
        description = {
                "Shows the socket options that running processes hold right now: every socket's family, protocol,"
                        + " state, endpoints and options, each marked changed (differs from a fresh socket of the same"
                        + " kind), default, or auto (kernel-tuned, not compared).",
                "The processes are not stopped and not changed: each socket is duplicated with pidfd_getfd (Linux >="
                        + " 5.6), read with getsockopt, and the duplicate closed. Needs ptrace access (root)."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:every process was read (sockets closed meanwhile are skipped with a note)",
                "1:a process exited while being read, or a read failed",
                "2:bad usage or input (no such PID, no process of that name, a kernel thread)",
                "3:this machine cannot do it (no ptrace access, kernel older than 5.6, a cgroup v1 net_cls/net_prio"
                        + " it would re-tag)"},
        footerHeading = "%nExamples:%n",
        footer = {
                "  sockwatch snapshot -p 1234              # every socket of PID 1234, with all its options",
                "  sockwatch snapshot -p 1234 --changed    # only the options that differ from a fresh socket",
                "  sockwatch snapshot -c nginx             # every process named nginx",
                "  sockwatch snapshot --all --changed      # the whole system: what did programs change?",
                "  sockwatch snapshot -p 1234 --json | jq -c 'select(.state==\"LISTEN\")'   # listeners, JSON lines",
                "  sockwatch snapshot -c sshd --json | jq '.options.SO_KEEPALIVE'"})
public final class SnapshotCommand implements Callable<Integer> {

    @Option(names = {"-p", "--pid"}, paramLabel = "PID", description = "this process (repeatable)")
    List<Long> pids = new ArrayList<>();

    @Option(names = {"-c", "--comm"}, paramLabel = "NAME", description = "every process with this name (repeatable)")
    List<String> comms = new ArrayList<>();

    @Option(names = "--output", paramLabel = "FILE", description = "write the snapshot to FILE, appended to"
            + " (created 0600; a symlink is refused), instead of stdout")
    java.nio.file.Path output;

    @Option(names = "--all", description = "every process on the system (processes without sockets are left out)")
    boolean all;

    @Option(names = "--changed", description = "show only options that differ from a fresh socket of the same kind")
    boolean changedOnly;

    @Option(names = "--json", description = "one JSON object per socket (JSON lines), see the README for the fields")
    boolean json;

    private final PrintStream err = System.err;
    private int exit = ExitCodes.OK;

    @Override
    public Integer call() {
        if (pids.isEmpty() && comms.isEmpty() && !all) {
            throw new UserException(ExitCodes.USAGE, "say which processes: -p PID, -c NAME or --all");
        }
        if (all && !(pids.isEmpty() && comms.isEmpty())) {
            throw new UserException(ExitCodes.USAGE, "--all already means every process: leave out -p and -c");
        }
        Set<Long> explicit = resolvePids();
        Set<Long> targets = new LinkedHashSet<>(explicit);
        for (String name : comms) {
            List<Long> named = Targets.named(name);
            if (named.isEmpty()) {
                throw new UserException(ExitCodes.USAGE, "no process named '"
                        + Printable.of(name.getBytes(StandardCharsets.UTF_8)) + "'");
            }
            targets.addAll(named);
        }
        if (all) {
            targets.addAll(Targets.userProcesses());
        }

        PrintStream out = output != null ? OutputFile.open(output, false)
                : new PrintStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16), false,
                StandardCharsets.UTF_8);
        try {
            ProcessSnapshotter.loadNative();
        } catch (SnapshotException e) {
            throw new UserException(ExitCodes.UNAVAILABLE, e.getMessage());
        }
        OptionPlan plan = OptionPlan.standard();
        ProcessSnapshotter snapshotter = new ProcessSnapshotter(plan, new DefaultsProbe(plan, this::note), this::note);
        SnapshotTextFormatter text = new SnapshotTextFormatter(changedOnly);
        // read when a process's sockets are: who it is then (it may retitle or exit later)
        IdentityCache identities = IdentityCache.ofProc();
        SnapshotJsonFormatter jsonOut = new SnapshotJsonFormatter(changedOnly, identities::get);
        boolean first = true;
        for (long pid : targets) {
            // Each socket is formatted by the thread that read it (see ProcessSnapshotter.snapshot).
            List<String> lines = List.of();
            List<SnapshotTextFormatter.Block> blocks = List.of();
            try {
                if (json) {
                    lines = snapshotter.snapshot(pid, jsonOut::format);
                } else {
                    blocks = snapshotter.snapshot(pid, text::block);
                }
            } catch (SnapshotException e) {
                if (e.kind() == SnapshotException.Kind.UNSUPPORTED) {
                    out.flush();
                    throw new UserException(ExitCodes.UNAVAILABLE, e.getMessage());
                }
                boolean vanished = e.kind() == SnapshotException.Kind.GONE || e.kind() == SnapshotException.Kind.EXITED;
                if (!explicit.contains(pid) && vanished) {
                    continue; // found by name or --all, and gone before we got to it: not an error
                }
                out.flush();
                failed(e);
                continue;
            }
            boolean none = lines.isEmpty() && blocks.isEmpty();
            if (none && all) {
                continue; // --all shows only processes that have sockets
            }
            if (none && json) {
                note("PID " + pid + " ('" + Processes.comm(pid).map(Printable::of).orElse("?") + "') has no sockets");
                continue;
            }
            if (json) {
                for (String line : lines) {
                    out.println(line);
                }
            } else {
                if (!first) {
                    out.println();
                }
                byte[] comm = none ? Processes.comm(pid).orElse(new byte[0]) : blocks.get(0).socket().comm();
                text.print(pid, comm, identities.get((int) pid), blocks, out);
            }
            first = false;
            out.flush();
        }
        out.flush();
        return exit;
    }

    /** -p PIDs, checked up front: a bad one is a usage error before anything is read. */
    private Set<Long> resolvePids() {
        Set<Long> out = new LinkedHashSet<>();
        for (long pid : pids) {
            if (pid <= 0) {
                throw new UserException(ExitCodes.USAGE, "PID must be a positive number, not " + pid);
            }
            Optional<ProcStat> stat = ProcStat.read(pid);
            if (stat.isEmpty()) {
                throw new UserException(ExitCodes.USAGE, "no process with PID " + pid);
            }
            if (stat.get().kernelThread()) {
                throw new UserException(ExitCodes.USAGE, "PID " + pid + " ('" + Processes.comm(pid)
                        .map(Printable::of).orElse("?") + "') is a kernel thread: kernel threads have no file"
                        + " descriptors, so no sockets");
            }
            long tgid = ProcStat.tgid(pid).orElse(pid);
            if (tgid != pid) {
                note(pid + " is a thread of PID " + tgid + ", whose sockets it shares; showing PID " + tgid);
            }
            out.add(tgid);
        }
        return out;
    }

    private void failed(SnapshotException e) {
        err.println("sockwatch: " + e.getMessage());
        int code = switch (e.kind()) {
            case GONE, NO_FDS -> ExitCodes.USAGE;
            case DENIED, UNSUPPORTED -> ExitCodes.UNAVAILABLE;
            case EXITED, FAILED -> ExitCodes.FAILED;
        };
        exit = Math.max(exit, code);
    }

    private void note(String message) {
        err.println("sockwatch: " + message);
    }
}
