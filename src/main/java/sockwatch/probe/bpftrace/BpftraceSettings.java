package sockwatch.probe.bpftrace;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

/**
 * sockwatch's bpftrace settings, from the environment: each unset (its default) or a whole number within its
 * range. A bad value is refused in one line before anything starts ({@link #problem()}, checked by Main), never
 * replaced by the default behind the user's back.
 */
public final class BpftraceSettings {
    /** The probe's map sizes (see BpftraceBackend.CHANGES_KEYS_MAX). */
    static final String MAP_KEYS = "SOCKWATCH_BPFTRACE_MAP_KEYS";
    /** How long a stopped bpftrace may take to print its END output and exit. */
    static final String STOP_SECONDS = "SOCKWATCH_BPFTRACE_STOP_SECONDS";
    /** How long bpftrace may take to compile, load and attach the probe (minutes under emulation). */
    static final String ARM_SECONDS = "SOCKWATCH_BPFTRACE_ARM_SECONDS";

    private BpftraceSettings() {
    }

    public static int mapKeys() {
        return (int) value(System::getenv, MAP_KEYS, 16384, 1, 1 << 20);
    }

    public static Duration stopLimit() {
        return Duration.ofSeconds(value(System::getenv, STOP_SECONDS, 30, 1, 86400));
    }

    public static Duration armLimit() {
        return Duration.ofSeconds(value(System::getenv, ARM_SECONDS, 60, 1, 86400));
    }

    /** The first setting that is not a number in its range, as a one-line reason; empty when all are fine. */
    public static Optional<String> problem() {
        return problem(System::getenv);
    }

    static Optional<String> problem(Function<String, String> env) {
        try {
            value(env, MAP_KEYS, 16384, 1, 1 << 20);
            value(env, STOP_SECONDS, 30, 1, 86400);
            value(env, ARM_SECONDS, 60, 1, 86400);
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of(e.getMessage());
        }
    }

    /** The variable's number, or its default when unset or empty; the value itself is never echoed. */
    static long value(Function<String, String> env, String name, long dflt, long min, long max) {
        String v = env.apply(name);
        if (v == null || v.isBlank()) {
            return dflt;
        }
        String s = v.strip();
        long n = s.matches("[0-9]{1,9}") ? Long.parseLong(s) : -1;
        if (n < min || n > max) {
            throw new IllegalArgumentException(name + " must be a whole number from " + min + " to " + max
                    + " (unset it for the default, " + dflt + ")");
        }
        return n;
    }
}
