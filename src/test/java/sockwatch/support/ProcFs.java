package sockwatch.support;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** What /proc says about a process: run state, tracer, whether it still runs. */
public final class ProcFs {
    private ProcFs() {
    }

    /** TracerPid from /proc/PID/status: 0 when no ptrace tracer (strace) is attached. */
    public static String tracerPid(long pid) throws Exception {
        return Files.readAllLines(Path.of("/proc/" + pid + "/status"), StandardCharsets.ISO_8859_1).stream()
                .filter(l -> l.startsWith("TracerPid:")).findFirst().orElseThrow().substring(10).strip();
    }

    /**
     * Still running: present and not a zombie. An orphaned child that has exited (its fds closed, so its BPF
     * programs detached and its ptrace attachments gone) stays a zombie until PID 1 reaps it, which on some
     * machines takes seconds; kill(pid, 0) and ProcessHandle.isAlive() count that as alive.
     */
    public static boolean running(ProcessHandle p) {
        try {
            return !state(p.pid()).equals("Z");
        } catch (Exception e) {
            return false;
        }
    }

    /** The state letter from /proc/PID/stat (R running, S sleeping, T stopped, t traced). */
    public static String state(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        return stat.substring(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    }
}
