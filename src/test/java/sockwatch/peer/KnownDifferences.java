package sockwatch.peer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * peer/known-differences.tsv: each value difference between strace and sockwatch that is understood, as
 * {@code program <TAB> option <TAB> kind <TAB> why}. A difference is keyed by its program, option and kind.
 */
final class KnownDifferences {
    private KnownDifferences() {
    }

    static List<String> read(Path tsv) throws IOException {
        List<String> keys = new ArrayList<>();
        for (String line : Files.readAllLines(tsv)) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\t");
            if (f.length != 4 || f[3].isBlank()) {
                throw new IOException(tsv + ": needs program, option, kind and why, tab-separated: " + line);
            }
            keys.add(f[0] + "\t" + f[1] + "\t" + f[2]);
        }
        return keys;
    }

    static String key(PeerComparison.Difference d) {
        return d.program() + "\t" + d.strace().option() + "\t" + d.what();
    }
}
