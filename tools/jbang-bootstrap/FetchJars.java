/*
 * FetchJars.java - fetches the jars of jbang.lock from a Maven repository and checks each one's SHA-256, for
 * ../../jbang on a machine without Maven. Run by `java FetchJars.java` (a single source file: every JDK 11+ runs
 * it, nothing to build), so a box with only a JDK can start JBang.
 *
 *   java FetchJars.java fetch  LOCK REPO_URL DIR   writes DIR/lib/<artifactId>-<version>[-<classifier>].jar and
 *                                                   DIR/classpath (lib/... entries joined by ':', in lock order)
 *   java FetchJars.java verify LOCK DIR            checks the jars already in DIR/lib (resolved by Maven) instead
 *
 * DIR must be a fresh private directory (../../jbang makes it with mktemp and renames it into place only when this
 * exits 0), so a failure never leaves a half-filled cache. A download that fails, or a jar whose checksum is not
 * the lock's, ends the run: one line on stderr naming the jar and its URL, exit 1. Nothing here runs a byte it
 * fetched. Proxies: https_proxy / http_proxy / no_proxy from the environment, as curl reads them.
 */
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

public class FetchJars {

    /** One line of the lock: a jar's coordinates and the SHA-256 it must have. */
    static final class Jar {
        final String coords;
        final String path;   // within a Maven repository
        final String file;   // as Maven's copy-dependencies names it
        final String sha256;

        Jar(String coords, String sha256) {
            String[] c = coords.split(":");
            if (c.length < 3 || c.length > 4 || !sha256.matches("[0-9a-f]{64}")) {
                throw new IllegalArgumentException("bad lock line: " + coords + " " + sha256);
            }
            this.coords = coords;
            this.file = c[1] + "-" + c[2] + (c.length == 4 ? "-" + c[3] : "") + ".jar";
            this.path = c[0].replace('.', '/') + "/" + c[1] + "/" + c[2] + "/" + file;
            this.sha256 = sha256;
        }
    }

    public static void main(String[] args) {
        try {
            if (args.length == 4 && args[0].equals("fetch")) {
                fetch(read(Path.of(args[1])), args[2].replaceAll("/+$", ""), Path.of(args[3]));
            } else if (args.length == 3 && args[0].equals("verify")) {
                verify(read(Path.of(args[1])), Path.of(args[2]));
            } else {
                fail("usage: java FetchJars.java fetch LOCK REPO_URL DIR | verify LOCK DIR");
            }
        } catch (IOException | IllegalArgumentException e) {
            fail(e.getMessage());
        }
    }

    static List<Jar> read(Path lock) throws IOException {
        List<Jar> jars = new ArrayList<>();
        for (String line : Files.readAllLines(lock)) {
            line = line.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\\s+");
            if (f.length != 2) {
                throw new IllegalArgumentException("bad line in " + lock + ": " + line);
            }
            jars.add(new Jar(f[0], f[1]));
        }
        if (jars.isEmpty()) {
            throw new IllegalArgumentException(lock + " lists no jars");
        }
        return jars;
    }

    static void fetch(List<Jar> jars, String repo, Path dir) throws IOException {
        proxiesFromEnvironment();
        Path lib = Files.createDirectories(dir.resolve("lib"));
        long bytes = 0;
        for (Jar jar : jars) {
            String url = repo + "/" + jar.path;
            Path part = lib.resolve(jar.file + ".part");
            String sum = download(url, part, jar);
            if (!sum.equals(jar.sha256)) {
                Files.deleteIfExists(part);
                fail("the checksum of " + jar.file + " from " + url + " is " + sum + ", not the " + jar.sha256
                        + " of tools/jbang-bootstrap/jbang.lock: not using it (a changed or broken mirror?)");
            }
            bytes += Files.size(part);
            Files.move(part, lib.resolve(jar.file), StandardCopyOption.ATOMIC_MOVE);
        }
        writeClasspath(jars, dir);
        System.err.printf(Locale.ROOT, "sockwatch: jbang: fetched %d jars (%.1f MB) from %s, every SHA-256 checked%n",
                jars.size(), bytes / 1e6, repo);
    }

