package sockwatch.sys;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Who we run as: tracing and fd duplication need root (or the matching capabilities). */
public final class Privileges {
    private Privileges() {
    }

    /** Effective uid from /proc/self/status ("Uid: real effective saved fs"). */
    public static int effectiveUid() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return Integer.parseInt(line.substring(4).trim().split("\\s+")[1]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through: unknown counts as not root
        }
        return -1;
    }

    public static boolean isRoot() {
        return effectiveUid() == 0;
    }
}
