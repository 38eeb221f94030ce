package sockwatch.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import sockwatch.support.Capabilities;
import sockwatch.support.SockwatchRun;

/**
 * sockwatch against strace on strace's own tests: strace 6.1's test programs for setsockopt (built from Debian's
 * source by peer/build-strace-tests.sh) each run once, under `strace -f` inside `sockwatch --json -- ...`
 * (bpftrace), so both watch the very same calls. Compared call by call: every call strace saw, sockwatch saw;
 * the level and option names agree wherever strace names them; fd, optlen and the result agree; each value is
 * put in a kind (PeerComparison.Value). Values that differ, or that strace shows and sockwatch does not, must be
 * listed with their reason in peer/known-differences.tsv, and nothing listed there may be stale. The table this
 * prints is the one in the README.
 */
class StracePeerTest {
    private static final Path REPO = Path.of(System.getenv().getOrDefault("SOCKWATCH_REPO", ".")).toAbsolutePath();

    @Test
    void everyCallStraceSeesSockwatchSeesNamesAndDecodesAlike() throws Exception {
        Capabilities.requireRoot();
        Capabilities.requireBpftrace();
        Capabilities.requireStrace();
        Capabilities.requireTool("curl");
        Process b = new ProcessBuilder(REPO.resolve("peer/build-strace-tests.sh").toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String dir = new String(b.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(b.waitFor(900, TimeUnit.SECONDS) && b.exitValue() == 0, "peer/build-strace-tests.sh failed");
        Path tests = Path.of(dir);
        Path work = Files.createTempDirectory("sockwatch-peer");
        PeerComparison c = new PeerComparison();
        Map<String, String> perProgram = new LinkedHashMap<>();
        try (var programs = Files.list(tests)) {
            for (Path prog : programs.sorted().toList()) {
                String name = prog.getFileName().toString();
                Path json = work.resolve(name + ".json");
                Path st = work.resolve(name + ".strace");
                Process p = SockwatchRun.start("--json", "--output", json.toString(), "--no-summary", "--",
                        "strace", "-f", "-qq", "-e", "trace=setsockopt", "-e", "signal=none", "-o", st.toString(),
                        prog.toString());
                SockwatchRun.Result r = SockwatchRun.finish(p, 300);
                // a test program exits 77 when this machine lacks what it needs; 0 when its calls all went as it
                // expected (it checks the results itself)
                assertTrue(r.exit() == 0 || r.exit() == 77, name + ": exit " + r.exit() + "\n" + r.stderr());
                List<StraceCall> strace = new ArrayList<>();
                for (String line : Files.readAllLines(st)) {
                    StraceCall.parse(line).ifPresent(strace::add);
                }
                List<JsonObject> ours = new ArrayList<>();
                for (String line : Files.readAllLines(json)) {
                    ours.add(JsonParser.parseString(line).getAsJsonObject());
                }
                int before = c.calls;
                comparePerPid(c, name, strace, ours);
                perProgram.put(name, (c.calls - before) + (r.exit() == 77 ? " (skipped itself: exit 77)" : ""));
            }
        } finally {
            try (var all = Files.walk(work)) {
                all.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
        String report = report(c, perProgram);
        String keep = System.getenv("SOCKWATCH_PEER_LOG");   // every call's kind, one line each, to look into
        if (keep != null) {
            Files.write(Path.of(keep), c.log);
        }
        System.out.println(report);
        assertTrue(c.calls > 500, "too few calls compared:\n" + report);
        assertEquals(List.of(), c.differences.stream().map(StracePeerTest::describe).toList(), report);
        List<String> known = KnownDifferences.read(REPO.resolve("peer/known-differences.tsv"));
        List<String> found = c.explained.stream().map(KnownDifferences::key).distinct().sorted().toList();
        assertEquals(known.stream().sorted().toList(), found,
                "differences not in peer/known-differences.tsv, or listed there and no longer seen:\n"
                        + c.explained.stream().map(StracePeerTest::describe).collect(Collectors.joining("\n")));
    }

    private static void comparePerPid(PeerComparison c, String program, List<StraceCall> strace,
                                      List<JsonObject> ours) {
        Map<Integer, List<StraceCall>> s = new LinkedHashMap<>();
        strace.forEach(x -> s.computeIfAbsent(x.pid(), k -> new ArrayList<>()).add(x));
        Map<Integer, List<JsonObject>> o = new LinkedHashMap<>();
        ours.forEach(x -> o.computeIfAbsent(x.get("pid").getAsInt(), k -> new ArrayList<>()).add(x));
        for (Map.Entry<Integer, List<StraceCall>> e : s.entrySet()) {
            c.compare(program, e.getValue(), o.getOrDefault(e.getKey(), List.of()));
        }
        o.keySet().stream().filter(pid -> !s.containsKey(pid))   // strace's own calls are none: only the program's
                .forEach(pid -> c.compare(program, List.of(), o.get(pid)));
    }

    static String describe(PeerComparison.Difference d) {
        return d.program() + ": " + d.what() + ":\n    strace:    " + (d.strace() == null ? "-" : d.strace())
                + "\n    sockwatch: " + (d.ours() == null ? "-" : d.ours());
    }

    private static String report(PeerComparison c, Map<String, String> perProgram) {
        StringBuilder b = new StringBuilder("StracePeerTest: strace 6.1's setsockopt tests, strace and sockwatch"
                + " (bpftrace) watching the same run\n");
        perProgram.forEach((k, v) -> b.append(String.format(Locale.ROOT, "  %-22s %s calls%n", k, v)));
        b.append(String.format(Locale.ROOT, "| calls strace saw | %d |%n| seen by sockwatch | %d |%n"
                + "| names equal (where strace names it) | %d |%n| of which strace's is an alias of sockwatch's | %d |%n"
                + "| named by sockwatch, a number in strace | %d |%n",
                c.calls, c.seen, c.namesEqual, c.aliasNames, c.sockwatchNames));
        for (PeerComparison.Value v : PeerComparison.Value.values()) {
            b.append(String.format(Locale.ROOT, "| %s | %d |%n", v.text, c.values.getOrDefault(v, 0)));
        }
        return b.toString();
    }
}
