package sockwatch.decode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * Names for socket levels and options, loaded from the TSV files in this package (levels.tsv names the per-level
 * option files). Numbers use the asm-generic layout (x86_64, arm64); alpha/mips/parisc/sparc differ and are not
 * supported. Immutable once built, so one instance is shared by all threads.
 */
public final class OptionTable {

    private static final String LEVELS = "levels.tsv";

    /** Lazy holder: the files are read once, on first use, with the JVM's class-init locking. */
    private static final class Standard {
        static final OptionTable INSTANCE = load();
    }

    private final Map<Long, SockOption> byKey = new HashMap<>();
    private final Map<String, List<SockOption>> byName = new HashMap<>();
    private final List<SockOption> all = new ArrayList<>();
    private final Map<Integer, String> levelNames = new TreeMap<>();
    private final Map<String, Integer> levelNumbers = new HashMap<>();
    /**
     * The same options and level names indexed by number, for the look-ups every event makes (no boxed key, no
     * hashing): options by level, then optname; the numbers in the tables are small (levels up to ~300).
     */
    private SockOption[][] optionsByLevel;
    private String[] levelNamesByNumber;
    /**
     * Level numbers beyond this in a table file are a mistake in the file (and would make the arrays above huge).
     * Option numbers up to this go into the arrays; an array is only as long as its own level's largest (the
     * largest small one is SOL_IUCV's SO_MSGLIMIT, 0x1000). Larger option numbers are real only where a header
     * computes them (SOL_ATM's __SO_ENCODE: level << 22 | number << 16 | size); they stay out of the arrays and
     * are looked up in {@link #byKey}, for those levels only ({@link #levelsWithLargeOptnames}).
     */
    private static final int MAX_NUMBER = 8191;
    private boolean[] levelsWithLargeOptnames;

    private OptionTable() {
    }

    public static OptionTable standard() {
        return Standard.INSTANCE;
    }

    public Optional<SockOption> find(int level, int optname) {
        return Optional.ofNullable(option(level, optname));
    }

    /** The option, or null when the table does not know it. */
    public SockOption option(int level, int optname) {
        if (level < 0 || level >= optionsByLevel.length) {
            return null;
        }
        SockOption[] options = optionsByLevel[level];
        if (options != null && optname >= 0 && optname < options.length) {
            return options[optname];
        }
        return optname > MAX_NUMBER && levelsWithLargeOptnames[level] ? byKey.get(key(level, optname)) : null;
    }

    /** Options called {@code name} (or an alias such as SO_RCVTIMEO), ignoring case; one per level that has it. */
    public List<SockOption> byName(String name) {
        return name == null ? List.of() : byName.getOrDefault(upper(name), List.of());
    }

    /** Every option, ordered by level then optname. */
    public Collection<SockOption> all() {
        return Collections.unmodifiableList(all);
    }

    public String levelName(int level) {
        return level >= 0 && level < levelNamesByNumber.length ? levelNamesByNumber[level] : null;
    }

    /**
     * The level a user means: its name ("SOL_TCP"), an alias ("IPPROTO_TCP"), the name without "SOL_" ("tcp"),
     * any case; or a decimal number, taken as is (known or not) since it already says which level.
     */
    public OptionalInt levelNumber(String name) {
        if (name == null) {
            return OptionalInt.empty();
        }
        String s = name.strip();
        if (s.matches("[0-9]{1,10}")) {
            long n = Long.parseLong(s);
            return n <= Integer.MAX_VALUE ? OptionalInt.of((int) n) : OptionalInt.empty();
        }
        Integer n = levelNumbers.get(upper(s));
        return n == null ? OptionalInt.empty() : OptionalInt.of(n);
    }

    /** The primary level names ("SOL_IP", "SOL_SOCKET", ...), in level-number order. */
    public Collection<String> levelNames() {
        return Collections.unmodifiableCollection(levelNames.values());
    }

    private static OptionTable load() {
        OptionTable t = new OptionTable();
        for (TsvReader.Row row : TsvReader.read(LEVELS)) {
            int level = checked(row, row.number(0));
            String name = row.field(1);
            if (t.levelNames.putIfAbsent(level, name) != null) {
                throw row.bad("level " + level + " listed twice");
            }
            List<String> aliases = new ArrayList<>(row.names(2));
            if (name.startsWith("SOL_")) {
                aliases.add(name.substring(4));
            }
            aliases.add(name);
            for (String alias : aliases) {
                if (t.levelNumbers.putIfAbsent(upper(alias), level) != null) {
                    throw row.bad("level name " + alias + " used twice");
                }
            }
            for (String file : row.names(3)) {
                t.addOptions(level, file);
            }
        }
        t.all.sort(Comparator.comparingInt(SockOption::level).thenComparingInt(SockOption::optname));
        t.byName.values().forEach(list -> list.sort(Comparator.comparingInt(SockOption::level)));
        t.byName.replaceAll((k, v) -> List.copyOf(v));
        t.index();
        return t;
    }

    /** Fills the by-number arrays from the maps, once everything is loaded. */
    private void index() {
        int maxLevel = levelNames.keySet().stream().mapToInt(Integer::intValue).max().orElse(-1);
        levelNamesByNumber = new String[maxLevel + 1];
        levelNames.forEach((level, name) -> levelNamesByNumber[level] = name);
        int maxOptionLevel = all.stream().mapToInt(SockOption::level).max().orElse(-1);
        optionsByLevel = new SockOption[maxOptionLevel + 1][];
        levelsWithLargeOptnames = new boolean[maxOptionLevel + 1];
        for (SockOption o : all) {
            if (o.optname() > MAX_NUMBER) {
                levelsWithLargeOptnames[o.level()] = true;
                continue;
            }
            SockOption[] options = optionsByLevel[o.level()];
            if (options == null || options.length <= o.optname()) {
                options = Arrays.copyOf(options == null ? new SockOption[0] : options, o.optname() + 1);
                optionsByLevel[o.level()] = options;
            }
            options[o.optname()] = o;
        }
    }

    private void addOptions(int level, String file) {
        for (TsvReader.Row row : TsvReader.read(file)) {
            ValueType type;
            try {
                type = ValueType.valueOf(row.field(2));
            } catch (IllegalArgumentException e) {
                throw row.bad("unknown type '" + row.field(2) + "'");
            }
            int optname = row.number(0);
            if (optname < 0) {
                throw row.bad("optname " + optname + " is negative");
            }
            SockOption opt = new SockOption(level, optname, row.field(1), type);
            if (byKey.putIfAbsent(key(level, opt.optname()), opt) != null) {
                throw row.bad("optname " + opt.optname() + " listed twice for level " + level);
            }
            all.add(opt);
            List<String> names = new ArrayList<>(row.names(3));
            names.add(opt.name());
            for (String n : names) {
                List<SockOption> same = byName.computeIfAbsent(upper(n), k -> new ArrayList<>());
                if (same.stream().anyMatch(o -> o.level() == level)) {
                    throw row.bad("name " + n + " used twice for level " + level);
                }
                same.add(opt);
            }
        }
    }

    private static int checked(TsvReader.Row row, int number) {
        if (number < 0 || number > MAX_NUMBER) {
            throw row.bad("number " + number + " is out of range (0.." + MAX_NUMBER + ")");
        }
        return number;
    }

    private static long key(int level, int optname) {
        return ((long) level << 32) | (optname & 0xffffffffL);
    }

    private static String upper(String s) {
        return s.strip().toUpperCase(Locale.ROOT);
    }
}
