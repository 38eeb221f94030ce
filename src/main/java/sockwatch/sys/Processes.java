package sockwatch.sys;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;

/** Facts about other processes, from /proc. */
public final class Processes {
    private Processes() {
    }

    public static boolean exists(long pid) {
        return pid > 0 && Files.isDirectory(Path.of("/proc", Long.toString(pid)));
    }

    private static final long PF_KTHREAD = 0x00200000L;

    /** A kernel thread (kthreadd and its children): it has no user space and never calls setsockopt. */
    public static boolean isKernelThread(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // Fields after the ")" that ends comm: state ppid pgrp session tty_nr tpgid flags ...
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[6]) & PF_KTHREAD) != 0;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** The process name as raw bytes (hostile: print it through Printable), empty if the process is gone. */
    public static Optional<byte[]> comm(long pid) {
        try {
            byte[] b = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "comm"));
            int n = b.length;
            if (n > 0 && b[n - 1] == '\n') {
                n--;
            }
            return Optional.of(java.util.Arrays.copyOf(b, n));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * The thread group (process) a thread belongs to, from /proc/TID/status; empty if the thread is gone.
     * Read as Latin-1: the Name line holds the raw, possibly non-UTF-8 task name.
     */
    public static OptionalInt tgid(long tid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(tid), "status"),
                    StandardCharsets.ISO_8859_1)) {
                if (line.startsWith("Tgid:")) {
                    return OptionalInt.of(Integer.parseInt(line.substring(5).strip()));
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone, or not a status file we understand
        }
        return OptionalInt.empty();
    }
}
