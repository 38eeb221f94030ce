package sockwatch.snapshot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The fields of /proc/PID/stat that snapshot needs: the run state (to prove the target was never stopped) and
 * the flags (kernel threads have no fds to look at).
 *
 * @param state R, S, D, T (stopped), t (tracing stop), Z, ...
 * @param flags the task's PF_* flags
 */
public record ProcStat(char state, long flags) {
    /** include/linux/sched.h */
    static final long PF_KTHREAD = 0x00200000L;

    public boolean kernelThread() {
        return (flags & PF_KTHREAD) != 0;
    }

    public boolean stopped() {
        return state == 'T' || state == 't';
    }

    public static Optional<ProcStat> read(long pid) {
        try {
            return parse(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * "PID (COMM) STATE PPID PGRP SESSION TTY TPGID FLAGS ...". COMM may hold spaces and ')' itself, so the
     * fields are counted from the last ')'.
     */
    static Optional<ProcStat> parse(String stat) {
        int close = stat.lastIndexOf(')');
        if (close < 0) {
            return Optional.empty();
        }
        String[] f = stat.substring(close + 1).trim().split("\\s+");
        if (f.length < 7 || f[0].length() != 1) {
            return Optional.empty();
        }
        try {
            return Optional.of(new ProcStat(f[0].charAt(0), Long.parseUnsignedLong(f[6])));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The thread group (process) a TID belongs to, from /proc/TID/status; empty if it is gone. */
    public static Optional<Long> tgid(long tid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(tid), "status"))) {
                if (line.startsWith("Tgid:")) {
                    return Optional.of(Long.parseLong(line.substring(5).trim()));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // gone, or not a status file we understand
        }
        return Optional.empty();
    }
}
