package sockwatch.decode;

/**
 * An option value as {@link ValueDecoder} shows it.
 *
 * @param json    Long, String (escaped text, a decimal above Long.MAX_VALUE, or raw hex "0x..."),
 *                a LinkedHashMap for structs (named fields; a field's value may be null when its bytes were not
 *                captured, a nested map, or a List of names or numbers), or null when no value bytes were captured
 * @param text    the human form; always safe to print (no control or non-ASCII characters)
 * @param enabled for BOOL options whose int could be read: whether it is non-zero; otherwise null
 */
public record DecodedValue(Object json, String text, Boolean enabled) {
}
