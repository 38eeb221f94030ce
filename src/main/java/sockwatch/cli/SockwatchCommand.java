package sockwatch.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import sockwatch.decode.OptionTable;
import sockwatch.decode.SockOption;
import sockwatch.output.JsonFormatter;
import sockwatch.output.Printable;
import sockwatch.output.TextFormatter;
import sockwatch.probe.Arming;
import sockwatch.probe.BackendChooser;
import sockwatch.probe.BackendUnavailableException;
import sockwatch.probe.RunningTrace;
import sockwatch.probe.TraceRequest;
import sockwatch.sys.Compat32;
import sockwatch.sys.LaunchedCommand;
import sockwatch.sys.Processes;

/** `sockwatch [options] [-- COMMAND ARGS...]`: watch setsockopt calls live. */
@Command(name = "sockwatch", mixinStandardHelpOptions = true, versionProvider = Version.class,
        sortOptions = false, usageHelpWidth = 110,
        // the default "[COMMAND]" for subcommands read as a second COMMAND beside the launched one
        synopsisSubcommandLabel = "| setup | self-check | snapshot | doctor | stap-compile",
        subcommands = {SetupCommand.class, SelfCheckCommand.class, SnapshotCommand.class, DoctorCommand.class, StapCompileCommand.class},
        description = {
                "Shows every socket option (TCP_NODELAY, SO_KEEPALIVE, TCP_CONGESTION, ...) that programs set with"
                        + " setsockopt(2), as they set it: named by level, value decoded, with the kernel's answer.",
                "Watches the whole system, some PIDs or names, or a COMMAND it launches (and its children) from"
                        + " its first syscall. Needs root. Ctrl-C ends and prints a summary per process."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:watched to the end (with a COMMAND: the command's own exit status)",
                "1:the probe failed while running", "2:bad usage or input (unknown option name, no such PID, ...)",
                "3:this machine cannot do it (not root, backend tool or kernel support missing)"},
        footerHeading = "%nExamples:%n",
        footer = {
                "  sockwatch setup --yes                 # install what this machine lacks (bpftrace, strace), then doctor",
                "  sockwatch self-check                  # prove the probe works here, against our Java test app",
                "  sockwatch doctor                      # which backends can run here, and why not",
                "  sockwatch                             # every setsockopt call on the system",
                "  sockwatch -p 1234                     # PID 1234 and its descendants, e.g. a server's workers",
                "  sockwatch -p 1234 --no-children       # PID 1234 alone (repeat -p for more)",
                "  sockwatch -c nginx -c java            # only processes named nginx or java",
                "  sockwatch -o TCP_NODELAY -o SO_KEEPALIVE   # only these options",
                "  sockwatch --level SOL_TCP --duration 30    # TCP-level options, for 30 seconds",
                "  sockwatch --tcp -c java               # calls on TCP sockets of java processes",
                "  sockwatch --changes-only -p 1234      # a busy server: only changes, repeats counted in the kernel",
                "  sockwatch --json -- curl -s http://127.0.0.1:8080/   # launch curl, JSON lines",
                "  sockwatch -- python3 app.py           # launch a program and watch it and its children",
                "  sockwatch --duration 60 -- nginx      # a daemon: watched after its parent exits, for 60 s"})
public final class SockwatchCommand implements Callable<Integer> {
    private static final int BANNER_COMMAND_MAX = 100;
    /** The backend that armed, for the summary's blind spots (set once armed, read by the Ctrl-C hook too). */
    private volatile String armedBackend;

    @Option(names = {"-p", "--pid"}, paramLabel = "PID", description = "watch this process and its descendants"
            + " (those alive now and those forked later; repeatable); ends when all have exited")
    List<Integer> pids = new ArrayList<>();

    @Option(names = "--no-children", description = "with -p: watch the given processes alone, not their descendants")
    boolean noChildren;

    @Option(names = {"-c", "--comm"}, paramLabel = "NAME", description = "watch processes with this name (repeatable)")
    List<String> comms = new ArrayList<>();

    @Option(names = {"-o", "--option"}, paramLabel = "NAME",
            description = "only this socket option, e.g. TCP_NODELAY (repeatable)")
    List<String> options = new ArrayList<>();

    @Option(names = "--level", paramLabel = "LEVEL",
            description = "only this level: a SOL_* name (SOL_TCP, or tcp, or IPPROTO_TCP; any case) or a number"
                    + " (repeatable). An unknown name's error lists the known ones")
    List<String> levels = new ArrayList<>();

    @Option(names = "--cgroup", paramLabel = "PREFIX", description = "only processes in this cgroup v2 path or"
            + " under it, as /proc/PID/cgroup and the JSON's \"cgroup\" show it (e.g. /system.slice/nginx.service)"
            + " or as its directory under the cgroup2 mount (repeatable). Filtered after the probe, on the cgroup"
            + " read at a process's first event: a process gone by then is left out")
    List<String> cgroups = new ArrayList<>();

    @Option(names = "--tcp", description = "only calls on TCP sockets (filtered in the probe where it can)")
    boolean tcpOnly;

    @Option(names = "--changes-only", description = "show a call only when it changes something: the first call on each"
            + " socket and option, then only calls with a different value or result. Identical repeats are counted in"
            + " the kernel (cheap, never lost) and their counts shown in the summary (and as JSON records with --json)")
    boolean changesOnly;

    @Option(names = "--count", description = "print no call, only at the end how many calls each process made per"
            + " option, value and result: counted in the kernel (cheapest for the traced program, exact), a table"
            + " (or one JSON record per count with --json). bpftrace backend")
    boolean countsOnly;

    @Option(names = "--no-batch", description = "bpftrace backend: print each call as it happens. By default calls"
            + " are kept in the kernel and shown in time order 70 to 100 ms later, which spares the traced program a"
            + " wake-up of bpftrace per call (on bpftrace 0.17 about 4/5 of its cost), up to 61,000 calls a second"
            + " and bursts of 16384; past that, calls are counted and reported lost")
    boolean noBatch;

    @Option(names = "--backend", paramLabel = "NAME", defaultValue = "auto",
            description = "probe to use: auto (default: the first that runs here of stap, bpftrace, and strace for -p"
                    + " or a COMMAND), stap, bpftrace, strace")
    String backend;

    @Option(names = "--stap-module", paramLabel = "FILE.ko",
            description = "with the stap backend: load this module from `sockwatch stap-compile` instead of compiling")
    Path stapModule;

    @Option(names = "--json", description = "one JSON object per event (JSON lines), then the summary as records;"
            + " see the README for the fields")
    boolean json;

    @Option(names = "--duration", paramLabel = "SECONDS", description = "stop after this many seconds")
    Double duration;

    @Option(names = "--no-summary", description = "do not print the per-process summary at the end")
    boolean noSummary;

    @Option(names = "--compat32", negatable = true, description = "bpftrace: also watch 32-bit (gcc -m32, i386)"
            + " programs, through a probe on every syscall of the system. Default: only when a watched process (or"
            + " for the whole system or -c, any process) or the COMMAND is one at the start; --no-compat32: never")
    Boolean compat32;

    @Option(names = "--output", paramLabel = "FILE", description = "write the events (text or --json) to FILE,"
            + " appended to (created 0600; a symlink is refused), instead of stdout: a launched COMMAND keeps its own"
            + " stdout. Log rotation is followed (rename and create, or copytruncate). The banner and summary stay on"
            + " stderr")
    java.nio.file.Path output;

    @Option(names = "--no-io-uring", description = "bpftrace: leave out the probe's io_uring part (setsockopt made"
            + " through io_uring requests, Linux 6.7+), which runs on every io_uring request of the system")
    boolean noIoUring;

    /** What the armed probe itself leaves out (its blind spots), for the summary. */
    private volatile RunningTrace armedTrace;
    /** Watched processes that held an io_uring instance at the start, for a backend blind to io_uring. */
    private volatile List<Long> ioUringHolders = List.of();

    /** Whether 32-bit programs' calls are watched, and why (for the banner, and a summary that saw none). */
    Compat32.Decision compat32Decision;

    @Parameters(paramLabel = "COMMAND", arity = "0..*",
            description = "launch this command (after --) and watch it and its children")
    List<String> command = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        OptionTable table = OptionTable.standard();
        Set<SockOption> wanted = OptionNames.resolve(table, options);
        Set<Integer> wantedLevels = OptionNames.resolveLevels(table, levels);
        CgroupFilter inCgroups = CgroupFilter.parse(cgroups);
        if (duration != null && !(duration > 0)) {
            throw new UserException(ExitCodes.USAGE, "--duration must be a positive number of seconds");
        }
        if (!command.isEmpty() && !pids.isEmpty()) {
            throw new UserException(ExitCodes.USAGE, "give either -p PID or a COMMAND to launch, not both");
        }
        if (countsOnly && changesOnly) {
            throw new UserException(ExitCodes.USAGE, "give either --count or --changes-only, not both (--count"
                    + " prints no calls at all)");
        }
        if (noChildren && pids.isEmpty()) {
            throw new UserException(ExitCodes.USAGE, "--no-children goes with -p PID (a launched COMMAND is always"
                    + " watched with its children)");
        }
        if (!sockwatch.sys.Privileges.isRoot()) {   // said first, not after every backend's own reasons
            throw new UserException(ExitCodes.UNAVAILABLE, "cannot trace: not root: every trace backend needs root"
                    + " here (run sockwatch with sudo; `sockwatch doctor` explains each)");
        }
        // before anything starts: an unwritable FILE is a usage error, and the command must not have run
        PrintStream out = output != null ? OutputFile.open(output, true) : Console.stdout();
        for (int pid : pids) {
            if (!Processes.exists(pid)) {
                throw new UserException(ExitCodes.USAGE, "no process with PID " + pid);
            }
            if (Processes.isKernelThread(pid)) {
                throw new UserException(ExitCodes.USAGE, "PID " + pid + " is a kernel thread ("
                        + Processes.comm(pid).map(Printable::of).orElse("?") + "): it has no sockets of its own and"
                        + " never calls setsockopt");
            }
        }
        // -p: the watch ends when all of them have exited (taken now, before arming, so a recycled PID cannot fool
        // it); their descendants join once the probe is armed, and what they fork as the backend reports it
        boolean children = !pids.isEmpty() && !noChildren;
        WatchedProcesses watched = pids.isEmpty() ? null : WatchedProcesses.of(pids);
        LaunchedCommand launched = null;
        if (!command.isEmpty()) {
            try {
                launched = LaunchedCommand.start(command, false);
            } catch (IOException e) {
                throw new UserException(ExitCodes.USAGE, e.getMessage());
            }
        }
        if (launched != null) {
            watched = WatchedProcesses.of(List.of(launched.pid()));
        }
        TraceRequest request = (launched != null ? TraceRequest.launched(launched.pid())
                : new TraceRequest(pids, children)).tcpOnly(tcpOnly).changesOnly(changesOnly)
                .countsOnly(countsOnly).batched(!noBatch);
        request = request.compat32(decideCompat32(launched)).ioUring(!noIoUring)
                .filter(sockwatch.probe.KernelFilter.of(comms, wanted, wantedLevels));   // and again in Java
        // Chosen for this request (strace cannot watch the whole system); a launched command has not run yet.
        BackendChooser.Choice choice;
        try {
            choice = chooseBackend(backend, stapModule, request);
        } catch (UserException e) {
            cancel(launched);
            throw e;
        } catch (BackendUnavailableException e) {
            cancel(launched);
            throw new UserException(ExitCodes.UNAVAILABLE, "cannot trace: " + e.oneLine());
        }
        if (changesOnly && !choice.backend().countsRepeats()) { // named with --backend (auto passes such over)
            cancel(launched);
            throw new UserException(ExitCodes.UNAVAILABLE, "--changes-only needs a backend that counts repeats in the"
                    + " kernel (bpftrace); " + choice.backend().name() + " cannot");
        }
        if (countsOnly && !choice.backend().countsRepeats()) {
            cancel(launched);
            throw new UserException(ExitCodes.UNAVAILABLE, "--count needs a backend that counts calls in the kernel"
                    + " (bpftrace); " + choice.backend().name() + " cannot");
        }

        PrintStream err = System.err;
        // the backends narrow to the watched processes; --no-children is checked again here (strace follows forks)
        // --count: --tcp is the probe's alone (a count has no socket to judge)
        EventPrinter printer = new EventPrinter(EventFilter.of(noChildren ? new LinkedHashSet<>(pids) : Set.of(),
                comms, wanted, wantedLevels, tcpOnly && !countsOnly),
                json ? new JsonFormatter() : new TextFormatter(ZoneId.systemDefault()), table, out, err, v -> {
        }).cgroups(inCgroups);
        if (changesOnly) {
            printer.changesOnly();
        }
        if (countsOnly) {
            printer.countsOnly();
        }
        if (watched != null && (children || launched != null)) {
            printer.watching(watched);
        }

        CountPrinter countPrinter = countsOnly ? new CountPrinter(json, out) : null;
        Session session = new Session(printer, err, noSummary, countPrinter);
        session.blindSpots(() -> blindSpots(printer));
        Runtime.getRuntime().addShutdownHook(new Thread(session::finish, "sockwatch-shutdown"));
        RunningTrace trace;
        try {
            Arming.Armed armed = Arming.arm(choice, request, printer, session::attach,
                    note -> System.err.println("sockwatch: " + note));
            choice = armed.choice();
            trace = armed.trace();
            armedBackend = choice.backend().name();
            if (countPrinter != null) {
                countPrinter.backend(armedBackend);
            }
            armedTrace = trace;
        } catch (Arming.ArmFailure e) {
            if (launched != null) {
                launched.cancel();
            }
            session.finishQuietly();
            throw new UserException(ExitCodes.UNAVAILABLE, e.getMessage());
        }
        if (children) {
            for (long d : sockwatch.sys.ProcessTree.descendants(pids)) {
                watched.add(d);
            }
        }
        err.println(banner(choice, launched, children ? watched.alive().size() - pids.size() : -1));
        noteIoUringHolders(watched);
        if (launched != null) {
            launched.go();
        }
        long deadline = duration == null ? Long.MAX_VALUE : System.nanoTime() + (long) (duration * 1e9);
        int exit = ExitCodes.OK;
        // strace follows the whole tree itself and ends once it is gone; for the others `watched` is the tree
        // (bpftrace reports its forks and exits; stap's is what it was at the start)
        boolean backendEnds = trace.endsWithWatched();
        boolean commandExited = false;
        long commandExitNanos = 0;
        while (true) {
            if (launched != null && !commandExited && launched.waitFor(100)) {
                exit = launched.waitFor();
                commandExited = true;
                commandExitNanos = System.nanoTime();
                trace.drainAfterRootExit(Duration.ofSeconds(2));
                // strace ends by itself once the tree is gone, a moment after the command: give it that moment
                // before saying that processes live on
                for (long until = System.nanoTime() + 1_500_000_000L; backendEnds && trace.isAlive()
                        && System.nanoTime() < until; ) {
                    Thread.sleep(20);
                }
                List<Long> rest = backendEnds ? List.of() : watched.alive();
                if (backendEnds ? !trace.isAlive() : rest.isEmpty()) {
                    break;
                }
                err.println("sockwatch: `" + commandText(launched) + "` exited with status " + exit + ", but "
                        + (backendEnds ? "processes it started live on (strace still traces them)"
                        : rest.size() + (rest.size() == 1 ? " process" : " processes") + " it started (PID "
                        + pidList(rest) + ") live on") + ": still watching until they exit"
                        + (duration != null ? ", for at most " + duration + " s in all" : "") + ", or Ctrl-C");
            } else if (launched != null && commandExited) {
                Thread.sleep(100);
                if (!backendEnds && watched.allExited()) {
                    Thread.sleep(200);
                    err.println("sockwatch: the last process the command started has exited, "
                            + String.format(java.util.Locale.ROOT, "%.1f", (System.nanoTime() - commandExitNanos)
                            / 1e9) + " s after the command");
                    break;
                }
            } else if (launched == null) {
                Thread.sleep(100);
                if (watched != null && !(children && backendEnds) && watched.allExited()) {
                    // One PID: its exit marker follows its last call (bpftrace, stap); several: let buffers drain.
                    if (pids.size() == 1 && !children) {
                        trace.drainAfterRootExit(Duration.ofSeconds(2));
                    } else {
                        Thread.sleep(200);
                    }
                    err.println(allExitedMessage(children));
                    break;
                }
            }
            if (System.nanoTime() >= deadline) {
                break;
            }
            if (!trace.isAlive()) {
                // Ended by itself with nothing left to watch, or stopped by the Ctrl-C/SIGTERM hook: not a failure.
                if (trace.watchedProcessesGone() || session.isFinished()) {
                    if (watched != null && trace.watchedProcessesGone() && !session.isFinished()) {
                        err.println(launched != null ? "sockwatch: every process the command started has exited"
                                : allExitedMessage(children));
                    }
                    break;
                }
                String why = trace.failure();
                session.finish();
                throw new UserException(ExitCodes.FAILED, choice.backend().name() + " ended unexpectedly"
                        + (why != null ? ": " + why : ""));
            }
        }
        session.finish();
        return exit;
    }

    /**
     * strace and stap cannot see setsockopt made through io_uring: where a watched process holds an io_uring
     * instance at the start, say so now rather than let the watch look complete.
     */
    private void noteIoUringHolders(WatchedProcesses watched) {
        if ("bpftrace".equals(armedBackend) || !sockwatch.sys.IoUring.kernelHasSocketCommands() || watched == null) {
            return;
        }
        List<Long> holders = sockwatch.sys.IoUring.holders(watched.alive());
        ioUringHolders = holders;
        if (!holders.isEmpty()) {
            System.err.println("sockwatch: PID " + pidList(holders) + " holds an io_uring instance: options it sets"
                    + " through io_uring requests are not seen by " + armedBackend + " (--backend bpftrace sees"
                    + " them)");
        }
    }

    /** Looks for 32-bit programs among what will be watched (sockwatch.sys.Compat32 has the rule). */
    private boolean decideCompat32(LaunchedCommand launched) throws UserException {
        try {
            compat32Decision = Compat32.decide(Compat32.Mode.of(compat32), pids, command);
        } catch (IllegalArgumentException e) {
            cancel(launched);
            throw new UserException(ExitCodes.USAGE, e.getMessage());
        }
        return compat32Decision.watched();
    }


    private static void cancel(LaunchedCommand launched) {
        if (launched != null) {
            launched.cancel();
        }
    }

    /** The backend asked for, for this request; a --stap-module belongs to the stap backend only. */
    static BackendChooser.Choice chooseBackend(String backend, Path stapModule, TraceRequest request)
            throws UserException, BackendUnavailableException {
        if (stapModule != null && !backend.equals("stap") && !backend.equals("auto")) {
            throw new UserException(ExitCodes.USAGE, "--stap-module goes with --backend stap, not " + backend);
        }
        if (stapModule != null && !Files.isRegularFile(stapModule)) {
            throw new UserException(ExitCodes.USAGE, "no module file " + stapModule
                    + " (build one with: sockwatch stap-compile --kernel RELEASE -o FILE.ko)");
        }
        try {
            return BackendChooser.standard(stapModule).choose(stapModule != null ? "stap" : backend, request);
        } catch (IllegalArgumentException e) {
            throw new UserException(ExitCodes.USAGE, e.getMessage());
        }
    }

    private static String commandText(LaunchedCommand launched) {
        String cmd = Printable.of(String.join(" ", launched.argv()).getBytes(StandardCharsets.UTF_8));
        return cmd.length() > BANNER_COMMAND_MAX ? cmd.substring(0, BANNER_COMMAND_MAX) + "..." : cmd;
    }

    private String allExitedMessage(boolean children) {
        return "sockwatch: " + (pids.size() == 1 ? "PID " + pids.get(0) + " has exited"
                + (children ? ", and so has every process below it" : "") : "every watched process has exited");
    }

    private static String pidList(List<Long> pids) {
        List<String> shown = pids.stream().limit(8).map(String::valueOf).toList();
        return String.join(", ", shown) + (pids.size() > shown.size() ? ", ..." : "");
    }

    /** What the summary must add about what this watch could not see. */
    private List<String> blindSpots(EventPrinter printer) {
        List<String> spots = new ArrayList<>();
        if (noChildren) {
            long kids = sockwatch.sys.ProcessTree.descendants(pids).size();
            spots.add("descendants of the watched PIDs (--no-children)" + (kids > 0 ? ": " + kids + " now" : ""));
        } else if (!pids.isEmpty() && "stap".equals(armedBackend)) {
            spots.add("descendants the PIDs had before the watch started (the stap tap follows only what they fork"
                    + " during it)");
        }
        if ("bpftrace".equals(armedBackend) && compat32Decision != null) {
            compat32Decision.blindSpot().ifPresent(spots::add); // strace and stap see 32-bit calls as they are
        }
        RunningTrace t = armedTrace;
        if (t != null) {
            spots.addAll(t.blindSpots());
        }
        if (armedBackend != null && !"bpftrace".equals(armedBackend) && sockwatch.sys.IoUring.kernelHasSocketCommands()) {
            List<Long> holders = ioUringHolders;
            spots.add("setsockopt through io_uring requests (Linux 6.7+), which " + armedBackend + " cannot see"
                    + (holders.isEmpty() ? "" : ": PID " + pidList(holders) + " held an io_uring instance at the"
                    + " start"));
        }
        if (printer.unfollowed() > 0) {
            spots.add(printer.unfollowed() + " tasks forked by watched processes, for which the probe's table had"
                    + " no room");
        }
        return spots;
    }

    private String banner(BackendChooser.Choice choice, LaunchedCommand launched, int descendantsAtStart) {
        String who;
        if (launched != null) {
            who = "`" + commandText(launched) + "` (PID " + launched.pid() + ") and every process it starts";
        } else if (!pids.isEmpty()) {
            List<String> ps = new ArrayList<>();
            for (int pid : pids) {
                ps.add(pid + " '" + Processes.comm(pid).map(Printable::of).orElse("?") + "'");
            }
            who = "PID " + String.join(", ", ps) + (noChildren ? " alone (--no-children)"
                    : " and " + (pids.size() == 1 ? "its" : "their") + " descendants (" + descendantsAtStart
                    + (descendantsAtStart == 1 ? " process" : " processes") + " now, and what they fork)");
        } else if (!comms.isEmpty()) {
            who = "processes named " + String.join(", ", comms.stream()
                    .map(c -> "'" + Printable.of(c.getBytes(StandardCharsets.UTF_8)) + "'").toList());
        } else {
            who = "every process";
        }
        if (!cgroups.isEmpty()) {
            who += " in cgroup " + String.join(" or ", cgroups.stream()
                    .map(c -> Printable.of(c.getBytes(StandardCharsets.UTF_8))).toList()) + " (filtered after the probe)";
        }
        String until = launched != null || !pids.isEmpty() ? "Ends when " + (pids.size() > 1 ? "they have all exited"
                : noChildren ? "it exits" : "it and its descendants have exited")
                + (duration != null ? ", after " + duration + " s" : "") + ", or Ctrl-C."
                : duration != null ? "Ends after " + duration + " s, or Ctrl-C." : "Ctrl-C to end.";
        return "Watching setsockopt calls of " + who + " with " + choice.backend().name() + " (" + choice.why()
                + ")" + (changesOnly ? ", changes only (identical repeats are counted, shown in the summary)" : "")
                + (countsOnly ? ", counting only (every call counted in the kernel, the counts printed at the end)"
                        : "")
                + (compat32Decision.watched() && choice.backend().name().equals("bpftrace")
                        ? ", 32-bit programs too (" + compat32Decision.why() + ")" : "")
                + ". " + until;
    }

    /** Stops the probe once, from the main thread or the Ctrl-C hook, and prints the summary. */
    static final class Session {
        private final EventPrinter printer;
        private final PrintStream err;
        private final boolean noSummary;
        private RunningTrace trace;
        private boolean finished;
        private java.util.function.Supplier<List<String>> blindSpots = List::of;
        private final CountPrinter counts;

        /** @param counts with --count: prints the counts in place of the summary; null otherwise */
        Session(EventPrinter printer, PrintStream err, boolean noSummary, CountPrinter counts) {
            this.printer = printer;
            this.err = err;
            this.noSummary = noSummary;
            this.counts = counts;
        }

        synchronized void blindSpots(java.util.function.Supplier<List<String>> spots) {
            this.blindSpots = spots;
        }

        synchronized void attach(RunningTrace trace) {
            this.trace = trace;
        }

        synchronized void finish() {
            if (finished) {
                return;
            }
            finishQuietly();
            if (counts != null) {
                // the counts are the output (stdout or --output); what the watch could not see stays on stderr
                counts.print(printer.counts());
                if (!noSummary) {
                    err.print(CountPrinter.notes(blindSpots.get(), printer.summary().malformedLines()));
                    err.flush();
                }
                return;
            }
            if (!noSummary) {
                printer.summary().blindSpots(blindSpots.get());
                printer.printSummaryRecords();   // --json: into the JSON stream, after the events
                err.print(printer.summary().render());
                err.flush();
            }
        }

        synchronized boolean isFinished() {
            return finished;
        }

        synchronized void finishQuietly() {
            finished = true;
            if (trace != null) {
                trace.close();
            }
            printer.flush();
        }
    }
}
