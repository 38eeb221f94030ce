package sockwatch.support;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** The temp folders every program shares (/tmp, /var/tmp, /dev/shm), and what sockwatch may have left there. */
public final class SharedTempDirs {
    private static final List<Path> SHARED = List.of(Path.of("/tmp"), Path.of("/var/tmp"), Path.of("/dev/shm"));
    private static final Pattern OUR_NAMES = Pattern.compile("sockwatch|bpftrace|jna|hsperfdata",
            Pattern.CASE_INSENSITIVE);

    private SharedTempDirs() {
    }

    /**
     * Every path in the shared folders, two levels deep. Entries that vanish while listing (other programs come
     * and go) are left out one by one, never the rest of the folder with them.
     */
    public static Set<String> listing() throws IOException {
        Set<String> names = new HashSet<>();
        for (Path d : SHARED) {
            if (Files.isDirectory(d)) {
                for (Path p : entries(d)) {
                    names.add(p.toString());
                    if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                        try {
                            entries(p).forEach(q -> names.add(q.toString()));
                        } catch (IOException e) {
                            // gone, or not ours to read
                        }
                    }
                }
            }
        }
        return names;
    }

    private static List<Path> entries(Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            s.forEach(out::add);
        }
        return out;
    }

    /**
     * The paths that appeared since {@code before} and look like ours: any that names one of the PIDs (sockwatch,
     * its backend; e.g. the JVM's hsperfdata_USER/PID), and any new entry right in a shared folder named after
     * sockwatch, bpftrace, JNA or hsperfdata. This machine is shared: deeper files of other programs (another
     * JVM's hsperfdata, a benchmark's sockwatchSink.jfr in its own folder) are not ours and are ignored.
     */
    public static Set<String> leftBehind(Set<String> before, long... pids) throws IOException {
        Set<String> after = listing();
        after.removeAll(before);
        List<Pattern> ourPids = Arrays.stream(pids).mapToObj(p -> Pattern.compile("(?<![0-9])" + p + "(?![0-9])"))
                .toList();
        return after.stream().filter(n -> ourPids.stream().anyMatch(p -> p.matcher(n).find())
                || SHARED.contains(Path.of(n).getParent()) && OUR_NAMES.matcher(Path.of(n).getFileName().toString())
                .find()).collect(Collectors.toSet());
    }
}
