package sockwatch.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ProcessNamesTest {

    @Test
    void sameTextAsPrintableForEveryNameEvenWhenSlotsAreReused() {
        long seed = new Random().nextLong();
        Random r = new Random(seed);
        byte[][] names = new byte[5000][];
        for (int i = 0; i < names.length; i++) {
            names[i] = new byte[r.nextInt(16)];
            r.nextBytes(names[i]);
        }
        for (int round = 0; round < 3; round++) {
            for (byte[] n : names) {
                assertEquals(Printable.of(n), ProcessNames.printable(n), "seed " + seed);
            }
        }
    }

    @Test
    void aNameSeenAgainGivesTheSameString() {
        byte[] hostile = "ev\til\n%s\"'\\\u00ff\u001b[3".getBytes(StandardCharsets.ISO_8859_1);
        String first = ProcessNames.printable(hostile);
        assertSame(first, ProcessNames.printable(hostile.clone()));
        assertEquals("ev\\til\\n%s\"'\\\\\\xff\\x1b[3", first);
    }

    @Test
    void changingTheCallersArrayAfterwardsChangesNothing() {
        byte[] name = "nginx".getBytes(StandardCharsets.US_ASCII);
        assertEquals("nginx", ProcessNames.printable(name));
        name[0] = 'X';
        assertEquals("Xginx", ProcessNames.printable(name));
        assertEquals("nginx", ProcessNames.printable("nginx".getBytes(StandardCharsets.US_ASCII)));
    }
}
