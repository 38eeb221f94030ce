package sockwatch.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.ZoneId;
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
import sockwatch.sys.LaunchedCommand;

/**
 * `sockwatch self-check`: launches our own test app under the probe and checks that the probe saw the app's
 * PID enable TCP_NODELAY at SOL_TCP with success. The quick proof a probe works before aiming it at a binary
 * nobody has the source of.
 */
@Command(name = "self-check", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Prove the probe works here: watch our test app enable TCP_NODELAY; prints PASS or FAIL.",
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:PASS", "1:FAIL: the probe ran but did not see the call", "3:FAIL: the probe cannot run here"},
        footerHeading = "%nExamples:%n",
        footer = {"  sockwatch self-check             # Java test app, best backend",
                "  sockwatch self-check --jython    # the Jython test app",
                "  sockwatch self-check --backend bpftrace",
                "  sockwatch self-check --backend stap --stap-module sockwatch_6_1_0_56_amd64.ko"})
public final class SelfCheckCommand implements java.util.concurrent.Callable<Integer> {
    private static final int SOL_TCP = 6;
    private static final int TCP_NODELAY = 1;

    @Option(names = "--jython", description = "use the Jython test app instead of the Java one")
    boolean jython;

    @Option(names = "--backend", paramLabel = "NAME", defaultValue = "auto", description = "probe to check (default: auto)")
    String backend;

    @Option(names = "--stap-module", paramLabel = "FILE.ko",
            description = "with the stap backend: load this module from `sockwatch stap-compile`")
    Path stapModule;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "120",
            description = "how long to wait for the test app's call (default: ${DEFAULT-VALUE})")
    int timeoutSeconds;

    @Override
    public Integer call() throws Exception {
        PrintStream out = Console.stdout();
        String app = jython ? "Jython" : "Java";
        BackendChooser.Choice choice;
        try {
            choice = SockwatchCommand.chooseBackend(backend, stapModule);
        } catch (BackendUnavailableException e) {
            out.println("FAIL: backend " + backend + " cannot run here: " + e.oneLine());
            return ExitCodes.UNAVAILABLE;
        }
        String backendName = choice.backend().name();
        out.println("sockwatch self-check: " + backendName + " backend (" + choice.why() + "), " + app + " test app");

        CompletableFuture<EventView> seen = new CompletableFuture<>();
        LaunchedCommand appProcess = LaunchedCommand.start(testAppCommand(jython), true);
        TextFormatter text = new TextFormatter(ZoneId.systemDefault());
        EventPrinter sink = new EventPrinter(EventFilter.any(), v -> "  saw: " + text.format(v),
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
                trace = choice.backend().start(TraceRequest.launched(appProcess.pid()), sink);
            } catch (BackendUnavailableException e) {
                out.println("FAIL: " + backendName + " cannot run here: " + e.oneLine());
                return ExitCodes.UNAVAILABLE;
            }
            if (!trace.awaitArmed(choice.backend().armTimeout())) {
                String why = trace.failure();
                out.println("FAIL: " + backendName + " could not arm its probe" + (why != null ? ": " + why : ""));
                return ExitCodes.UNAVAILABLE;
            }
            appProcess.go();
            Thread reader = echoAppOutput(appProcess, out);
            try {
                EventView v = seen.get(timeoutSeconds, TimeUnit.SECONDS);
                out.println("PASS: " + backendName + " saw the " + app + " test app (PID " + appProcess.pid()
                        + ") enable TCP_NODELAY (SOL_TCP) on fd " + v.event().fd() + " with success");
                return ExitCodes.OK;
            } catch (TimeoutException e) {
                String state = appProcess.isAlive() ? "the test app is still running"
                        : "the test app exited with status " + appProcess.waitFor();
                String why = trace.isAlive() ? null : trace.failure();
                out.println("FAIL: " + backendName + " did not see TCP_NODELAY from the " + app + " test app (PID "
                        + appProcess.pid() + ") within " + timeoutSeconds + " s; " + state
                        + (why != null ? "; " + why : ""));
                return ExitCodes.FAILED;
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

    /** The test app runs from sockwatch's own class path: the same jar JBang built, or Maven's classes. */
    static List<String> testAppCommand(boolean jython) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return List.of(java, "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-cp", System.getProperty("java.class.path"),
                jython ? "SockoptTestAppJython" : "SockoptTestApp", "--hold", "600");
    }

    private static Thread echoAppOutput(LaunchedCommand app, PrintStream out) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(app.stdout(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    out.println("  app: " + line);
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
