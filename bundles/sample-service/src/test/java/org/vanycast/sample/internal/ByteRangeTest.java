package org.vanycast.sample.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ByteRangeTest {

    @Test
    void shouldParseClosedOpenAndSuffixRanges() throws Exception {
        assertEquals(new ByteRange(0, 99), ByteRange.parse("bytes=0-99", 1000));
        assertEquals(new ByteRange(900, 999), ByteRange.parse("bytes=900-", 1000));
        assertEquals(new ByteRange(950, 999), ByteRange.parse("bytes=-50", 1000));
        assertEquals(new ByteRange(0, 9), ByteRange.parse("bytes=-50", 10));
    }

    @Test
    void shouldClampLastByteToDocumentEnd() throws Exception {
        assertEquals(new ByteRange(5, 9), ByteRange.parse("bytes=5-500", 10));
    }

    @Test
    void shouldServeWholeDocumentForAbsentMultipleOrUnknownRanges() throws Exception {
        assertNull(ByteRange.parse(null, 10));
        assertNull(ByteRange.parse("bytes=0-1,3-4", 10));
        assertNull(ByteRange.parse("items=0-1", 10));
        assertNull(ByteRange.parse("bytes=a-b", 10));
    }

    @Test
    void shouldRefuseRangesOutsideTheDocument() {
        assertThrows(ByteRange.UnsatisfiableException.class, () -> ByteRange.parse("bytes=10-", 10));
        assertThrows(ByteRange.UnsatisfiableException.class, () -> ByteRange.parse("bytes=5-2", 10));
        assertThrows(ByteRange.UnsatisfiableException.class, () -> ByteRange.parse("bytes=-0", 10));
    }
}
