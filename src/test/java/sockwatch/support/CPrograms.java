package sockwatch.support;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A small C program that prints "NAME NUMBER" lines, compiled with gcc and run: what the headers say, as data. */
public final class CPrograms {
    private CPrograms() {
    }

    /** Compiles {@code source} as dir/name(.c) with {@code flags}, runs it, and returns its NAME -> NUMBER lines. */
    public static Map<String, Long> namedNumbers(Path dir, String name, String source, List<String> flags)
            throws IOException, InterruptedException {
        Path src = Files.writeString(dir.resolve(name + ".c"), source);
        Path exe = dir.resolve(name);
        List<String> cc = new ArrayList<>(List.of("gcc"));
        cc.addAll(flags);
        cc.addAll(List.of("-o", exe.toString(), src.toString()));
        run(cc, "compiling " + src + ":\n" + source);
        Map<String, Long> out = new LinkedHashMap<>();
        for (String line : run(List.of(exe.toString()), "running " + exe).split("\n")) {
            if (!line.isBlank()) {
                String[] f = line.split(" ");
                out.put(f[0], Long.parseLong(f[1]));
            }
        }
        return out;
    }

    private static String run(List<String> command, String what) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("timed out " + what);
        }
        if (p.exitValue() != 0) {
            fail("failed " + what + " (exit " + p.exitValue() + "):\n" + out);
        }
        return out;
    }
}
