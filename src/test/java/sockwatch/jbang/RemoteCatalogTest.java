package sockwatch.jbang;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sockwatch.support.Capabilities;

/**
 * `jbang sockwatch@URL` with the catalog on another host, as the README gives it: the checkout's files served
 * over HTTP on a non-loopback address of this host (JBang trusts only localhost and file:// by default), JBang in
 * a private JBANG_DIR so the user's trust list and cache are untouched, no terminal.
 */
class RemoteCatalogTest {
    private static final List<String> SERVED = List.of("jbang-catalog.json", "scripts", "src/main", "stap", "testapp");

    @TempDir
    Path tmp;

    @Test
    void untrustedIsRefusedTrustedRunsAndFreshPicksUpAnUpdate() throws Exception {
        Optional<InetAddress> address = nonLoopbackIpv4();
        Capabilities.require(address.isPresent(), "this host has no non-loopback IPv4 address to serve from");
        Path root = Files.createDirectories(tmp.resolve("served"));
        for (String s : SERVED) {
            copyTree(JbangScriptTest.REPO.resolve(s), root.resolve(s));
        }
        Path userTrust = Path.of(System.getProperty("user.home"), ".jbang", "trusted-sources.json");
        String userTrustBefore = Files.exists(userTrust) ? Files.readString(userTrust) : null;

        HttpServer server = HttpServer.create(new InetSocketAddress(address.get(), 0), 0);
        server.createContext("/", exchange -> {
            Path file = root.resolve(exchange.getRequestURI().getPath().substring(1)).normalize();
            byte[] body = file.startsWith(root) && Files.isRegularFile(file) ? Files.readAllBytes(file) : null;
            exchange.sendResponseHeaders(body == null ? 404 : 200, body == null ? -1 : body.length);
            if (body != null) {
                exchange.getResponseBody().write(body);
            }
            exchange.close();
        });
        server.start();
        try {
            String base = "http://" + address.get().getHostAddress() + ":" + server.getAddress().getPort() + "/";
            String alias = "sockwatch@" + base + "jbang-catalog.json";
            Map<String, String> env = new java.util.HashMap<>(Shell.login());
            env.put("JBANG_DIR", tmp.resolve("jbang-dir").toString());
            Path work = Files.createDirectories(tmp.resolve("work"));
            String jbang = JbangScriptTest.REPO.resolve("jbang").toString();

            Shell.Result r = Shell.run(work, env, jbang, alias, "--version");
            assertEquals(10, r.exit(), r.both());
            assertTrue(r.stderr().contains(base + "scripts/sockwatch.java is not from a trusted source and user did"
                    + " not confirm trust thus aborting."), r.stderr());

            r = Shell.run(work, env, jbang, "trust", "add", base);
            assertEquals(0, r.exit(), r.both());
            r = Shell.run(work, env, jbang, alias, "--version");
            assertEquals(0, r.exit(), r.both());
            assertEquals("sockwatch 0.1.0 (Java " + javaVersion(r.stdout()) + ")\n", r.stdout());

            // an update on the server: the cached copy is used until --fresh, then the new one
            Path version = root.resolve("src/main/java/sockwatch/cli/Version.java");
            Files.writeString(version, Files.readString(version).replace("\"0.1.0\"", "\"0.1.0-update\""));
            r = Shell.run(work, env, jbang, alias, "--version");
            assertTrue(r.stdout().startsWith("sockwatch 0.1.0 ("), "without --fresh, the cached build: " + r.both());
            r = Shell.run(work, env, jbang, "--fresh", alias, "--version");
            assertTrue(r.stdout().startsWith("sockwatch 0.1.0-update ("), "--fresh fetches again: " + r.both());
            r = Shell.run(work, env, jbang, alias, "--version");
            assertTrue(r.stdout().startsWith("sockwatch 0.1.0-update ("), "and keeps the new one: " + r.both());
        } finally {
            server.stop(0);
        }
        assertEquals(userTrustBefore, Files.exists(userTrust) ? Files.readString(userTrust) : null,
                "the user's own trust list is untouched");
    }

    private static String javaVersion(String versionLine) {
        return versionLine.replaceAll("(?s).*\\(Java ([^)]+)\\).*", "$1");
    }

    private static Optional<InetAddress> nonLoopbackIpv4() throws Exception {
        for (NetworkInterface nif : NetworkInterface.networkInterfaces().toList()) {
            if (!nif.isUp() || nif.isLoopback()) {
                continue;
            }
            for (InetAddress a : nif.inetAddresses().toList()) {
                if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
                    return Optional.of(a);
                }
            }
        }
        return Optional.empty();
    }

    private static void copyTree(Path from, Path to) throws Exception {
        try (var all = Files.walk(from)) {
            for (Path p : all.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(p, target);
                }
            }
        }
    }
}
