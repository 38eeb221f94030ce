package sockwatch.decode;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds a decoded struct: JSON as a map of named fields, and text that mirrors it ("{onoff=1, linger=5}").
 * A field whose bytes the probe did not capture is null in JSON and "(not captured)" in text: never a zero
 * standing in for bytes that were not read.
 */
final class Fields {
    static final String NOT_CAPTURED = "(not captured)";

    private final Map<String, Object> json = new LinkedHashMap<>();
    private final StringBuilder text = new StringBuilder(64).append('{');

    Fields put(String name, Object jsonValue, String textValue) {
        json.put(name, jsonValue);
        if (text.length() > 1) {
            text.append(", ");
        }
        text.append(name).append('=').append(textValue);
        return this;
    }

    Fields put(String name, long v) {
        return put(name, v, Long.toString(v));
    }

    Fields missing(String name) {
        return put(name, null, NOT_CAPTURED);
    }

    /** {@code name} is a u32 at {@code at} when captured, else not captured. */
    Fields u32(String name, Capture c, int at) {
        return c.has(at, 4) ? put(name, c.u32(at)) : missing(name);
    }

    /** {@code name} is an int at {@code at} when captured, else not captured. */
    Fields s32(String name, Capture c, int at) {
        return c.has(at, 4) ? put(name, c.le32(at)) : missing(name);
    }

    Fields u8(String name, Capture c, int at) {
        return c.has(at, 1) ? put(name, c.u8(at)) : missing(name);
    }

    Map<String, Object> json() {
        return json;
    }

    String text() {
        return text + "}";
    }

    /** The struct, with the capture's "(first n of m bytes)" note when the probe got less than optlen. */
    DecodedValue done(Capture c) {
        return new DecodedValue(json, c.withSuffix(text()), null);
    }
}
