package sockwatch.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalInt;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ErrnoTest {

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource({
            "1, EPERM", "2, ENOENT", "9, EBADF", "11, EAGAIN", "13, EACCES", "14, EFAULT", "22, EINVAL",
            "34, ERANGE", "35, EDEADLK", "92, ENOPROTOOPT", "95, EOPNOTSUPP", "97, EAFNOSUPPORT",
            "98, EADDRINUSE", "110, ETIMEDOUT", "133, EHWPOISON",
    })
    void namesAndNumbers(int number, String name) {
        assertEquals(name, Errno.name(number));
        assertEquals(OptionalInt.of(number), Errno.number(name));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 41, 58, 134, 512, -22, Integer.MIN_VALUE})
    void unknownNumbersHaveNoName(int number) {
        assertNull(Errno.name(number));
    }

    @Test
    void everyNumberFrom1To133ButTheTwoHolesIsNamed() {
        assertEquals(131, IntStream.rangeClosed(1, 133).filter(n -> Errno.name(n) != null).count());
    }

    @Test
    void numberAcceptsAliasesAndAnyCase() {
        assertEquals(OptionalInt.of(11), Errno.number("EWOULDBLOCK"));
        assertEquals(OptionalInt.of(35), Errno.number("EDEADLOCK"));
        assertEquals(OptionalInt.of(95), Errno.number("ENOTSUP"));
        assertEquals(OptionalInt.of(22), Errno.number("einval"));
        assertEquals(OptionalInt.of(22), Errno.number(" EINVAL "));
    }

    @Test
    void unknownNamesAreEmpty() {
        assertTrue(Errno.number("ENOPE").isEmpty());
        assertTrue(Errno.number("22").isEmpty());
        assertTrue(Errno.number("").isEmpty());
        assertTrue(Errno.number(null).isEmpty());
    }
}
