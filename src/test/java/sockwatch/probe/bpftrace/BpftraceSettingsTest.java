package sockwatch.probe.bpftrace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The environment's bpftrace settings: a number in range, or the default when unset; anything else is refused. */
class BpftraceSettingsTest {
    private static final String ARM = "SOCKWATCH_BPFTRACE_ARM_SECONDS";

    @Test
    void unsetOrEmptyIsTheDefault() {
        assertEquals(60, BpftraceSettings.ARM_SECONDS.read(Map.<String, String>of()::get));
        assertEquals(60, BpftraceSettings.ARM_SECONDS.read(Map.of(ARM, " ")::get));
        assertEquals(Optional.empty(), BpftraceSettings.problem(Map.<String, String>of()::get));
    }

    @Test
    void aNumberInRangeIsTaken() {
        assertEquals(600, BpftraceSettings.ARM_SECONDS.read(Map.of(ARM, "600")::get));
        assertEquals(Optional.empty(), BpftraceSettings.problem(Map.of(BpftraceSettings.MAP_KEYS.name(), "1048576",
                BpftraceSettings.STOP_SECONDS.name(), "300", ARM, " 600 ")::get));
    }

    @Test
    void anythingElseIsRefusedInOneLineWithoutEchoingIt() {
        for (String bad : new String[] {"abc", "-5", "0", "1.5", "99999999999", "86401", "60s", "$(id)"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> BpftraceSettings.ARM_SECONDS.read(Map.of(ARM, bad)::get), bad);
            assertEquals("SOCKWATCH_BPFTRACE_ARM_SECONDS must be a whole number from 1 to 86400 (unset it for the"
                    + " default, 60)", e.getMessage(), bad);
        }
        assertEquals(Optional.of("SOCKWATCH_BPFTRACE_MAP_KEYS must be a whole number from 1 to 1048576 (unset it for"
                + " the default, 16384)"),
                BpftraceSettings.problem(Map.of(BpftraceSettings.MAP_KEYS.name(), "2000000")::get));
    }
}
