package sockwatch.cli;

/** sockwatch's exit codes (documented in the README and in --help). */
public final class ExitCodes {
    /** Watched to the end; self-check passed. */
    public static final int OK = 0;
    /** The probe failed while running, or self-check failed. */
    public static final int FAILED = 1;
    /** Bad usage or input: unknown option name, a PID that does not exist, a command that cannot be launched. */
    public static final int USAGE = 2;
    /** This machine cannot do what was asked: not root, tool missing, kernel support missing. */
    public static final int UNAVAILABLE = 3;

    private ExitCodes() {
    }
}
