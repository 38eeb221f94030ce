package sockwatch.probe.bpftrace;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A bpftrace release, as `bpftrace --version` names it ("bpftrace v0.17.0", "bpftrace v0.23.2-1+b1"). */
public record BpftraceVersion(int major, int minor, int patch) implements Comparable<BpftraceVersion> {
    private static final Pattern VERSION = Pattern.compile("\\bv?(\\d+)\\.(\\d+)(?:\\.(\\d+))?");

    /** The version in the first line of `bpftrace --version`; empty when it names none. */
    public static Optional<BpftraceVersion> parse(String versionOutput) {
        if (versionOutput == null) {
            return Optional.empty();
        }
        String first = versionOutput.strip().lines().findFirst().orElse("");
        Matcher m = VERSION.matcher(first);
        if (!m.find()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new BpftraceVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                    m.group(3) == null ? 0 : Integer.parseInt(m.group(3))));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    public static BpftraceVersion of(int major, int minor, int patch) {
        return new BpftraceVersion(major, minor, patch);
    }

    public boolean atLeast(int major, int minor) {
        return compareTo(new BpftraceVersion(major, minor, 0)) >= 0;
    }

    @Override
    public int compareTo(BpftraceVersion o) {
        int c = Integer.compare(major, o.major);
        if (c == 0) {
            c = Integer.compare(minor, o.minor);
        }
        return c != 0 ? c : Integer.compare(patch, o.patch);
    }

    @Override
    public String toString() {
        return major + "." + minor + "." + patch;
    }
}
