package sockwatch.probe;

/** A backend cannot run here: why, and what the user can do about it. Shown as one line, never a stack trace. */
public class BackendUnavailableException extends Exception {
    private final String fix;

    public BackendUnavailableException(String reason, String fix) {
        super(reason);
        this.fix = fix;
    }

    public String fix() {
        return fix;
    }

    public String oneLine() {
        return fix == null || fix.isEmpty() ? getMessage() : getMessage() + " (" + fix + ")";
    }
}
