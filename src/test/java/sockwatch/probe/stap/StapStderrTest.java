package sockwatch.probe.stap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** stap -v's lines (as stap 4.8 printed them compiling sockwatch.stp for 6.1.0-56-amd64) and its warnings. */
class StapStderrTest {

    @Test
    void passLinesBecomeShortProgress() {
        assertEquals("sockwatch: stap pass 1/5: parsed user script and 484 library scripts (0.2 s)",
                StapStderr.progress("Pass 1: parsed user script and 484 library scripts using "
                        + "107340virt/97312res/7648shr/89588data kb, in 170usr/150sys/215real ms."));
        assertEquals("sockwatch: stap pass 2/5: analyzed script: 8 probes, 52 functions, 102 embeds, 16 globals (59.7 s)",
                StapStderr.progress("Pass 2: analyzed script: 8 probes, 52 functions, 102 embeds, 16 globals using "
                        + "113600virt/104764res/9028shr/95848data kb, in 68060usr/16510sys/59700real ms."));
        assertEquals("sockwatch: stap pass 4/5: compiled C into \"sockwatch.ko\" (17.4 s)",
                StapStderr.progress("Pass 4: compiled C into \"sockwatch.ko\" in 14450usr/3230sys/17400real ms."));
        assertEquals("sockwatch: stap pass 3/5: using cached /root/.systemtap/cache/5e/stap_5e_src.c",
                StapStderr.progress("Pass 3: using cached /root/.systemtap/cache/5e/stap_5e_src.c"));
        assertEquals("sockwatch: stap pass 5/5: starting run", StapStderr.progress("Pass 5: starting run."));
        assertNull(StapStderr.progress("WARNING: cannot find module kernel debuginfo: No DWARF information found"));
    }

    @Test
    void skippedProbesAndTransportFailuresAreLostEvents() {
        assertEquals(7, StapStderr.lost("WARNING: Number of errors: 0, skipped probes: 7"));
        assertEquals(3, StapStderr.lost("WARNING: There were 3 transport failures."));
        assertEquals(-1, StapStderr.lost("Pass 5: starting run."));
    }

    @Test
    void noDebuginfoWarningsAreNoise() {
        assertTrue(StapStderr.noise("WARNING: cannot find module kernel debuginfo: No DWARF information found "
                + "[man warning::debuginfo]"));
        assertTrue(StapStderr.noise("WARNING: Kernel function symbol table missing [man warning::symbols]"));
        assertFalse(StapStderr.noise("ERROR: Couldn't insert module 'sockwatch.ko': Operation not permitted"));
    }
}
