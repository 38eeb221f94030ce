package sockwatch.cli;

import picocli.CommandLine.IVersionProvider;

public final class Version implements IVersionProvider {
    public static final String VERSION = "0.1.0";

    @Override
    public String[] getVersion() {
        return new String[] {"sockwatch " + VERSION + " (Java " + System.getProperty("java.version") + ")"};
    }
}
