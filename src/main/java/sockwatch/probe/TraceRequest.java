package sockwatch.probe;

/**
 * What the probe itself should narrow down, where it can do so cheaply in the kernel. Everything else (several
 * PIDs, names, options, levels) is filtered in Java, so user text never reaches probe source.
 *
 * @param rootPid         0 = every process; otherwise only this process (and its descendants if followChildren)
 * @param followChildren  also watch processes forked by rootPid after the probe is armed
 */
public record TraceRequest(int rootPid, boolean followChildren) {
    public static TraceRequest everything() {
        return new TraceRequest(0, false);
    }
}
