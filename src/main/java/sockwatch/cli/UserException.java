package sockwatch.cli;

/** An error meant for the user: printed as one line ("sockwatch: ..."), exits with its code, no stack trace. */
public class UserException extends RuntimeException {
    private final int exitCode;

    public UserException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