    /** Maven resolved the jars: the same checksums hold, or they are not used. */
    static void verify(List<Jar> jars, Path dir) throws IOException {
        for (Jar jar : jars) {
            Path f = dir.resolve("lib").resolve(jar.file);
            if (!Files.isRegularFile(f)) {
                fail("Maven did not resolve " + jar.file + " (" + jar.coords + "), which jbang.lock lists");
            }
            String sum;
            try (InputStream in = Files.newInputStream(f)) {
                sum = digest(in, OutputStream.nullOutputStream());
            }
            if (!sum.equals(jar.sha256)) {
                fail("the checksum of " + jar.file + " that Maven resolved is " + sum + ", not the " + jar.sha256
                        + " of tools/jbang-bootstrap/jbang.lock: not using it");
            }
        }
        writeClasspath(jars, dir);
    }

    private static void writeClasspath(List<Jar> jars, Path dir) throws IOException {
        StringBuilder cp = new StringBuilder();
        for (Jar jar : jars) {
            cp.append(cp.length() == 0 ? "" : ":").append("lib/").append(jar.file);
        }
        Files.writeString(dir.resolve("classpath"), cp);
    }

    /** Two tries: a dropped connection on a long first download should not need a second ./jbang run. */
    private static String download(String url, Path to, Jar jar) {
        IOException last = null;
        for (int attempt = 0; attempt < 2; attempt++) {
            try {
                URLConnection c = URI.create(url).toURL().openConnection();
                c.setConnectTimeout(30_000);
                c.setReadTimeout(60_000);
                c.setRequestProperty("User-Agent", "sockwatch-jbang-bootstrap");
                if (c instanceof HttpURLConnection) {
                    int code = ((HttpURLConnection) c).getResponseCode();
                    if (code != 200) {
                        // a 404 will not get better by asking again
                        fail("could not download " + jar.file + " from " + url + ": HTTP " + code);
                    }
                }
                try (InputStream in = c.getInputStream(); OutputStream out = Files.newOutputStream(to)) {
                    return digest(in, out);
                }
            } catch (IOException | IllegalArgumentException e) {
                last = e instanceof IOException ? (IOException) e : new IOException(e.getMessage());
            }
        }
        fail("could not download " + jar.file + " from " + url + ": " + describe(last));
        return null;
    }

    private static String describe(IOException e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m.replaceAll("\\s+", " "));
    }

    private static String digest(InputStream in, OutputStream out) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IOException(e);
        }
        byte[] buf = new byte[1 << 16];
        for (int n; (n = in.read(buf)) > 0; ) {
            md.update(buf, 0, n);
            out.write(buf, 0, n);
        }
        StringBuilder hex = new StringBuilder(64);
        for (byte b : md.digest()) {
            hex.append(String.format(Locale.ROOT, "%02x", b));
        }
        return hex.toString();
    }

    /** curl's variables, as Java's properties (which it does not read from the environment itself). */
    private static void proxiesFromEnvironment() {
        proxy("https", env("https_proxy"));
        proxy("http", env("http_proxy"));
        String no = env("no_proxy");
        if (no != null) {
            String hosts = String.join("|", no.replace(" ", "").replaceAll("(^|,)\\.", "$1*.").split(","));
            System.setProperty("http.nonProxyHosts", hosts);   // https reads the http one
        }
    }

    private static void proxy(String scheme, String value) {
        if (value == null || value.isEmpty()) {
            return;
        }
        URI u = URI.create(value.contains("://") ? value : "http://" + value);
        if (u.getHost() == null) {
            fail(scheme + "_proxy is not a proxy URL: " + value);
        }
        System.setProperty(scheme + ".proxyHost", u.getHost());
        System.setProperty(scheme + ".proxyPort", Integer.toString(u.getPort() > 0 ? u.getPort() : 80));
    }

    private static String env(String lower) {
        String v = System.getenv(lower);
        return v != null ? v : System.getenv(lower.toUpperCase(Locale.ROOT));
    }

    private static void fail(String message) {
        System.err.println("sockwatch: jbang: " + message);
        System.exit(1);
    }
}
