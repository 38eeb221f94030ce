package sockwatch.cli;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sockwatch.setup.OsRelease;
import sockwatch.setup.PackageManager;
import sockwatch.setup.SetupPlan;
import sockwatch.sys.Executables;
import sockwatch.sys.KernelFacts;
import sockwatch.sys.Privileges;
import sockwatch.sys.Tracefs;

/**
 * `sockwatch setup`: makes this machine ready to watch. Mounts tracefs if needed, installs what the best backend
 * for this kernel needs and is missing (bpftrace, strace) with the distribution's package manager after printing
 * the exact command, and ends with doctor's table. It installs only when asked: --yes, or a "y" on a terminal.
 */
@Command(name = "setup", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Make this machine ready: mount tracefs if needed, install what the best backend for this"
                + " kernel needs and is missing (bpftrace, strace) with apt-get, dnf or zypper, then run doctor.",
                "Prints the exact install command first; installs only with --yes or after you answer y on a"
                        + " terminal. SystemTap is never installed, only explained. Needs root."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:ready: doctor says a trace backend can run here",
                "2:bad usage",
                "3:not ready: not root, not asked to install, no known package manager, the install failed, or"
                        + " doctor says no trace backend can run"},
        footerHeading = "%nExamples:%n",
        footer = {"  sockwatch setup          # show what it would install, ask on a terminal, then doctor",
                  "  sockwatch setup --yes    # install without asking (scripts, a fresh server), then doctor",
                  "  sockwatch setup --yes && sockwatch self-check && sockwatch   # from nothing to a watch"})
public final class SetupCommand implements Callable<Integer> {

    @Option(names = {"-y", "--yes"}, description = "install what is missing without asking")
    boolean yes;

    @Override
    public Integer call() {
        PrintStream out = Console.stdout();
        if (!Privileges.isRoot()) {
            throw new UserException(ExitCodes.UNAVAILABLE, "setup needs root (it installs packages and mounts"
                    + " tracefs): run it with sudo, or as root");
        }
        OsRelease os = OsRelease.read();
        out.println("sockwatch setup: " + printable(os.prettyName()) + ", kernel " + KernelFacts.release()
                + " (" + KernelFacts.machine() + ")");
        Boolean tracepoints = null;
        try {
            tracepoints = Tracefs.hasSetsockoptTracepoints(Tracefs.ensureMounted());
        } catch (IOException e) {
            out.println("sockwatch setup: " + e.getMessage());   // says what to run; doctor will say it again
        }
        SetupPlan plan = SetupPlan.of(new SetupPlan.Facts(KernelFacts.hasBtf(), tracepoints, installed("bpftrace"),
                installed("strace"), installed("stap"), KernelFacts.canLoadModules()));
        for (String note : plan.notes()) {
            out.println("sockwatch setup: " + note);
        }
        if (plan.install().isEmpty()) {
            out.println("sockwatch setup: nothing to install");
        } else {
            install(out, os, plan);
        }
        out.println();
        return new DoctorCommand().call();
    }

    private void install(PrintStream out, OsRelease os, SetupPlan plan) {
        List<String> packages = plan.packages();
        String what = String.join(", ", plan.install().stream().map(n -> n.tool() + " (" + n.why() + ")").toList());
        PackageManager pm = PackageManager.detect(os, SetupCommand::installed).orElseThrow(() -> new UserException(
                ExitCodes.UNAVAILABLE, "setup knows apt-get, dnf and zypper, and none is here: install "
                + String.join(" and ", packages) + " with this system's package manager, then run sockwatch doctor"));
        List<String> command = pm.install(packages);
        out.println("sockwatch setup: missing " + what);
        out.println("sockwatch setup: the command: " + String.join(" ", command));
        if (!yes && !askedYes(out)) {
            throw new UserException(ExitCodes.UNAVAILABLE, "nothing installed (" + (onTerminal()
                    ? "not confirmed" : "no --yes, and no terminal to ask") + "): run sockwatch setup --yes, or"
                    + " by hand: " + String.join(" ", command));
        }
        // apt-get installs from its lists: fetch them first on a machine that has none (a fresh image), and
        // once more if the install fails on old ones (a package not found, a 404 from the mirror)
        boolean refreshed = false;
        if (pm.refresh().isPresent() && noAptLists()) {
            run(out, pm, pm.refresh().get());
            refreshed = true;
        }
        int rc = run(out, pm, command);
        if (rc != 0 && !refreshed && pm.refresh().isPresent()) {
            out.println("sockwatch setup: the install failed (exit " + rc + "); refreshing the package lists and"
                    + " trying once more");
            run(out, pm, pm.refresh().get());
            rc = run(out, pm, command);
        }
        if (rc != 0) {
            throw new UserException(ExitCodes.UNAVAILABLE, "`" + String.join(" ", command) + "` failed (exit " + rc
                    + "): run it by hand to see why, then sockwatch doctor");
        }
        for (String tool : plan.install().stream().map(SetupPlan.Need::tool).toList()) {
            if (!installed(tool)) {
                throw new UserException(ExitCodes.UNAVAILABLE, "`" + String.join(" ", command) + "` succeeded but "
                        + tool + " is still not on PATH: look for it (its package may be named differently here)");
            }
        }
        out.println("sockwatch setup: installed " + String.join(", ", packages));
    }

    /** The package manager runs with our stdout and stderr (its progress is the user's to see), never our stdin. */
    private static int run(PrintStream out, PackageManager pm, List<String> command) {
        out.println("sockwatch setup: running: " + String.join(" ", command));
        out.flush();
        ProcessBuilder pb = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.INHERIT).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().putAll(pm.environment());
        try {
            Process p = pb.start();
            // never killed halfway: an interrupted dpkg or rpm leaves the system's package database to repair
            while (true) {
                try {
                    return p.waitFor();
                } catch (InterruptedException e) {
                    // keep waiting
                }
            }
        } catch (IOException e) {
            throw new UserException(ExitCodes.UNAVAILABLE, "cannot run " + command.get(0) + ": " + e.getMessage());
        }
    }

    private static boolean askedYes(PrintStream out) {
        if (!onTerminal()) {
            return false;
        }
        out.print("sockwatch setup: install now? [y/N] ");
        out.flush();
        try {
            byte[] line = new byte[64];
            int n = System.in.read(line);
            String answer = n <= 0 ? "" : new String(line, 0, n, StandardCharsets.UTF_8).strip();
            return answer.equalsIgnoreCase("y") || answer.equalsIgnoreCase("yes");
        } catch (IOException e) {
            return false;
        }
    }

    /** stdin is a terminal: someone can answer a question. */
    private static boolean onTerminal() {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/0")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    private static boolean noAptLists() {
        try (DirectoryStream<Path> lists = Files.newDirectoryStream(Path.of("/var/lib/apt/lists"), "*_Packages*")) {
            return !lists.iterator().hasNext();
        } catch (IOException e) {
            return true;
        }
    }

    /** os-release is root's file, but a terminal still gets no control characters from it (escaped as names are). */
    private static String printable(String s) {
        return sockwatch.output.Printable.of((s.length() > 200 ? s.substring(0, 200) : s)
                .getBytes(StandardCharsets.UTF_8));
    }

    private static boolean installed(String tool) {
        return Executables.find(tool).isPresent();
    }
}
