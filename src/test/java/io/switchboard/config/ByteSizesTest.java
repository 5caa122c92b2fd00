package io.switchboard.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ByteSizesTest {

    @Test
    void binaryAndDecimalUnits() {
        assertEquals(1_048_576, ByteSizes.parse("1MiB"));
        assertEquals(524_288, ByteSizes.parse("512KiB"));
        assertEquals(4 * 1_048_576, ByteSizes.parse("4MiB"));
        assertEquals(1024, ByteSizes.parse("1KiB"));
        assertEquals(1_000_000, ByteSizes.parse("1MB"));
        assertEquals(65_536, ByteSizes.parse("65536"));
        assertEquals(10, ByteSizes.parse("10B"));
    }

    @Test
    void malformedOrOverflowingSizesAreRefused() {
        for (String bad : new String[] {"1mib", "-1", "1.5MiB", "lots", "", "9999999999999999GiB"}) {
            assertThrows(IllegalArgumentException.class, () -> ByteSizes.parse(bad), bad);
        }
    }
}
