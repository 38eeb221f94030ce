package sockwatch.output;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What each process did over the whole watch: per option, how often it was set, how often that failed (and
 * why), and each socket's final value: the last successful call's on each fd, grouped where equal, so that one
 * fd's value is never told as the process's. A socket is told by its fd: where a process reuses an fd number
 * for a new socket, that fd's final is the latest socket's. Printed when sockwatch ends.
 */
public final class Summary {
    private static final int FDS_SHOWN = 8;
    private final Map<Integer, ProcessStats> processes = new TreeMap<>();
    /** The last event's process: the next event most often comes from it too (no boxed pid, no tree walk). */
    private ProcessStats lastProcess;
    private long events;
    private long lost;
    private long malformed;
    private boolean changesOnly;
    private long repeatsShown;
    private long repeatsReported;
    private long repeatsCounted;
    private boolean repeatsComplete;
    private List<String> blindSpots = List.of();

    /** Changes-only mode: the summary also accounts for the repeats the backend counted instead of showing. */
    public synchronized Summary changesOnly() {
        changesOnly = true;
        return this;
    }

    /** Repeats that passed the filters: added to their option's call count (and failures). */
    public synchronized void repeats(RepeatView v) {
        repeatsShown += v.repeats().count();
        ProcessStats p = processes.computeIfAbsent(v.repeats().pid(), ProcessStats::new);
        if (p.comm == null) {
            p.comm = v.comm();
        }
        p.option(v.repeats().level(), v.repeats().optname(), v.optionLabel(), v.levelLabel(), v.levelName(),
                v.optionName()).add(v);
    }

    /**
     * The backend's end-of-run report: {@code reported} repeats it told apart by key (before sockwatch's filters)
     * out of {@code counted} in all.
     */
    public synchronized void repeatsReported(long reported, long counted) {
        repeatsReported += reported;
        repeatsCounted += counted;
        repeatsComplete = true;
    }

    public synchronized long repeats() {
        return repeatsShown;
    }

    public synchronized void add(EventView v) {
        events++;
        int pid = v.event().pid();
        ProcessStats p = lastProcess;
        if (p == null || p.pid != pid) {
            p = processes.computeIfAbsent(pid, ProcessStats::new);
            lastProcess = p;
        }
        p.add(v);
    }

    public synchronized void lost(long count) {
        lost += count;
    }

    public synchronized void malformed() {
        malformed++;
    }

    /** Backend lines that did not parse, skipped. */
    public synchronized long malformedLines() {
        return malformed;
    }

    public synchronized long events() {
        return events;
    }

    public synchronized long lost() {
        return lost;
    }

    /**
     * What this watch could not see (children it was told not to follow, tasks it had no room for, call paths its
     * backend is blind to), said at the end so that a count, and above all "0 events", is never taken as complete.
     */
    public synchronized void blindSpots(List<String> spots) {
        blindSpots = List.copyOf(spots);
    }

    public synchronized String render() {
        StringBuilder out = new StringBuilder();
        out.append("Summary: ").append(events).append(events == 1 ? " event" : " events");
        if (changesOnly) {
            if (!repeatsComplete) {
                out.append(" (changes only: the probe did not report its repeat counts, so they are missing)");
            } else {
                out.append(" (changes only), ").append(repeatsShown).append(repeatsShown == 1 ? " repeat" : " repeats")
                        .append(" counted in the kernel and not shown");
                if (repeatsCounted > repeatsReported) {
                    out.append(", ").append(repeatsCounted - repeatsReported).append(" more repeats the probe had no "
                            + "room to attribute (the counts below miss them)");
                }
            }
        }
        out.append(", ").append(processes.size()).append(processes.size() == 1 ? " process" : " processes");
        if (lost > 0) {
            out.append(", ").append(lost).append(" LOST by the backend (the counts below miss them)");
        }
        if (malformed > 0) {
            out.append(", ").append(malformed).append(" unreadable backend lines skipped");
        }
        out.append('\n');
        for (ProcessStats p : processes.values()) {
            p.render(out);
        }
        if (!blindSpots.isEmpty()) {
            out.append(events == 0 && repeatsShown == 0 ? "Nothing was seen. What this watch could not see:\n"
                    : "What this watch could not see:\n");
            for (String spot : blindSpots) {
                out.append("  - ").append(spot).append('\n');
            }
        }
        return out.toString();
    }

