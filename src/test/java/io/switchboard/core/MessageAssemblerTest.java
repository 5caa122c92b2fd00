package io.switchboard.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MessageAssemblerTest {

    private final MessageAssembler assembler = new MessageAssembler(10);

    @Test
    void aMessageInOnePartIsCheckedWithoutAnAssembler() {
        assertEquals("{\"a\":1}", MessageAssembler.whole("{\"a\":1}", 7).message());
        MessageAssembler.Step over = MessageAssembler.whole("\u00e9\u00e9\u00e9\u00e9", 7); // 8 UTF-8 bytes
        assertTrue(over.tooBig());
        assertNull(over.message());
    }

    @Test
    void partsWithinTheLimitMakeOneMessage() {
        assertNull(assembler.append("abc", false).message());
        assertNull(assembler.append("def", false).message());
        assertEquals("abcdefghij", assembler.append("ghij", true).message());
        assertEquals("k", assembler.append("k", true).message());
    }

    @Test
    void theLimitCountsUtf8BytesNotChars() {
        assertEquals("€€€", assembler.append("€€€", true).message()); // 9 bytes
        assertTrue(assembler.append("€€€€", true).tooBig()); // 12 bytes
    }

    @Test
    void theTooBigMessageIsReportedOnceAndItsRestIsDropped() {
        assertFalse(assembler.append("12345678", false).tooBig());
        assertTrue(assembler.append("901", false).tooBig());
        MessageAssembler.Step rest = assembler.append("x".repeat(1000), false);
        assertFalse(rest.tooBig());
        assertNull(rest.message());
        assertNull(assembler.append("end", true).message());
        assertEquals("next", assembler.append("next", true).message(), "the next message starts afresh");
    }
}
