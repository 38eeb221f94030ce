package sockwatch.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sockwatch.decode.OptionTable;
import sockwatch.output.EventView;
import sockwatch.output.TextFormatter;
import sockwatch.probe.BackendChooser;
import sockwatch.probe.BackendUnavailableException;
import sockwatch.probe.RunningTrace;
import sockwatch.probe.TraceRequest;
import sockwatch.snapshot.DefaultsProbe;
import sockwatch.snapshot.OptionPlan;
import sockwatch.snapshot.ProcessSnapshotter;
import sockwatch.snapshot.SnapshotException;
import sockwatch.snapshot.SnapshotSupport;
import sockwatch.snapshot.SocketSnapshot;
import sockwatch.sys.LaunchedCommand;

/**
 * `sockwatch self-check`: launches our own test app under the probe and checks that the probe saw the app's
 * PID enable TCP_NODELAY at SOL_TCP with success. The quick proof a probe works before aiming it at a binary
 * nobody has the source of.
 */
@Command(name = "self-check", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Prove the probe works here: watch our test app enable TCP_NODELAY; prints PASS or FAIL.",
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:PASS", "1:FAIL: the probe ran but did not see the call", "2:usage error (a bad option or value)",
                "3:FAIL: the probe cannot run here"},
        footerHeading = "%nExamples:%n",
        footer = {"  sockwatch self-check             # Java test app, best backend",
                "  sockwatch self-check --jython    # the Jython test app",
                "  sockwatch self-check --backend strace",
                "  sockwatch self-check --backend stap --stap-module sockwatch_6_1_0_56_amd64.ko",
                "  sockwatch self-check --all       # every backend and snapshot mode, as a table"})
public final class SelfCheckCommand implements java.util.concurrent.Callable<Integer> {
    private static final int SOL_TCP = 6;
    private static final int TCP_NODELAY = 1;

    @Option(names = "--jython", description = "use the Jython test app instead of the Java one")
    boolean jython;

    @Option(names = "--backend", paramLabel = "NAME", defaultValue = "auto",
            description = "probe to check: auto (default), stap, bpftrace, strace")
    String backend;

