package sockwatch.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import sockwatch.decode.OptionTable;
import sockwatch.decode.SockOption;

/** What goes to the kernel as numbers: one name, one level or option; the rest stays with the Java filter. */
class KernelFilterTest {
    private static final OptionTable TABLE = OptionTable.standard();
    private static final SockOption NODELAY = TABLE.option(6, 1);
    private static final SockOption KEEPALIVE = TABLE.option(1, 9);

    @Test
    void oneNameBecomesTheKernelsCommWords() {
        KernelFilter f = KernelFilter.of(List.of("nginx"), Set.of(), Set.of());
        assertEquals(0x786e69676eL, f.comm0());   // "nginx", little-endian
        assertEquals(0, f.comm1());
        // longer than the kernel keeps: its first 15 bytes, byte 15 NUL
        KernelFilter g = KernelFilter.of(List.of("abcdefghijklmnopq"), Set.of(), Set.of());
        assertEquals(0x6867666564636261L, g.comm0());
        assertEquals(0x006f6e6d6c6b6a69L, g.comm1());
        assertEquals(List.of(Long.toString(0x6867666564636261L), Long.toString(0x006f6e6d6c6b6a69L), "0", "0"),
                g.parameters());
    }

    @Test
    void upToFourNamesGoToTheKernelTheFirstAsBeforeTheRestAfterTheBatches() {
        KernelFilter f = KernelFilter.of(List.of("nginx", "curl", "nginx", "sshd"), Set.of(), Set.of());
        assertEquals(List.of(Long.toString(0x786e69676eL), "0", "0", "0"), f.parameters());
        assertEquals(List.of(Long.toString(0x6c727563L), "0", Long.toString(0x64687373L), "0", "0", "0"),
                f.moreNames(), "curl and sshd ($13-$16; nginx once), no fourth");
        assertEquals(List.of("0", "0", "0", "0", "0", "0"), KernelFilter.of(List.of("nginx"), Set.of(), Set.of())
                .moreNames());
        KernelFilter four = KernelFilter.of(List.of("a", "b", "c", "d"), Set.of(), Set.of());
        assertEquals(List.of("98", "0", "99", "0", "100", "0"), four.moreNames());
    }

    @Test
    void whatTheKernelCannotTakeStaysAny() {
        assertEquals(KernelFilter.ANY, KernelFilter.of(List.of("a", "b", "c", "d", "e"), Set.of(), Set.of()),
                "five names: all in Java");
        assertEquals(KernelFilter.ANY, KernelFilter.of(List.of("nginx", "abcdefg\u00e9"), Set.of(), Set.of()),
                "one name that cannot go: all in Java");
        assertEquals(KernelFilter.ANY, KernelFilter.of(List.of(""), Set.of(), Set.of()), "an empty name");
        assertEquals(KernelFilter.ANY, KernelFilter.of(List.of("abcdefg\u00e9"), Set.of(), Set.of()),
                "a non-ASCII 8th byte would be a negative number");
        Set<SockOption> nine = new java.util.LinkedHashSet<>();
        for (int optname = 1; optname <= 9; optname++) {
            nine.add(TABLE.option(6, optname));
        }
        assertEquals(KernelFilter.ANY, KernelFilter.of(List.of(), nine, Set.of()), "nine options: all in Java");
        Set<Integer> levels = new java.util.LinkedHashSet<>(List.of(0, 1, 6, 17, 41, 132, 255, 263, 280));
        assertEquals(KernelFilter.ANY, KernelFilter.of(List.of(), Set.of(), levels), "nine levels: all in Java");
        assertEquals(KernelFilter.ANY, KernelFilter.of(List.of(), Set.of(), Set.of(0, Integer.MAX_VALUE)),
                "a level whose word would not be positive");
    }

    @Test
    void twoToEightOptionsGoAsASetOfPairs() {
        KernelFilter f = KernelFilter.of(List.of(), new java.util.LinkedHashSet<>(List.of(NODELAY, KEEPALIVE)),
                Set.of());
        assertEquals(List.of("0", "0", "0", "0"), f.parameters(), "no single level or option");
        assertEquals(List.of("1", Long.toString(7L << 32 | 2), Long.toString(2L << 32 | 10), "0", "0", "0", "0", "0",
                "0"), f.optionSet(), "SOL_TCP+1 << 32 | TCP_NODELAY+1, SOL_SOCKET+1 << 32 | SO_KEEPALIVE+1");
        // --level narrows the options: the one left goes as two numbers, as -o alone does
        assertEquals(List.of("0", "0", "7", "2"),
                KernelFilter.of(List.of(), Set.of(NODELAY, KEEPALIVE), Set.of(6)).parameters());
        assertEquals(List.of("0", "0", "0", "0", "0", "0", "0", "0", "0"),
                KernelFilter.of(List.of(), Set.of(NODELAY, KEEPALIVE), Set.of(6)).optionSet());
        // none left: the set is empty and no call passes, as in EventFilter
        KernelFilter none = KernelFilter.of(List.of(), Set.of(NODELAY), Set.of(1));
        assertEquals(List.of("0", "0", "0", "0"), none.parameters());
        assertEquals(List.of("1", "0", "0", "0", "0", "0", "0", "0", "0"), none.optionSet(), "-o at another level");
    }

    @Test
    void twoToEightLevelsGoAsASetOfLevels() {
        KernelFilter f = KernelFilter.of(List.of(), Set.of(), new java.util.LinkedHashSet<>(List.of(1, 0)));
        assertEquals(List.of("0", "0", "0", "0"), f.parameters());
        assertEquals(List.of("2", Long.toString(2L << 32), Long.toString(1L << 32), "0", "0", "0", "0", "0", "0"),
                f.optionSet(), "SOL_SOCKET and SOL_IP, each plus 1, option part 0");
        assertEquals(List.of("0", "0", "0", "0", "0", "0", "0", "0", "0"), KernelFilter.ANY.optionSet());
    }

    @Test
    void oneOptionOrOneLevelGoesPlusOne() {
        assertEquals(List.of("0", "0", "7", "2"), KernelFilter.of(List.of(), Set.of(NODELAY), Set.of()).parameters());
        assertEquals(List.of("0", "0", "7", "2"), KernelFilter.of(List.of(), Set.of(NODELAY), Set.of(6)).parameters());
        assertEquals(List.of("0", "0", "1", "0"), KernelFilter.of(List.of(), Set.of(), Set.of(0)).parameters(),
                "SOL_IP is 0, so any is 0 and the level goes as 1");
    }
}
