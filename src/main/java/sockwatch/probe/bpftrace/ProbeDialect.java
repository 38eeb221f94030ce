package sockwatch.probe.bpftrace;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What setsockopt.bt must say differently for one bpftrace version: one probe source, a few named differences.
 * The file as shipped is bpftrace 0.17's text (Debian 12), and runs by hand there. A line that ends in
 * {@code //@ NAME} is kept only where the version has feature NAME (several: all of them; {@code !NAME}: where it
 * lacks it); a line {@code //@ !NAME TEXT} becomes TEXT only where it lacks it, and may end in such a tag list too.
 * Optional features (32-bit callers) are switched on per run with {@link #with}. The rest (tunables' names,
 * debugfs) is here. Boundaries come from bpftrace's changelog; 0.11.3 (refused), 0.17.0 and 0.23.2 are run in
 * CI (compat/suites, stap/vm).
 */
public final class ProbeDialect {
    /**
     * The oldest bpftrace the probe is written for: 0.12 brought kptr()/uptr() and printf formats over 64 bytes.
     * 0.11.3 (Debian 11) fails on both, and on a 5.10 kernel also without kernel headers (stap/vm's bullseye).
     */
    public static final BpftraceVersion OLDEST = BpftraceVersion.of(0, 12, 0);
    /** The versions CI runs the probe on and sees it work (compat/suites, stap/vm). */
    public static final String CHECKED = "0.17 and 0.23";

    /** A difference between bpftrace versions that the probe or its command line follows. */
    public enum Feature {
        /**
         * args is a pointer that can be cast (before 0.19, which made it a struct) and kptr() exists (0.12): the
         * enter probe reads the record by offset, which keeps 0.17's start at a third (see setsockopt.bt).
         */
        RECORD_OFFSETS("record-offsets") {
            @Override
            boolean in(BpftraceVersion v) {
                return v.atLeast(0, 12) && !v.atLeast(0, 19);
            }
        },
        /** Tunables by their standard names, BPFTRACE_MAX_MAP_KEYS (0.20; the old ones warn from then on). */
        STANDARD_TUNABLES("standard-tunables") {
            @Override
            boolean in(BpftraceVersion v) {
                return v.atLeast(0, 20);
            }
        },
        /** Finds tracepoints in tracefs at /sys/kernel/tracing (0.17 does; 0.11 looks in debugfs only, and so
         * may the versions between, which are not run here: debugfs is mounted for them). */
        TRACEFS("tracefs") {
            @Override
            boolean in(BpftraceVersion v) {
                return v.atLeast(0, 17);
            }
        },
        /**
         * Optional: 32-bit (ia32) programs' setsockopt and socketcall, through raw_syscalls, which fires on every
         * syscall of the system; switched on only where a 32-bit program may call (sockwatch.sys.Compat32).
         */
        COMPAT32("compat32", true),
        /**
         * Optional: setsockopt through io_uring (IORING_OP_URING_CMD, Linux 6.7+), through the io_uring
         * tracepoints and BTF; switched on where the kernel can make such calls (sockwatch.sys.IoUring).
         */
        IO_URING("io-uring", true);

        final String tag;
        private final boolean optional;

        Feature(String tag) {
            this(tag, false);
        }

        Feature(String tag, boolean optional) {
            this.tag = tag;
            this.optional = optional;
        }

        /** Whether version v has it; an optional part is never on by the version alone. */
        boolean in(BpftraceVersion v) {
            return false;
        }

        /** An optional part of the probe, switched on per run ({@link #with}), never by the version alone. */
        boolean optional() {
            return optional;
        }
    }

    /**
     * TEXT //@ COND...: kept where every COND holds (NAME: has it; !NAME: lacks it). TEXT may itself be a
     * //@ !NAME line, so a line can be both optional and version-dependent.
     */
    private static final Pattern KEPT_IF = Pattern.compile("^(.*\\S)\\s*//@ (!?[a-z0-9-]+(?: !?[a-z0-9-]+)*)\\s*$");
    private static final Pattern KEPT_UNLESS = Pattern.compile("^(\\s*)//@ !([a-z0-9-]+) (.*)$");

    private final BpftraceVersion version;
    private final Set<Feature> features = EnumSet.noneOf(Feature.class);

    public ProbeDialect(BpftraceVersion version) {
        this.version = version;
        for (Feature f : Feature.values()) {
            if (f.in(version)) {
                features.add(f);
            }
        }
    }

    private ProbeDialect(BpftraceVersion version, Set<Feature> features) {
        this.version = version;
        this.features.addAll(features);
    }

    /** This dialect with optional parts of the probe switched on for one run (what this kernel and request need). */
    public ProbeDialect with(Set<Feature> optional) {
        for (Feature f : optional) {
            if (!f.optional()) {
                throw new IllegalArgumentException(f + " follows the bpftrace version, it is not optional");
            }
        }
        Set<Feature> all = EnumSet.copyOf(features);
        all.addAll(optional);
        return new ProbeDialect(version, all);
    }

    public BpftraceVersion version() {
        return version;
    }

    public boolean has(Feature f) {
        return features.contains(f);
    }

    /** The probe's text for this version. */
    public String source(String probe) {
        StringBuilder out = new StringBuilder(probe.length());
        for (String line : probe.split("\n", -1)) {
            Matcher keptIf = KEPT_IF.matcher(line);
            if (keptIf.matches()) {
                if (!holds(keptIf.group(2))) {
                    continue;
                }
                line = keptIf.group(1);
            }
            Matcher keptUnless = KEPT_UNLESS.matcher(line);
            if (keptUnless.matches()) {
                if (!has(feature(keptUnless.group(2)))) {
                    out.append(keptUnless.group(1)).append(keptUnless.group(3)).append('\n');
                }
            } else {
                out.append(line).append('\n');
            }
        }
        out.setLength(out.length() - 1);
        return out.toString();
    }

    /** Every condition of a tag list holds: "NAME" has it, "!NAME" lacks it. */
    private boolean holds(String conditions) {
        for (String c : conditions.split(" ")) {
            boolean negated = c.startsWith("!");
            if (has(feature(negated ? c.substring(1) : c)) == negated) {
                return false;
            }
        }
        return true;
    }

    private static Feature feature(String tag) {
        for (Feature f : Feature.values()) {
            if (f.tag.equals(tag)) {
                return f;
            }
        }
        throw new IllegalStateException("setsockopt.bt names an unknown dialect feature: " + tag);
    }

    /** Flags before the program: no compile-time warnings (the probe's own are known and harmless; 0.12+). */
    public List<String> flags() {
        return List.of("-B", "line", "--no-warnings");
    }

    /** The environment that tunes bpftrace, by the names this version reads. */
    public Map<String, String> environment(Integer mapKeysMax) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("BPFTRACE_PERF_RB_PAGES", "256");
        if (mapKeysMax != null) {
            env.put(has(Feature.STANDARD_TUNABLES) ? "BPFTRACE_MAX_MAP_KEYS" : "BPFTRACE_MAP_KEYS_MAX",
                    mapKeysMax.toString());
        }
        return env;
    }
}
