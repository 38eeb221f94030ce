package sockwatch.probe.bpftrace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The environment's bpftrace settings: a number in range, or the default when unset; anything else is refused. */
class BpftraceSettingsTest {
    @Test
    void unsetOrEmptyIsTheDefault() {
        assertEquals(60, BpftraceSettings.value(Map.<String, String>of()::get, BpftraceSettings.ARM_SECONDS, 60, 1,
                86400));
        assertEquals(60, BpftraceSettings.value(Map.of(BpftraceSettings.ARM_SECONDS, " ")::get,
                BpftraceSettings.ARM_SECONDS, 60, 1, 86400));
        assertEquals(Optional.empty(), BpftraceSettings.problem(Map.<String, String>of()::get));
    }

    @Test
    void aNumberInRangeIsTaken() {
        assertEquals(600, BpftraceSettings.value(Map.of(BpftraceSettings.ARM_SECONDS, "600")::get,
                BpftraceSettings.ARM_SECONDS, 60, 1, 86400));
        assertEquals(Optional.empty(), BpftraceSettings.problem(Map.of(BpftraceSettings.MAP_KEYS, "1048576",
                BpftraceSettings.STOP_SECONDS, "300", BpftraceSettings.ARM_SECONDS, " 600 ")::get));
    }

    @Test
    void anythingElseIsRefusedInOneLineWithoutEchoingIt() {
        for (String bad : new String[] {"abc", "-5", "0", "1.5", "99999999999", "86401", "60s", "$(id)"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BpftraceSettings.value(
                    Map.of(BpftraceSettings.ARM_SECONDS, bad)::get, BpftraceSettings.ARM_SECONDS, 60, 1, 86400), bad);
            assertEquals("SOCKWATCH_BPFTRACE_ARM_SECONDS must be a whole number from 1 to 86400 (unset it for the"
                    + " default, 60)", e.getMessage(), bad);
        }
        assertEquals(Optional.of("SOCKWATCH_BPFTRACE_MAP_KEYS must be a whole number from 1 to 1048576 (unset it for"
                + " the default, 16384)"), BpftraceSettings.problem(Map.of(BpftraceSettings.MAP_KEYS, "2000000")::get));
    }
}
