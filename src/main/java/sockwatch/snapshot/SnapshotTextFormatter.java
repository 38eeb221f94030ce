package sockwatch.snapshot;

import java.util.ArrayList;
import java.util.List;
import sockwatch.output.IdentityText;
import sockwatch.output.Printable;
import sockwatch.snapshot.SocketSnapshot.Mark;
import sockwatch.snapshot.SocketSnapshot.Reading;
import sockwatch.sys.ProcessIdentity;

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

    /** One socket, its option lines already written: what {@link #print} needs of it. */
    public record Block(SocketSnapshot socket, String options) {
    }

    public String format(long pid, byte[] comm, List<SocketSnapshot> sockets) {
        StringBuilder sb = new StringBuilder();
        print(pid, comm, sockets.stream().map(this::block).toList(), sb);
        return sb.toString();
    }

    /** The option lines of one socket (thread-safe: the snapshot's reading threads call it). */
    public Block block(SocketSnapshot s) {
        StringBuilder sb = new StringBuilder(64 * s.options().size() + 64);
        options(sb, s.options());
        return new Block(s, sb.toString());
    }

    /**
     * Writes the block of one process to {@code out}, socket by socket. The option lines are written already;
     * only the table rows wait for the column widths.
     */
    public void print(long pid, byte[] comm, List<Block> blocks, Appendable out) {
        print(pid, comm, null, blocks, out);
    }

    /**
     * The same, the header naming the process as the trace's summary does: {@code PID 7 'nginx' "nginx: worker
     * process" [netns 4026532337]: 3 sockets} (title where it says more than comm, what is not sockwatch's own).
     */
    public void print(long pid, byte[] comm, ProcessIdentity identity, List<Block> blocks, Appendable out) {
        StringBuilder sb = new StringBuilder(4096);
        String name = Printable.of(comm);
        sb.append("PID ").append(pid).append(" '").append(name).append('\'');
        if (identity != null) {
            String title = IdentityText.titleClause(identity, name);   // ", \"TITLE\"" or ""
            sb.append(title.isEmpty() ? "" : " " + title.substring(2)).append(IdentityText.tags(identity));
        }
        sb.append(": ");
        if (blocks.isEmpty()) {
            flush(sb.append("no sockets\n"), out);
            return;
        }
        sb.append(blocks.size()).append(blocks.size() == 1 ? " socket\n" : " sockets\n");
        String[][] rows = new String[blocks.size()][];
        int[] width = new int[HEAD.length];
        for (int i = 0; i < HEAD.length; i++) {
            width[i] = HEAD[i].length();
        }
        for (int r = 0; r < rows.length; r++) {
            SocketSnapshot s = blocks.get(r).socket();
            rows[r] = new String[] {Integer.toString(s.fd()), s.kind().familyName(), s.kind().protoName(), s.state(),
                    s.local() == null ? "?" : s.local().isEmpty() ? "(unnamed)" : s.local(),
                    s.remote() == null ? "*" : s.remote().isEmpty() ? "(unnamed)" : s.remote()};
            for (int i = 0; i < HEAD.length; i++) {
                width[i] = Math.max(width[i], rows[r][i].length());
            }
        }
        row(sb, HEAD, width);
        for (int i = 0; i < rows.length; i++) {
            row(sb, rows[i], width);
            sb.append(blocks.get(i).options());
            flush(sb, out);
        }
    }

    private static void flush(StringBuilder sb, Appendable out) {
        try {
            out.append(sb);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        sb.setLength(0);
    }

    private void options(StringBuilder sb, List<Reading> readings) {
        List<Reading> shown = new ArrayList<>(readings.size());
        for (Reading r : readings) { // each get() decodes, so once
            if (!changedOnly || r.mark() == Mark.CHANGED) {
                shown.add(r);
            }
        }
        if (shown.isEmpty() && changedOnly) {
            sb.append(OPTION_INDENT).append("(no option differs from a fresh socket)\n");
        }
        // Changed first, otherwise the order of options.tsv.
        for (Reading r : shown) {
            if (r.mark() == Mark.CHANGED) {
                option(sb, r);
            }
        }
        for (Reading r : shown) {
            if (r.mark() != Mark.CHANGED) {
                option(sb, r);
            }
        }
    }

    private static void option(StringBuilder sb, Reading r) {
        sb.append(OPTION_INDENT).append(r.option().name()).append('=').append(r.value().text()).append(" (")
                .append(r.mark() == Mark.UNKNOWN ? "no default known" : r.mark() == Mark.DERIVED ? r.why()
                        : r.mark().word() + (r.why() != null ? "; " + r.why() : "")).append(")\n");
    }

    private static void row(StringBuilder sb, String[] cells, int[] width) {
        int lineStart = sb.length();
        sb.append(INDENT);
        for (int i = 0; i < cells.length; i++) {
            String c = cells[i];
            if (i == 0) {
                pad(sb, width[i] - c.length()).append(c); // fd numbers right-aligned
            } else {
                pad(sb.append(c), width[i] - c.length());
            }
            if (i < cells.length - 1) {
                sb.append("  ");
            }
        }
        int end = sb.length();
        while (end > lineStart && sb.charAt(end - 1) == ' ') {
            end--;
        }
        sb.setLength(end);
        sb.append('\n');
    }

    private static StringBuilder pad(StringBuilder sb, int n) {
        for (int i = 0; i < n; i++) {
            sb.append(' ');
        }
        return sb;
    }
}
