package sockwatch.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sockwatch.probe.stap.StapCommands;
import sockwatch.probe.stap.StapDiagnosis;
import sockwatch.probe.stap.StapModuleFile;
import sockwatch.probe.stap.StapStderr;
import sockwatch.probe.stap.StapTap;
import sockwatch.sys.Executables;

/**
 * `sockwatch stap-compile`: compile here, run there. Builds the tap into a module for a given kernel release
 * (stap -p4 -r RELEASE), so a machine with only systemtap-runtime (no compiler, headers or debuginfo) can run
 * it: `sockwatch --backend stap --stap-module FILE.ko`.
 */
@Command(name = "stap-compile", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Compile here, run there: build sockwatch's SystemTap module for a kernel release, for"
                + " `sockwatch --backend stap --stap-module FILE.ko` on a machine running that kernel.",
                "Needs stap and that kernel's headers here (the kfunc tap also its debuginfo); not root."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:module written", "1:stap failed to build it (its first error is shown)",
                "2:bad usage", "3:stap or the kernel headers are missing here"},
        footerHeading = "%nExamples:%n",
        footer = {"  sockwatch stap-compile --kernel 6.1.0-56-amd64     # writes sockwatch_6_1_0_56_amd64.ko",
                "  # then, on the machine running 6.1.0-56-amd64:",
                "  sockwatch --backend stap --stap-module sockwatch_6_1_0_56_amd64.ko -- curl -s http://127.0.0.1:8080/",
                "  staprun sockwatch_6_1_0_56_amd64.ko root_pid=1234   # or by hand: readable lines"})
public final class StapCompileCommand implements Callable<Integer> {
    @Option(names = "--kernel", paramLabel = "RELEASE",
            description = "the target's `uname -r` (default: this machine's kernel)")
    String release;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE.ko",
            description = "where to write the module (default: sockwatch_RELEASE.ko here, with . and - as _)")
    Path output;

    @Option(names = "--tap", paramLabel = "TAP", defaultValue = "syscall",
            description = "syscall (default: no debuginfo needed) or kfunc (kernel functions: needs debuginfo)")
    String tap;

    @Override
    public Integer call() throws Exception {
        StapDiagnosis diagnosis = StapDiagnosis.ofThisHost();
        String r = release != null ? release : diagnosis.release();
        if (!r.matches("[A-Za-z0-9._+~-]+")) {
            throw new UserException(ExitCodes.USAGE, "not a kernel release: '" + r + "'");
        }
        StapTap which = switch (tap) {
            case "syscall" -> StapTap.SYSCALL;
            case "kfunc" -> StapTap.KFUNC;
            default -> throw new UserException(ExitCodes.USAGE, "unknown tap '" + tap + "' (known: syscall, kfunc)");
        };
        List<StapDiagnosis.Finding> findings = diagnosis.check(StapDiagnosis.Mode.COMPILE_ONLY, r);
        if (!findings.isEmpty()) {
            throw new UserException(ExitCodes.UNAVAILABLE, "cannot compile: " + findings.get(0).reason() + " ("
                    + findings.get(0).fix() + ")");
        }
        Path out = output != null ? output : Path.of(StapModuleFile.moduleNameFor(Path.of("sockwatch_" + r)) + ".ko");
        // staprun takes a module's name from its file name, so the module is named after the file.
        String name = StapModuleFile.moduleNameFor(out);
        Path work = Files.createTempDirectory("sockwatch-stap-compile");
        try {
            long start = System.nanoTime();
            List<String> argv = StapCommands.compile(Executables.find("stap").orElseThrow(), r, name,
                    which.writeTo(work));
            List<String> errors = run(argv, work, System.err);
            Path ko = work.resolve(name + ".ko");
            if (!Files.isRegularFile(ko)) {
                StapDiagnosis.Finding why = StapDiagnosis.compileFailure(errors);
                throw new UserException(ExitCodes.FAILED, why != null ? why.reason() + " (" + why.fix() + ")"
                        : "stap did not build a module" + (errors.isEmpty() ? "" : ": " + errors.get(0)));
            }
            Files.copy(ko, out, StandardCopyOption.REPLACE_EXISTING);
            System.err.printf("sockwatch: wrote %s for kernel %s (%d KB, %.1f s). On that machine, as root:%n"
                            + "  sockwatch --backend stap --stap-module %s%n", out, r, Files.size(out) / 1024,
                    (System.nanoTime() - start) / 1e9, out);
            if (!out.getFileName().toString().equals(name + ".ko")) {
                System.err.println("  (to load it with plain staprun, name the file " + name + ".ko: staprun takes "
                        + "the module's name from its file name)");
            }
            return ExitCodes.OK;
        } finally {
            deleteTree(work);
        }
    }

    /** Runs stap in {@code dir}, its pass lines shown as progress; returns the lines that report errors. */
    private static List<String> run(List<String> argv, Path dir, PrintStream err) throws IOException,
            InterruptedException {
        Process p = new ProcessBuilder(argv).directory(dir.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        List<String> errors = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                String progress = StapStderr.progress(line);
                if (progress != null) {
                    err.println(progress);
                } else if (line.contains("error") || line.contains("ERROR")) {
                    errors.add(line);
                }
            }
        }
        p.waitFor();
        return errors;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        }
    }
}
