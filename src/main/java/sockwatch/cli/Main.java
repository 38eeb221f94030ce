package sockwatch.cli;

import picocli.CommandLine;

/** Entry point: runs the picocli command tree and turns every error into one line and an exit code. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        try {
            return execute(args);
        } catch (LinkageError e) {
            // picocli passes Errors through; one line, and System.exit still runs the hook that stops the probe
            System.err.println("sockwatch: internal error: " + e + " (a jar is missing from the class path?)");
            return ExitCodes.FAILED;
        } catch (RuntimeException | Error e) {
            System.err.println("sockwatch: internal error: " + e);
            if (System.getenv("SOCKWATCH_DEBUG") != null) {
                e.printStackTrace();
            }
            return ExitCodes.FAILED;
        }
    }

    private static int execute(String... args) {
        java.util.Optional<String> setting = sockwatch.probe.bpftrace.BpftraceSettings.problem();
        if (setting.isPresent()) {   // before the settings are read: a bad one is said, never replaced
            System.err.println("sockwatch: " + setting.get());
            return ExitCodes.USAGE;
        }
        CommandLine cli = new CommandLine(new SockwatchCommand());
        cli.setStopAtPositional(true);
        cli.setUsageHelpWidth(110);   // every subcommand alike, so pasted examples do not break
        cli.setParameterExceptionHandler((ex, a) -> {
            System.err.println("sockwatch: " + ex.getMessage());
            // the command the mistake was made in: `sockwatch self-check --help` for a self-check option
            System.err.println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
            return ExitCodes.USAGE;
        });
        cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            if (ex instanceof UserException u) {
                System.err.println("sockwatch: " + u.getMessage());
                return u.exitCode();
            }
            System.err.println("sockwatch: internal error: " + ex);
            if (System.getenv("SOCKWATCH_DEBUG") != null) {
                ex.printStackTrace();
            }
            return ExitCodes.FAILED;
        });
        return cli.execute(args);
    }
}
