package sockwatch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sockwatch.support.Capabilities;
import sockwatch.support.SockwatchRun;

/**
 * Values at the edge of mapped memory (testapp/native/page_edge.c): the bpftrace backend shows the bytes it
 * really read and no made-up zeros; before, a SO_LINGER {-15, -42} passed with optlen 9 at the end of a page came
 * out as {241, 0} (the failed tail read wiped good bytes).
 */
class PageEdgeEndToEndTest {
    @TempDir
    Path dir;

    @Test
    void onlyBytesReallyReadAreShown() throws Exception {
        Capabilities.requireBpftrace();
        Capabilities.requireTool("gcc");
        Path program = dir.resolve("page_edge");
        Process gcc = new ProcessBuilder("gcc", "-O2", "-Wall", "-o", program.toString(),
                "testapp/native/page_edge.c").redirectErrorStream(true).start();
        String out = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(gcc.waitFor(120, TimeUnit.SECONDS) && gcc.exitValue() == 0, out);
        SockwatchRun.Result r = SockwatchRun.run(120, "--json", "--", program.toString());
        assertEquals(0, r.exit(), r.stderr());
        List<JsonObject> e = r.stdout().lines().filter(l -> l.startsWith("{"))
                .map(l -> JsonParser.parseString(l).getAsJsonObject()).filter(o -> !o.has("summary")).toList();
        assertEquals(List.of("SO_LINGER", "TCP_NODELAY", "TCP_KEEPIDLE", "SO_KEEPALIVE"),
                e.stream().map(o -> o.get("option").getAsString()).toList(), r.stdout());
        // 1. the kernel read 8 of the 9 bytes; the 9th is on no page
        assertEquals("{\"onoff\":-15,\"linger\":-42}", e.get(0).get("value").toString(), r.stdout());
        assertEquals("f1ffffffd6ffffff", e.get(0).get("raw").getAsString());
        assertTrue(e.get(0).get("truncated").getAsBoolean());
        // 2. a real zero, read
        assertEquals(0, e.get(1).get("value").getAsInt());
        assertEquals("00000000", e.get(1).get("raw").getAsString());
        // 3. 4 of 6 bytes read, the int decoded from them
        assertEquals(77, e.get(2).get("value").getAsInt(), r.stdout());
        assertEquals("4d000000", e.get(2).get("raw").getAsString());
        // 4. EFAULT: nothing
        assertEquals("EFAULT", e.get(3).get("errno").getAsString());
        assertEquals("", e.get(3).get("raw").getAsString());
        assertTrue(e.get(3).get("value").isJsonNull());
    }
}
