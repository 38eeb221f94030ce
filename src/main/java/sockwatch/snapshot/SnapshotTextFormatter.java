package sockwatch.snapshot;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import sockwatch.output.Printable;
import sockwatch.snapshot.SocketSnapshot.Mark;
import sockwatch.snapshot.SocketSnapshot.Reading;

/**
 * The text form: per process a header line and an aligned table, one block per socket (its row, then one
 * "NAME=VALUE (mark)" line per option, changed ones first so they stand out).
 */
public final class SnapshotTextFormatter {
    private static final String[] HEAD = {"FD", "FAMILY", "PROTO", "STATE", "LOCAL", "REMOTE"};
    private static final String INDENT = "  ";
    private static final String OPTION_INDENT = "      ";

    private final boolean changedOnly;

    /** @param changedOnly show only options marked changed */
    public SnapshotTextFormatter(boolean changedOnly) {
        this.changedOnly = changedOnly;
    }

    public String format(long pid, byte[] comm, List<SocketSnapshot> sockets) {
        StringBuilder sb = new StringBuilder();
        sb.append("PID ").append(pid).append(" '").append(Printable.of(comm)).append("': ");
        if (sockets.isEmpty()) {
            return sb.append("no sockets\n").toString();
        }
        sb.append(sockets.size()).append(sockets.size() == 1 ? " socket\n" : " sockets\n");
        List<String[]> rows = new ArrayList<>();
        for (SocketSnapshot s : sockets) {
            rows.add(new String[] {Integer.toString(s.fd()), s.kind().familyName(), s.kind().protoName(), s.state(),
                    s.local() == null ? "?" : s.local().isEmpty() ? "(unnamed)" : s.local(),
                    s.remote() == null ? "*" : s.remote().isEmpty() ? "(unnamed)" : s.remote()});
        }
        int[] width = new int[HEAD.length];
        for (int i = 0; i < HEAD.length; i++) {
            width[i] = HEAD[i].length();
            for (String[] r : rows) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        row(sb, HEAD, width);
        for (int i = 0; i < sockets.size(); i++) {
            row(sb, rows.get(i), width);
            options(sb, sockets.get(i).options());
        }
        return sb.toString();
    }

    private void options(StringBuilder sb, List<Reading> readings) {
        List<Reading> shown = new ArrayList<>();
        for (Reading r : readings) {
            if (!changedOnly || r.mark() == Mark.CHANGED) {
                shown.add(r);
            }
        }
        // Stable sort: changed first, otherwise the order of options.tsv.
        shown.sort(Comparator.comparingInt(r -> r.mark() == Mark.CHANGED ? 0 : 1));
        if (shown.isEmpty() && changedOnly) {
            sb.append(OPTION_INDENT).append("(no option differs from a fresh socket)\n");
        }
        for (Reading r : shown) {
            sb.append(OPTION_INDENT).append(r.option().name()).append('=').append(r.value().text())
                    .append(" (").append(r.mark() == Mark.UNKNOWN ? "no default known" : r.mark().word()).append(")\n");
        }
    }

    private static void row(StringBuilder sb, String[] cells, int[] width) {
        StringBuilder line = new StringBuilder(INDENT);
        for (int i = 0; i < cells.length; i++) {
            String c = cells[i];
            if (i == 0) {
                line.append(" ".repeat(width[i] - c.length())).append(c); // fd numbers right-aligned
            } else {
                line.append(c).append(" ".repeat(width[i] - c.length()));
            }
            if (i < cells.length - 1) {
                line.append("  ");
            }
        }
        sb.append(line.toString().stripTrailing()).append('\n');
    }
}
