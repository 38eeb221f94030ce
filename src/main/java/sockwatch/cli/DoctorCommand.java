package sockwatch.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import sockwatch.probe.BackendChooser;
import sockwatch.probe.BackendUnavailableException;
import sockwatch.probe.TraceBackend;
import sockwatch.snapshot.SnapshotSupport;
import sockwatch.sys.Executables;
import sockwatch.sys.KernelFacts;
import sockwatch.sys.Privileges;
import sockwatch.sys.Tracefs;

/** `sockwatch doctor`: which backends can run here, and for those that cannot, exactly why and the fix. */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = "Tell what can run on this machine: each backend available or not, with the reason and the fix.",
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:at least one trace backend can run here", "3:no trace backend can run here"},
        footerHeading = "%nExamples:%n",
        footer = {"  sockwatch doctor                 # what works here, and what to install or change",
                  "  sockwatch doctor --probe > p.bt  # the bpftrace probe for this bpftrace, to run by hand:",
                  "                                   #   bpftrace p.bt 0 0 0 0 0 0 0 0 0"})
public final class DoctorCommand implements Callable<Integer> {

    @picocli.CommandLine.Option(names = "--probe", description = "Print the bpftrace probe as this machine's "
            + "bpftrace needs it (setsockopt.bt with its version's differences applied), and exit.")
    boolean printProbe;

    @Override
    public Integer call() {
        PrintStream out = Console.stdout();
        if (printProbe) {
            try {
                out.print(sockwatch.probe.bpftrace.BpftraceBackend.probeText());
                return ExitCodes.OK;
            } catch (BackendUnavailableException e) {
                throw new UserException(ExitCodes.UNAVAILABLE, e.oneLine());
            }
        }
        out.println("sockwatch doctor: kernel " + KernelFacts.release() + " (" + KernelFacts.machine() + ")");
        out.println();
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"MODE", "STATUS", "WHY / FIX"});
        String firstAvailable = null;
        for (TraceBackend b : BackendChooser.standard().backends()) {
            try {
                String proof = b.verify();
                rows.add(new String[] {b.name(), "available", b.description() + (proof == null ? ""
                        : " (" + proof + ")")});
                if (firstAvailable == null) {
                    firstAvailable = b.name();
                }
            } catch (BackendUnavailableException e) {
                rows.add(new String[] {b.name(), "NOT available", e.oneLine()});
            }
        }
        String snapshotProblem = SnapshotSupport.problem();
        rows.add(new String[] {"snapshot", snapshotProblem == null ? "available" : "NOT available",
                snapshotProblem == null ? "pidfd_getfd + getsockopt: the options a running process has now"
                        : snapshotProblem});
        int w0 = rows.stream().mapToInt(r -> r[0].length()).max().orElse(0);
        int w1 = rows.stream().mapToInt(r -> r[1].length()).max().orElse(0);
        for (String[] r : rows) {
            out.println("  " + pad(r[0], w0) + "  " + pad(r[1], w1) + "  " + r[2]);
        }
        out.println();
        out.println("Facts: " + String.join(", ", facts()));
        out.println(firstAvailable != null ? "--backend auto picks " + firstAvailable + " for a system-wide watch."
                : "No trace backend can run here: apply one of the fixes above.");
        return firstAvailable != null ? ExitCodes.OK : ExitCodes.UNAVAILABLE;
    }

    private static List<String> facts() {
        List<String> f = new ArrayList<>();
        f.add("root " + yesNo(Privileges.isRoot()));
        f.add("BTF " + yesNo(KernelFacts.hasBtf()));
        f.add("tracefs " + (java.nio.file.Files.isDirectory(Tracefs.MOUNT_POINT.resolve("events")) ? "mounted"
                : mounted(Tracefs.MOUNT_POINT) ? "mounted, but not readable here (root reads it)"
                : "not mounted (sockwatch mounts it when it traces)"));
        f.add("kprobes " + switch (KernelFacts.kprobes()) {
            case YES -> "yes";
            case NO -> "no";
            case UNKNOWN -> "unknown (tracefs not mounted)";
        });
        f.add("loadable modules " + yesNo(KernelFacts.canLoadModules()));
        String lockdown = KernelFacts.lockdown();
        f.add("lockdown " + (lockdown != null ? lockdown
                : "unknown (securityfs not mounted; see it with: mount -t securityfs securityfs /sys/kernel/security)"));
        for (String tool : List.of("bpftrace", "strace", "stap")) {
            f.add(tool + " " + (Executables.find(tool).isPresent() ? "installed" : "not installed"));
        }
        return f;
    }

    /** Whether /proc/mounts lists a mount at dir (readable by anyone, unlike tracefs itself). */
    private static boolean mounted(java.nio.file.Path dir) {
        try {
            return java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/mounts")).stream()
                    .map(l -> l.split(" ")).anyMatch(f -> f.length > 2 && f[1].equals(dir.toString()));
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static String yesNo(boolean b) {
        return b ? "yes" : "no";
    }

    private static String pad(String s, int w) {
        return s + " ".repeat(Math.max(0, w - s.length()));
    }
}
