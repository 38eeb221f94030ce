package sockwatch.probe.bpftrace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Which captured bytes count as read: zeros from a read that touched a page not known to be mapped do not. */
class ValueReadsTest {
    @Test
    void theReadsAreTheProbes() {
        assertArrayEquals(new int[][] {{0, 1}, {1, 2}, {2, 3}}, ValueReads.reads(3));
        assertArrayEquals(new int[][] {{0, 4}}, ValueReads.reads(4));
        assertArrayEquals(new int[][] {{0, 4}, {2, 6}}, ValueReads.reads(6));
        assertArrayEquals(new int[][] {{0, 8}, {1, 9}}, ValueReads.reads(9));
        assertArrayEquals(new int[][] {{0, 8}, {8, 16}, {12, 20}}, ValueReads.reads(20));
    }

    @Test
    void onOnePageASucceededCallProvesEveryByte() {
        assertEquals(4, ValueReads.verified(new byte[4], 4, 100, true), "a real zero");
        assertEquals(0, ValueReads.verified(new byte[4], 4, 100, false), "zeros and a failed call: nothing proven");
        assertEquals(4, ValueReads.verified(new byte[] {1, 0, 0, 0}, 4, 100, false), "a non-zero byte proves its read");
        assertEquals(9, ValueReads.verified(new byte[9], 9, -1, false), "no page offset (older probe): all taken");
    }

    @Test
    void aValueThatRunsOntoAnUnknownPageStopsWhereItsFirstDoubtfulReadBegins() {
        // SO_LINGER at the end of a page, optlen 9: the tail read [1, 9) touched the next page and came back 0
        byte[] linger = {(byte) 0xf1, -1, -1, -1, (byte) 0xd6, -1, -1, -1, 0};
        assertEquals(8, ValueReads.verified(linger, 9, 4096 - 8, true));
        // the same with a non-zero 9th byte: the next page is mapped, all 9 were read
        linger[8] = 7;
        assertEquals(9, ValueReads.verified(linger, 9, 4096 - 8, true));
        // optlen 6, 4 bytes left on the page: [0, 4) read, [2, 6) doubtful
        assertEquals(4, ValueReads.verified(new byte[] {77, 0, 0, 0, 0, 0}, 6, 4092, true));
        // 20 bytes, page ends after 10: words [0, 8) good, [8, 16) crosses and is zero: stop at 8
        assertEquals(8, ValueReads.verified(new byte[20], 20, 4096 - 10, true));
    }
}
