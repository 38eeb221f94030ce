package sockwatch.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class FragmentCacheTest {
    private final FragmentCache cache = new FragmentCache();

    @Test
    void hitsOnlyForTheSameKeyAndTheSameSourceStrings() {
        assertNull(cache.get(7, "a", null));
        assertEquals("text", cache.put(7, "a", null, "text"));
        assertEquals("text", cache.get(7, "a", null));
        assertEquals("text", cache.get(7, new String("a"), null), "equal strings, not only the same instance");
        assertNull(cache.get(7, "b", null), "same number, other names");
        assertNull(cache.get(7, "a", "x"));
        assertNull(cache.get(7, null, null));
        assertNull(cache.get(8, "a", null));
    }

    @Test
    void aKeyThatTakesTheSlotReplacesTheOldOneWithoutMixingThemUp() {
        for (long k = 0; k < 10_000; k++) {
            cache.put(k, null, null, "t" + k);
        }
        for (long k = 0; k < 10_000; k++) {
            String t = cache.get(k, null, null);
            if (t != null) {
                assertEquals("t" + k, t);
            }
        }
        assertEquals("t9999", cache.get(9999, null, null), "the last put is there");
    }
}
