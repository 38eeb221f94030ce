package sockwatch.probe.stap;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Makes sense of what stap, staprun and stapio say on stderr: stap -v's pass lines become progress for the user
 * (the first compile can take a minute), the skipped-probe and transport-failure counts become lost events,
 * and the usual no-debuginfo warnings are dropped as noise.
 */
public final class StapStderr {
    private static final Pattern PASS = Pattern.compile("Pass (\\d): (.*)");
    private static final Pattern REAL_MS = Pattern.compile("(\\d+)real ms");
    private static final Pattern SKIPPED = Pattern.compile("WARNING: Number of errors: \\d+, skipped probes: (\\d+)");
    private static final Pattern TRANSPORT = Pattern.compile("WARNING: There were (\\d+) transport failures");
    private static final List<String> NOISE = List.of("cannot find module kernel debuginfo",
            "Kernel function symbol table missing", "similar warning messages suppressed", "Rerun with -v",
            "Tip: /usr/share/doc/systemtap");

    private StapStderr() {
    }

    /** "sockwatch: stap pass 2/5: analyzed script: 5 probes, ... (45.5 s)" for a pass line, else null. */
    public static String progress(String line) {
        Matcher m = PASS.matcher(line.trim());
        if (!m.matches()) {
            return null;
        }
        String what = m.group(2);
        Matcher ms = REAL_MS.matcher(what);
        String took = ms.find() ? String.format(" (%.1f s)", Long.parseLong(ms.group(1)) / 1000.0) : "";
        // Drop stap's memory statistics: "... using 107340virt/97312res/... kb, in 170usr/150sys/321real ms."
        what = what.replaceAll(" using \\d+virt.*$", "").replaceAll(" in \\d+usr/\\d+sys/\\d+real ms\\.?$", "")
                .replaceAll("\\.$", "");
        return "sockwatch: stap pass " + m.group(1) + "/5: " + what + took;
    }

    /** The events a summary line says were lost (skipped probes, transport failures), else -1. */
    static long lost(String line) {
        Matcher m = SKIPPED.matcher(line.trim());
        if (m.find()) {
            return Long.parseLong(m.group(1));
        }
        m = TRANSPORT.matcher(line.trim());
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    /** Warnings stap always prints without kernel debuginfo, which the syscall tap does not need. */
    static boolean noise(String line) {
        return line.isBlank() || NOISE.stream().anyMatch(line::contains);
    }
}
