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
        CommandLine cli = new CommandLine(new SockwatchCommand());
        cli.setStopAtPositional(true);
        cli.setParameterExceptionHandler((ex, a) -> {
            System.err.println("sockwatch: " + ex.getMessage());
            System.err.println("Try 'sockwatch --help'.");
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