    /**
     * The summary as JSON lines, for --json: one record per process and option ({@code "summary": "option"}: calls,
     * repeats, failures by errno, and each socket's final value grouped as in the text, a lone fd with its
     * socket), then one for the watch ({@code "summary": "watch"}: events, processes, losses, blind spots).
     */
    public synchronized List<String> jsonRecords() {
        List<String> lines = new java.util.ArrayList<>();
        for (ProcessStats p : processes.values()) {
            for (OptionStats s : p.options.values()) {
                Map<String, Object> head = new LinkedHashMap<>();
                head.put("summary", "option");
                head.put("pid", p.pid);
                head.put("comm", p.comm);
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("level", s.levelName);
                o.put("level_num", s.level);
                o.put("option", s.optionName);
                o.put("optname", s.optname);
                o.put("calls", s.count);
                o.put("repeated", s.repeats);   // not "repeats": that key marks a repeat record
                o.put("failures", s.failures);
                List<Object> finals = new java.util.ArrayList<>();
                for (Map.Entry<String, TreeSet<Integer>> g : s.groups().entrySet()) {
                    Map<String, Object> f = new LinkedHashMap<>();
                    f.put("value", s.finalJsonByFd.get(g.getValue().first()));
                    f.put("fds", List.copyOf(g.getValue()));
                    if (g.getValue().size() == 1) {
                        sockwatch.event.SocketContext c = s.socketByFd.get(g.getValue().first());
                        f.put("family", sockwatch.decode.SocketNames.family(c));
                        f.put("proto", sockwatch.decode.SocketNames.protocol(c));
                        f.put("local", c.local());
                        f.put("remote", c.remote());
                    }
                    finals.add(f);
                }
                o.put("finals", finals);
                TreeSet<Integer> none = new TreeSet<>(s.fds);
                none.removeAll(s.finalByFd.keySet());
                o.put("fds_never_set", List.copyOf(none));
                StringBuilder out = new StringBuilder(300).append('{');
                Json.members(out, head);
                out.append(IdentityText.jsonFields(p.identity != null ? p.identity
                        : sockwatch.sys.ProcessIdentity.unknown(p.pid))).append(", ");
                Json.members(out, o);
                lines.add(out.append('}').toString());
            }
        }
        Map<String, Object> w = new LinkedHashMap<>();
        w.put("summary", "watch");
        w.put("events", events);
        w.put("processes", processes.size());
        w.put("repeated", changesOnly ? (Object) repeatsShown : null);
        w.put("repeated_unattributed", changesOnly && repeatsComplete ? (Object) (repeatsCounted - repeatsReported)
                : null);
        w.put("lost", lost);
        w.put("malformed", malformed);
        w.put("blind_spots", blindSpots);
        StringBuilder out = new StringBuilder(200);
        Json.object(out, w);
        lines.add(out.toString());
        return lines;
    }

    private static final class ProcessStats {
        final int pid;
        String comm;
        /** Who it is, from its latest event that had it looked up (null if none did). */
        sockwatch.sys.ProcessIdentity identity;
        /** By (level, optname); the label is made once per option, not per event. */
        final Map<Long, OptionStats> options = new LinkedHashMap<>();

        ProcessStats(int pid) {
            this.pid = pid;
        }

        void add(EventView v) {
            comm = v.comm();
            if (v.process() != null) {
                identity = v.process();
            }
            option(v.event().level(), v.event().optname(), v.optionLabel(), v.levelLabel(), v.levelName(),
                    v.optionName()).add(v);
        }

        OptionStats option(int level, int optname, String optionLabel, String levelLabel, String levelName,
                           String optionName) {
            OptionStats s = options.get(((long) level << 32) | (optname & 0xffffffffL));
            if (s == null) {
                s = new OptionStats(optionLabel + " (" + levelLabel + ")", level, optname, levelName, optionName);
                options.put(((long) level << 32) | (optname & 0xffffffffL), s);
            }
            return s;
        }

