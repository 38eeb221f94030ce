package sockwatch.sys;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What this kernel offers to tracers, read from /proc and /sys: each fact says how it was found, so doctor can
 * tell the user why a backend cannot run.
 */
public final class KernelFacts {
    private KernelFacts() {
    }

    public static String release() {
        return read(Path.of("/proc/sys/kernel/osrelease")).orElse("unknown");
    }

    public static String machine() {
        return System.getProperty("os.arch");
    }

    /** Kernel version as major*1000+minor (5.6 = 5006), or -1 when unreadable. */
    public static int version() {
        Matcher m = Pattern.compile("^(\\d+)\\.(\\d+)").matcher(release());
        return m.find() ? Integer.parseInt(m.group(1)) * 1000 + Integer.parseInt(m.group(2)) : -1;
    }

    public static boolean hasBtf() {
        return Files.exists(Path.of("/sys/kernel/btf/vmlinux"));
    }

    /** Loadable modules: CONFIG_MODULES (/proc/modules exists) and not switched off by modules_disabled. */
    public static boolean canLoadModules() {
        return Files.exists(Path.of("/proc/modules"))
                && !"1".equals(read(Path.of("/proc/sys/kernel/modules_disabled")).orElse("0"));
    }

    /** kprobes: tracefs lists kprobe_events only when the kernel has CONFIG_KPROBE_EVENTS. */
    public static Tri kprobes() {
        for (Path tracing : new Path[] {Tracefs.MOUNT_POINT, Path.of("/sys/kernel/debug/tracing")}) {
            if (Files.isDirectory(tracing.resolve("events"))) {
                return Files.exists(tracing.resolve("kprobe_events")) ? Tri.YES : Tri.NO;
            }
        }
        return Tri.UNKNOWN;
    }

    /** The kernel lockdown mode ("none", "integrity", "confidentiality"), or null when securityfs does not say. */
    public static String lockdown() {
        return read(Path.of("/sys/kernel/security/lockdown")).map(s -> {
            Matcher m = Pattern.compile("\\[(\\w+)]").matcher(s);
            return m.find() ? m.group(1) : null;
        }).orElse(null);
    }

    public enum Tri { YES, NO, UNKNOWN }

    private static java.util.Optional<String> read(Path p) {
        try {
            return java.util.Optional.of(Files.readString(p).trim());
        } catch (IOException e) {
            return java.util.Optional.empty();
        }
    }
}
