package sockwatch.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** stdout as UTF-8 whatever the locale, flushed per line so `sockwatch | grep` sees events as they happen. */
final class Console {
    private static final PrintStream STDOUT =
            new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);

    private Console() {
    }

    static PrintStream stdout() {
        return STDOUT;
    }
}
