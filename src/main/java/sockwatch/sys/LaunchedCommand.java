package sockwatch.sys;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A command sockwatch launches and watches from its very first syscall. It starts as a tiny constant shell
 * that waits for a "go" line on a pipe from us, so the probe can be armed for its PID before the command runs,
 * then execs the command in place (same PID) with sockwatch's own stdin. If sockwatch dies first, the pipe
 * closes, the shell reads EOF and exits 125 without ever running the command.
 * The user's command and arguments only ever travel as separate argv entries ("$@"), never as shell text.
 */
public final class LaunchedCommand {
    static final int NOT_STARTED = 125;
    private static final String WAIT_THEN_EXEC = String.join("\n",
            "IFS= read -r go || exit " + NOT_STARTED,
            "[ \"$go\" = go ] || exit " + NOT_STARTED,
            "if (exec 0</proc/$PPID/fd/0) 2>/dev/null; then exec 0</proc/$PPID/fd/0; else exec 0</dev/null; fi",
            "exec \"$@\"");

    private final Process process;
    private final List<String> argv;

    private LaunchedCommand(Process process, List<String> argv) {
        this.process = process;
        this.argv = argv;
    }

    /**
     * Starts the waiting shell. With {@code captureOutput} the command's stdout is a pipe for the caller to read
     * (self-check reads the test app's lines); otherwise it shares sockwatch's terminal.
     */
    public static LaunchedCommand start(List<String> argv, boolean captureOutput) throws IOException {
        resolve(argv.get(0));
        List<String> shell = new ArrayList<>(List.of("/bin/sh", "-c", WAIT_THEN_EXEC, "sockwatch-launch"));
        shell.addAll(argv);
        ProcessBuilder pb = new ProcessBuilder(shell)
                .redirectInput(ProcessBuilder.Redirect.PIPE)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .redirectOutput(captureOutput ? ProcessBuilder.Redirect.PIPE : ProcessBuilder.Redirect.INHERIT);
        return new LaunchedCommand(pb.start(), List.copyOf(argv));
    }

    /** Fails with a one-line reason when the command cannot be run, before anything is started. */
    static Path resolve(String command) throws IOException {
        if (command.isEmpty()) {
            throw new IOException("cannot launch an empty command");
        }
        Path found;
        if (command.contains("/")) {
            found = Path.of(command);
            if (!Files.exists(found)) {
                throw new IOException("cannot launch '" + command + "': no such file");
            }
        } else {
            found = Executables.find(command).orElseThrow(
                    () -> new IOException("cannot launch '" + command + "': not found on PATH"));
        }
        if (Files.isDirectory(found) || !Files.isExecutable(found)) {
            throw new IOException("cannot launch '" + command + "': not an executable file");
        }
        return found;
    }

    public long pid() {
        return process.pid();
    }

    public List<String> argv() {
        return argv;
    }

    /** Lets the command run (the probe is armed). */
    public void go() throws IOException {
        OutputStream in = process.getOutputStream();
        in.write("go\n".getBytes(StandardCharsets.US_ASCII));
        in.close();
    }

    /** The command's stdout, when started with captureOutput. */
    public InputStream stdout() {
        return process.getInputStream();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public int waitFor() throws InterruptedException {
        return process.waitFor();
    }

    public boolean waitFor(long millis) throws InterruptedException {
        return process.waitFor(millis, TimeUnit.MILLISECONDS);
    }

    /** For our own test apps only: end them (SIGTERM, then SIGKILL). */
    public void terminate() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(3, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(3, TimeUnit.SECONDS);
        }
    }

    /** Cancels a command that was never told to go: the shell exits without running it. */
    public void cancel() {
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // already closed
        }
    }

}
