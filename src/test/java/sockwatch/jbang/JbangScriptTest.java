package sockwatch.jbang;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * JBang compiles only what scripts/sockwatch.java lists (no globs: they break remote catalog aliases), while
 * Maven compiles the whole tree. These tests keep the two the same, and the catalog pointing at real scripts.
 */
class JbangScriptTest {
    static final Path REPO = Path.of(System.getenv().getOrDefault("SOCKWATCH_REPO", ".")).toAbsolutePath();

    private static List<String> directives(String kind) throws IOException {
        return Files.readAllLines(REPO.resolve("scripts/sockwatch.java")).stream()
                .filter(l -> l.startsWith("//" + kind + " ")).map(l -> l.substring(kind.length() + 3)).toList();
    }

    private static List<String> tree(String root, String suffix) throws IOException {
        try (Stream<Path> files = Files.walk(REPO.resolve(root))) {
            return files.filter(Files::isRegularFile).map(p -> REPO.relativize(p).toString())
                    .filter(p -> p.endsWith(suffix)).sorted().toList();
        }
    }

    @Test
    void everyMainSourceIsListedForJbang() throws IOException {
        List<String> listed = directives("SOURCES").stream().map(s -> s.substring(3))
                .filter(s -> s.startsWith("src/")).toList();
        assertEquals(tree("src/main/java", ".java"), listed, "run tools/update-jbang-sources");
        assertTrue(directives("SOURCES").contains("../testapp/SockoptTestApp.java"));
        assertTrue(directives("SOURCES").contains("../testapp/SockoptTestAppJython.java"));
    }

    @Test
    void everyResourceIsCarriedInTheJar() throws IOException {
        List<String> listed = directives("FILES").stream().filter(f -> f.contains("=../src/"))
                .map(f -> f.substring(f.indexOf("=../") + 4)).toList();
        assertEquals(tree("src/main/resources", ""), listed, "run tools/update-jbang-sources");
        for (String f : directives("FILES")) {
            String source = f.substring(f.indexOf('=') + 1);
            assertTrue(Files.isRegularFile(REPO.resolve("scripts").resolve(source).normalize()), f);
        }
    }

    /** The taps' one source is stap/ (a sysadmin runs them there); the jar must carry exactly those files. */
    @Test
    void everyStapTapIsCarriedInTheJar() throws IOException {
        List<String> listed = directives("FILES").stream().filter(f -> f.contains("=../stap/")).toList();
        List<String> taps;
        try (Stream<Path> files = Files.list(REPO.resolve("stap"))) {
            taps = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".stp")).sorted().toList();
        }
        assertEquals(taps.stream().map(n -> "sockwatch/probe/stap/" + n + "=../stap/" + n).toList(), listed,
                "run tools/update-jbang-sources");
        assertTrue(taps.contains("sockwatch.stp"), taps.toString());
    }

    @Test
    void dependenciesMatchThePom() throws IOException {
        String pom = Files.readString(REPO.resolve("pom.xml"));
        for (String dep : directives("DEPS")) {
            String[] gav = dep.split(":");
            assertTrue(pom.contains("<artifactId>" + gav[1] + "</artifactId>"), dep + " is in pom.xml");
            assertTrue(pom.contains(">" + gav[2] + "<"), dep + " has the same version in pom.xml");
        }
    }

    @Test
    void catalogHasTheThreeAliasesWithDescriptions() throws IOException {
        JsonObject aliases = JsonParser.parseString(Files.readString(REPO.resolve("jbang-catalog.json")))
                .getAsJsonObject().getAsJsonObject("aliases");
        for (String alias : List.of("sockwatch", "sockwatch-testapp", "sockwatch-testapp-jython")) {
            JsonObject a = aliases.getAsJsonObject(alias);
            assertTrue(a.get("description").getAsString().length() > 20, alias + " has a description");
            assertTrue(Files.isRegularFile(REPO.resolve(a.get("script-ref").getAsString())), alias + " script exists");
        }
    }
}
