package sockwatch.probe.bpftrace;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * sockwatch's bpftrace settings, from the environment: each unset (its default) or a whole number within its
 * range. A bad value is refused in one line before anything starts ({@link #problem()}, checked by Main), never
 * replaced by the default behind the user's back.
 */
public final class BpftraceSettings {
    /** One setting: its variable, its default and its range. */
    record Setting(String name, long dflt, long min, long max) {
        /** The variable's number, or the default when unset or empty; the value itself is never echoed. */
        long read(Function<String, String> env) {
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

    /** The probe's map sizes (see BpftraceBackend.CHANGES_KEYS_MAX). */
    static final Setting MAP_KEYS = new Setting("SOCKWATCH_BPFTRACE_MAP_KEYS", 16384, 1, 1 << 20);
    /** How long a stopped bpftrace may take to print its END output and exit. */
    static final Setting STOP_SECONDS = new Setting("SOCKWATCH_BPFTRACE_STOP_SECONDS", 30, 1, 86400);
    /** How long bpftrace may take to compile, load and attach the probe (minutes under emulation). */
    static final Setting ARM_SECONDS = new Setting("SOCKWATCH_BPFTRACE_ARM_SECONDS", 60, 1, 86400);
    private static final List<Setting> ALL = List.of(MAP_KEYS, STOP_SECONDS, ARM_SECONDS);

    private BpftraceSettings() {
    }

    public static int mapKeys() {
        return (int) MAP_KEYS.read(System::getenv);
    }

    public static Duration stopLimit() {
        return Duration.ofSeconds(STOP_SECONDS.read(System::getenv));
    }

    public static Duration armLimit() {
        return Duration.ofSeconds(ARM_SECONDS.read(System::getenv));
    }

    /** The first setting that is not a number in its range, as a one-line reason; empty when all are fine. */
    public static Optional<String> problem() {
        return problem(System::getenv);
    }

    static Optional<String> problem(Function<String, String> env) {
        try {
            ALL.forEach(s -> s.read(env));
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of(e.getMessage());
        }
    }
}
