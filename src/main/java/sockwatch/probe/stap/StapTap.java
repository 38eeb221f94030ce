package sockwatch.probe.stap;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The SystemTap taps. Their one source is the repo's stap/ folder, which a sysadmin can also run by hand; the
 * build (pom.xml, and //FILES in scripts/sockwatch.java for JBang) puts those same files into the jar.
 */
public enum StapTap {
    /** Syscall level, no debuginfo needed: what the backend runs. */
    SYSCALL("sockwatch.stp"),
    /** Kernel functions (sock_setsockopt, tcp_setsockopt, ...): needs kernel debuginfo. */
    KFUNC("sockwatch-kfunc.stp");

    private final String file;

    StapTap(String file) {
        this.file = file;
    }

    public String fileName() {
        return file;
    }

    public String source() {
        String resource = "/sockwatch/probe/stap/" + file;
        try (InputStream in = StapTap.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("tap missing from the build: " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** stap wants a file (its messages then name file:line); returns the written path. */
    public Path writeTo(Path dir) throws IOException {
        return Files.writeString(dir.resolve(file), source());
    }
}
