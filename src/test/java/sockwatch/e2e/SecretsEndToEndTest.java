package sockwatch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import sockwatch.support.Capabilities;
import sockwatch.support.SockwatchRun;

/**
 * Keys a real program passes (TCP_FASTOPEN_KEY, TCP_MD5SIG's key) appear nowhere in sockwatch's output, text or
 * JSON, with either backend; the calls are still shown, with what is not secret.
 */
class SecretsEndToEndTest {
    private static final String KEY = "SECRETKEY0123456";
    private static final String PROGRAM = String.join("\n",
            "import socket, struct",
            "KEY = b'" + KEY + "'",
            "s = socket.socket()",
            "s.setsockopt(6, 33, KEY)",   // TCP_FASTOPEN_KEY
            "addr = struct.pack('<HH4s', socket.AF_INET, 0, socket.inet_aton('127.0.0.1')) + bytes(120)",
            "s.setsockopt(6, 14, addr + struct.pack('<BBHi', 0, 0, len(KEY), 0) + KEY + bytes(64))",   // TCP_MD5SIG
            "");

    @TempDir
    java.nio.file.Path dir;

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"bpftrace, --json", "bpftrace, --no-summary", "strace, --json", "strace, --no-summary"})
    void noKeyIsPrinted(String backend, String format) throws Exception {
        Capabilities.requireTool("python3");
        if (backend.equals("strace")) {
            Capabilities.requireStrace();
        } else {
            Capabilities.requireBpftrace();
        }
        // a file, not -c: the banner quotes the command line, which is the user's own text
        java.nio.file.Path program = java.nio.file.Files.writeString(dir.resolve("keys.py"), PROGRAM);
        SockwatchRun.Result r = SockwatchRun.run(120, "--backend", backend, format, "--", "python3",
                program.toString());
        assertEquals(0, r.exit(), r.stderr());
        String all = r.stdout() + r.stderr();
        String hex = HexFormat.of().formatHex(KEY.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        for (String secret : new String[] {KEY, hex, hex.toUpperCase(java.util.Locale.ROOT), hex.substring(0, 16)}) {
            assertFalse(all.contains(secret), "the key (" + secret + ") was printed:\n" + all);
        }
        assertTrue(all.contains("TCP_FASTOPEN_KEY") && all.contains("TCP_MD5SIG"), "both calls are shown:\n" + all);
        assertTrue(format.equals("--json") ? all.contains("\"key\": \"redacted\"") : all.contains("key redacted}"),
                all);
    }
}
