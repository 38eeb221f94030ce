package sockwatch.probe.stap;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import sockwatch.probe.TraceRequest;

/**
 * The stap and staprun command lines sockwatch runs. Filters reach the tap only as numeric globals
 * (stap -G NAME=N, or NAME=N module parameters for staprun): user text never becomes tap source.
 */
public final class StapCommands {
    private StapCommands() {
    }

    /** Passes 1-4 only: writes MODULE.ko into the working directory, for {@code release} (null: this kernel). */
    public static List<String> compile(Path stap, String release, String moduleName, Path tap) {
        List<String> argv = new ArrayList<>(List.of(stap.toString(), "-v", "-p4"));
        if (release != null) {
            argv.addAll(List.of("-r", release));
        }
        argv.addAll(List.of("-m", moduleName, tap.toString()));
        return argv;
    }

    /** Compile (or take from stap's cache) and run, in machine mode. */
    public static List<String> run(Path stap, Path tap, TraceRequest request) {
        List<String> argv = new ArrayList<>(List.of(stap.toString(), "-v"));
        for (String p : globals(request)) {
            argv.addAll(List.of("-G", p));
        }
        argv.add(tap.toString());
        return argv;
    }

    /** Load a module built by stap-compile. -R gives it a unique name, so two sessions can load the same file. */
    public static List<String> runModule(Path staprun, Path module, TraceRequest request) {
        List<String> argv = new ArrayList<>(List.of(staprun.toString(), "-R", module.toString()));
        argv.addAll(globals(request));
        return argv;
    }

    /** One PID is filtered in the tap (cheap); several are filtered in Java by the caller, as with bpftrace. */
    static List<String> globals(TraceRequest request) {
        int rootPid = request.pids().size() == 1 ? request.pids().get(0) : 0;
        return List.of("machine=1", "root_pid=" + rootPid, "follow=" + (request.followChildren() ? 1 : 0));
    }
}
