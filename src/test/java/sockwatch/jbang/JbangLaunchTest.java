package sockwatch.jbang;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import sockwatch.support.Capabilities;

/**
 * The README's way in: `./jbang sockwatch ...` from the checkout, through the local catalog, with JBang
 * bootstrapped from Maven Central when it is not installed. Slow the first time (downloads), cached after.
 */
class JbangLaunchTest {

    private static String[] run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).directory(JbangScriptTest.REPO.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        var out = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        });
        if (!p.waitFor(600, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + cmd);
        }
        return new String[] {Integer.toString(p.exitValue()), out.join()};
    }

    @Test
    void versionThroughTheCatalogAlias() throws Exception {
        String[] r = run(List.of("./jbang", "sockwatch", "--version"));
        assertEquals("0", r[0], r[1]);
        assertTrue(r[1].contains("sockwatch 0.1.0"), r[1]);
    }

    @Test
    void selfCheckThroughJbangPasses() throws Exception {
        Capabilities.requireBpftrace();
        String[] r = run(List.of("./jbang", "sockwatch", "self-check"));
        assertEquals("0", r[0], r[1]);
        assertTrue(r[1].contains("PASS: bpftrace saw the Java test app"), r[1]);
    }
}