    @Option(names = "--stap-module", paramLabel = "FILE.ko",
            description = "with the stap backend: load this module from `sockwatch stap-compile`")
    Path stapModule;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "120",
            description = "how long to wait for the test app's call (default: ${DEFAULT-VALUE})")
    int timeoutSeconds;

    @Option(names = "--all", description = "check every backend and the snapshot mode, and print a table")
    boolean all;

    /** One check's result: its exit code and the one line that says why. */
    record Outcome(int exit, String line) {
        boolean passed() {
            return exit == ExitCodes.OK;
        }
    }

    @Override
    public Integer call() throws Exception {
        PrintStream out = Console.stdout();
        if (!all) {
            Outcome o = checkTrace(backend, out);
            out.println((o.passed() ? "PASS: " : "FAIL: ") + o.line());
            return o.exit();
        }
        List<String[]> rows = new ArrayList<>();
        int worst = ExitCodes.OK;
        int available = 0;
        for (String name : BackendChooser.standard().names()) {
            Outcome o = checkTrace(name, out);
            rows.add(row(name, o));
            available += o.exit() == ExitCodes.UNAVAILABLE ? 0 : 1;
            worst = o.exit() == ExitCodes.FAILED ? ExitCodes.FAILED : worst;
        }
        Outcome snap = checkSnapshot(out);
        rows.add(row("snapshot", snap));
        available += snap.exit() == ExitCodes.UNAVAILABLE ? 0 : 1;
        worst = snap.exit() == ExitCodes.FAILED ? ExitCodes.FAILED : worst;
        out.println();
        out.println("self-check --all, " + appName() + " test app:");
        int w0 = rows.stream().mapToInt(r -> r[0].length()).max().orElse(0);
        int w1 = rows.stream().mapToInt(r -> r[1].length()).max().orElse(0);
        rows.add(0, new String[] {"MODE", "RESULT", "DETAIL"});
        for (String[] r : rows) {
            out.println("  " + pad(r[0], Math.max(w0, 4)) + "  " + pad(r[1], Math.max(w1, 6)) + "  " + r[2]);
        }
        return available == 0 ? ExitCodes.UNAVAILABLE : worst;
    }

    private static String[] row(String mode, Outcome o) {
        String result = o.passed() ? "PASS" : o.exit() == ExitCodes.UNAVAILABLE ? "n/a" : "FAIL";
        return new String[] {mode, result, o.line()};
    }

    private static String pad(String s, int w) {
        return s + " ".repeat(Math.max(0, w - s.length()));
    }

    private String appName() {
        return jython ? "Jython" : "Java";
    }

    /** Launches the test app under one trace backend and waits for its TCP_NODELAY call. */
    private Outcome checkTrace(String backendName, PrintStream out) throws Exception {
        String app = appName();
        // The app waits until told to go, so it can be launched first: the backend is chosen for its request.
        LaunchedCommand appProcess = LaunchedCommand.start(testAppCommand(jython), true);
        TraceRequest request = TraceRequest.launched(appProcess.pid());
        BackendChooser.Choice choice;
        try {
            // With --all every backend is checked; a --stap-module is for the stap one only.
            Path module = backendName.equals("stap") || backendName.equals("auto") ? stapModule : null;
            choice = SockwatchCommand.chooseBackend(backendName, module, request);
        } catch (UserException e) {
            appProcess.cancel();
            throw e;
        } catch (BackendUnavailableException e) {
            appProcess.cancel();
            return new Outcome(ExitCodes.UNAVAILABLE, "backend " + backendName + " cannot run here: " + e.oneLine());
        }
        String name = choice.backend().name();
        out.println("sockwatch self-check: " + name + " backend (" + choice.why() + "), " + app + " test app");

        CompletableFuture<EventView> seen = new CompletableFuture<>();
        TextFormatter text = new TextFormatter(ZoneId.systemDefault());
        EventPrinter sink = new EventPrinter(EventFilter.any(), (v, line) -> text.formatTo(v, line.append("  saw: ")),
                OptionTable.standard(), out, System.err, v -> {
                    var e = v.event();
                    if (e.pid() == appProcess.pid() && e.level() == SOL_TCP && e.optname() == TCP_NODELAY && e.ok()
                            && Boolean.TRUE.equals(v.value().enabled())) {
                        seen.complete(v);
                    }
                });
        RunningTrace trace = null;
        try {
            try {
                trace = choice.backend().start(request, sink);
            } catch (BackendUnavailableException e) {
                return new Outcome(ExitCodes.UNAVAILABLE, name + " cannot run here: " + e.oneLine());
            }
            if (!trace.awaitArmed(choice.backend().armTimeout())) {
                String why = trace.failure();
                return new Outcome(ExitCodes.UNAVAILABLE, name + " could not arm its probe: "
                        + (why != null ? why : choice.backend().armTimedOut()));
            }
            appProcess.go();
            Thread reader = echoAppOutput(appProcess, out, null);
            try {
                EventView v = seen.get(timeoutSeconds, TimeUnit.SECONDS);
                return new Outcome(ExitCodes.OK, name + " saw the " + app + " test app (PID " + appProcess.pid()
                        + ") enable TCP_NODELAY (SOL_TCP) on fd " + v.event().fd() + " with success");
            } catch (TimeoutException e) {
                String state = appProcess.isAlive() ? "the test app is still running"
                        : "the test app exited with status " + appProcess.waitFor();
                String why = trace.isAlive() ? null : trace.failure();
                return new Outcome(ExitCodes.FAILED, name + " did not see TCP_NODELAY from the " + app
                        + " test app (PID " + appProcess.pid() + ") within " + timeoutSeconds + " s; " + state
                        + (why != null ? "; " + why : ""));
            } finally {
                reader.interrupt();
            }
        } finally {
            if (trace == null || !seen.isDone()) {
                appProcess.cancel();
            }
            appProcess.terminate();
            if (trace != null) {
                trace.close();
            }
        }
    }

    /** Starts the test app, lets it set TCP_NODELAY, then reads its sockets with snapshot. */
    private Outcome checkSnapshot(PrintStream out) throws Exception {
        String problem = SnapshotSupport.problem();
        if (problem != null) {
            return new Outcome(ExitCodes.UNAVAILABLE, "snapshot cannot run here: " + problem);
        }
        out.println("sockwatch self-check: snapshot mode, " + appName() + " test app");
        LaunchedCommand appProcess = LaunchedCommand.start(testAppCommand(jython), true);
        CompletableFuture<Void> ready = new CompletableFuture<>();
        try {
            appProcess.go();
            Thread reader = echoAppOutput(appProcess, out, ready);
            try {
                ready.get(timeoutSeconds, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                return new Outcome(ExitCodes.FAILED, "the test app did not get ready within " + timeoutSeconds + " s");
            } finally {
                reader.interrupt();
            }
            OptionPlan plan = OptionPlan.standard();
            List<String> notes = new ArrayList<>();
            List<SocketSnapshot> sockets = new ProcessSnapshotter(plan, new DefaultsProbe(plan, notes::add), notes::add)
                    .snapshot(appProcess.pid());
            for (SocketSnapshot s : sockets) {
                for (SocketSnapshot.Reading r : s.options()) {
                    if (r.option().level() == SOL_TCP && r.option().optname() == TCP_NODELAY && s.remote() != null
                            && Boolean.TRUE.equals(r.value().enabled()) && r.mark() == SocketSnapshot.Mark.CHANGED) {
                        return new Outcome(ExitCodes.OK, "snapshot read TCP_NODELAY=1 (changed) on fd " + s.fd() + " ("
                                + s.local() + " -> " + s.remote() + ") of the " + appName() + " test app (PID "
                                + appProcess.pid() + ")");
                    }
                }
            }
            return new Outcome(ExitCodes.FAILED, "snapshot found no connected socket with TCP_NODELAY=1 (changed) in "
                    + sockets.size() + " sockets of the test app (PID " + appProcess.pid() + ")");
        } catch (SnapshotException e) {
            return new Outcome(ExitCodes.FAILED, "snapshot failed: " + e.getMessage());
        } finally {
            appProcess.terminate();
        }
    }

    /** The test app runs from sockwatch's own class path: the same jar JBang built, or Maven's classes. */
    static List<String> testAppCommand(boolean jython) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return List.of(java, "--enable-native-access=ALL-UNNAMED", "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-XX:-UsePerfData", "-cp",
                System.getProperty("java.class.path"), jython ? "SockoptTestAppJython" : "SockoptTestApp", "--hold", "600");
    }

    /** Shows the app's lines; completes {@code ready} (when given) on its "ready" line. */
    private static Thread echoAppOutput(LaunchedCommand app, PrintStream out, CompletableFuture<Void> ready) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(app.stdout(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    out.println("  app: " + line);
                    if (ready != null && line.equals("sockwatch-testapp: ready")) {
                        ready.complete(null);
                    }
                }
            } catch (IOException e) {
                // the app ended
            }
        }, "self-check-app-output");
        t.setDaemon(true);
        t.start();
        return t;
    }
}