        void render(StringBuilder out) {
            out.append("  PID ").append(pid).append(" '").append(comm).append('\'');
            if (identity != null) {
                String title = IdentityText.titleClause(identity, comm);   // ", \"TITLE\"" or ""
                out.append(title.isEmpty() ? "" : " " + title.substring(2)).append(IdentityText.tags(identity));
            }
            out.append(":\n");
            int width = options.values().stream().mapToInt(o -> o.label.length()).max().orElse(0);
            options.values().forEach(s -> {
                String name = s.label;
                out.append("    ").append(name).append(" ".repeat(width - name.length()));
                out.append("  set ").append(s.count).append('x');
                if (s.repeats > 0) {
                    out.append(" (").append(s.repeats).append(s.repeats == 1 ? " repeat" : " repeats")
                            .append(" not shown)");
                }
                Map<String, TreeSet<Integer>> groups = s.groups();
                boolean differ = groups.size() > 1;   // different sockets ended with different values
                String sep = ", final ";
                for (Map.Entry<String, TreeSet<Integer>> g : groups.entrySet()) {
                    out.append(sep).append(g.getKey());
                    sep = "; ";
                    if (differ) {   // each group with its fds, a lone fd with its socket
                        out.append(" for ").append(g.getValue().size() == 1 ? "fd " : "fds ")
                                .append(fdList(g.getValue()));
                        if (g.getValue().size() == 1) {
                            SocketText.appendTo(out, s.socketByFd.get(g.getValue().first()));
                        }
                    }
                }
                s.failures.forEach((errno, n) -> out.append(", failed ").append(n).append("x ").append(errno));
                if (!differ) {
                    out.append(s.fds.size() == 1 ? ", fd " : ", fds ").append(fdList(s.fds));
                } else {
                    TreeSet<Integer> others = new TreeSet<>(s.fds);
                    others.removeAll(s.finalByFd.keySet());
                    if (!others.isEmpty()) {
                        out.append(others.size() == 1 ? " (fd " : " (fds ").append(fdList(others))
                                .append(": none succeeded)");
                    }
                }
                out.append('\n');
            });
        }
    }

    /** "3, 5, 7" or, for a busy server, the first few and how many more. */
    private static String fdList(TreeSet<Integer> fds) {
        List<String> shown = fds.stream().limit(FDS_SHOWN).map(String::valueOf).toList();
        return String.join(", ", shown) + (fds.size() > FDS_SHOWN ? " and " + (fds.size() - FDS_SHOWN) + " more" : "");
    }

    private static final class OptionStats {
        final String label;
        final int level;
        final int optname;
        final String levelName;
        final String optionName;
        long count;
        long repeats;
        /** Each fd's last successful value, and the socket as that call saw it. */
        final Map<Integer, String> finalByFd = new TreeMap<>();
        /** The same values as JSON shows them in an event's "value" (for the JSON summary records). */
        final Map<Integer, Object> finalJsonByFd = new java.util.HashMap<>();
        final Map<Integer, sockwatch.event.SocketContext> socketByFd = new java.util.HashMap<>();
        final Map<String, Long> failures = new TreeMap<>();
        final TreeSet<Integer> fds = new TreeSet<>();
        private int lastFd = -1;

        OptionStats(String label, int level, int optname, String levelName, String optionName) {
            this.label = label;
            this.level = level;
            this.optname = optname;
            this.levelName = levelName;
            this.optionName = optionName;
        }

        void add(EventView v) {
            count++;
            if (v.event().fd() != lastFd) {
                lastFd = v.event().fd();
                fds.add(lastFd);
            }
            if (v.event().ok()) {
                Boolean enabled = v.value().enabled();
                int fd = v.event().fd();
                finalByFd.put(fd, enabled != null ? (enabled ? "on" : "off") : v.value().text());
                finalJsonByFd.put(fd, v.value().json());
                socketByFd.put(fd, v.event().socket());   // rendered only at the end
            } else {
                failures.merge(v.errnoName(), 1L, Long::sum);
            }
        }

        /** The final values and the fds that ended with each, in the order of their lowest fd. */
        Map<String, TreeSet<Integer>> groups() {
            Map<String, TreeSet<Integer>> g = new LinkedHashMap<>();
            finalByFd.forEach((fd, value) -> g.computeIfAbsent(value, k -> new TreeSet<>()).add(fd));
            return g;
        }

        /** Repeats are identical to a call already added, so the final value stays; only the counts grow. */
        void add(RepeatView v) {
            count += v.repeats().count();
            repeats += v.repeats().count();
            fds.add(v.repeats().fd());
            if (!v.repeats().ok()) {
                failures.merge(v.errnoName(), v.repeats().count(), Long::sum);
            }
        }
    }
}
