package sockwatch.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import sockwatch.sys.Compat32.Decision;
import sockwatch.sys.Compat32.Mode;

/** When 32-bit programs' calls are watched: on a made-up machine, then on this one. */
class Compat32Test {
    /** PID 1 (64-bit) with children 10 and 20; 10 has child 11, which is 32-bit; 30 (32-bit) under 1. */
    private static Compat32.Host host(boolean x86, Set<Long> thirtyTwo, Set<String> commands32) {
        return new Compat32.Host() {
            @Override
            public boolean x86_64() {
                return x86;
            }

            @Override
            public Map<Long, Long> parents() {
                return Map.of(1L, 0L, 10L, 1L, 11L, 10L, 20L, 1L, 30L, 1L);
            }

            @Override
            public boolean is32Bit(long pid) {
                return thirtyTwo.contains(pid);
            }

            @Override
            public String name(long pid) {
                return "p" + pid;
            }

            @Override
            public boolean is32BitCommand(String argv0) {
                return commands32.contains(argv0);
            }
        };
    }

    private static final Compat32.Host MACHINE = host(true, Set.of(11L, 30L), Set.of("game32"));

    @Test
    void aWatchedProcessOrOneOfItsDescendantsThatIs32BitSwitchesItOn() {
        assertEquals(new Decision(true, "PID 11 'p11' is a 32-bit program"),
                Compat32.decide(MACHINE, Mode.AUTO, List.of(10), List.of()));
        assertEquals(new Decision(false, "no watched process was a 32-bit program at the start"),
                Compat32.decide(MACHINE, Mode.AUTO, List.of(20), List.of()));
        assertEquals(List.of(1L, 10L, 20L, 30L, 11L), Compat32.withDescendants(List.of(1), MACHINE.parents())
                .stream().sorted((a, b) -> a == 11L ? 1 : b == 11L ? -1 : Long.compare(a, b)).toList());
    }

    @Test
    void theWholeSystemOrANameLooksAtEveryProcess() {
        assertTrue(Compat32.decide(MACHINE, Mode.AUTO, List.of(), List.of()).watched());
        Decision none = Compat32.decide(host(true, Set.of(), Set.of()), Mode.AUTO, List.of(), List.of());
        assertEquals(new Decision(false, "no 32-bit program was running at the start"), none);
        assertEquals(Optional.of("32-bit programs' calls (no 32-bit program was running at the start;"
                + " --compat32 watches them)"), none.blindSpot());
    }

    @Test
    void aLaunchedCommandIsJudgedByItsProgramNotByWhatRuns() {
        assertEquals(new Decision(true, "the command is a 32-bit program"),
                Compat32.decide(MACHINE, Mode.AUTO, List.of(), List.of("game32", "-x")));
        assertFalse(Compat32.decide(MACHINE, Mode.AUTO, List.of(), List.of("curl")).watched(),
                "a 32-bit process elsewhere does not matter to a launched 64-bit command");
    }

    @Test
    void theFlagsDecideWithoutLooking() {
        Compat32.Host none = host(true, Set.of(), Set.of());
        assertEquals(new Decision(true, "--compat32"), Compat32.decide(none, Mode.ON, List.of(20), List.of()));
        Decision off = Compat32.decide(MACHINE, Mode.OFF, List.of(10), List.of());
        assertEquals(new Decision(false, "--no-compat32"), off);
        assertEquals(Optional.of("32-bit programs' calls (--no-compat32)"), off.blindSpot());
        assertEquals(Optional.empty(), Compat32.decide(none, Mode.ON, List.of(), List.of()).blindSpot());
        assertEquals(Mode.AUTO, Mode.of(null));
        assertEquals(Mode.ON, Mode.of(true));
        assertEquals(Mode.OFF, Mode.of(false));
    }

    @Test
    void onlyX86_64() {
        Compat32.Host arm = host(false, Set.of(11L), Set.of());
        assertFalse(Compat32.decide(arm, Mode.AUTO, List.of(10), List.of()).watched());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Compat32.decide(arm, Mode.ON, List.of(), List.of()));
        assertEquals("--compat32: 32-bit programs' calls are watched on x86-64 only", e.getMessage());
    }

    @Test
    void onThisMachineAQuiet64BitProcessIsNot32Bit() {
        int self = (int) ProcessHandle.current().pid();
        Decision d = Compat32.decide(Mode.AUTO, List.of(self), List.of());
        assertEquals(new Decision(false, "no watched process was a 32-bit program at the start"), d);
    }
}
