package sockwatch.sys;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

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
}
