package org.vanycast.sample.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vanycast.sample.api.DocumentInfo;

class DocumentStoreTest {

    @TempDir
    Path tmp;
    Path data;
    DocumentStore store;

    @BeforeEach
    void setUp() throws IOException {
        data = Files.createDirectory(tmp.resolve("data"));
        Files.writeString(data.resolve("b.txt"), "0123456789");
        Files.writeString(data.resolve("a.txt"), "hello");
        Files.createDirectory(data.resolve("sub"));
        Files.writeString(tmp.resolve("secret"), "outside");
        Files.createSymbolicLink(data.resolve("link"), tmp.resolve("secret"));
        store = new DocumentStore(data);
    }

    @Test
    void shouldListRegularFilesSortedWithSizes() throws DocumentException {
        List<DocumentInfo> documents = store.list();
        assertEquals(2, documents.size());
        assertEquals("a.txt", documents.get(0).getName());
        assertEquals(5, documents.get(0).getSize());
        assertEquals("b.txt", documents.get(1).getName());
    }

    @Test
    void shouldListNothingWhenFolderIsMissing() throws DocumentException {
        assertEquals(List.of(), new DocumentStore(tmp.resolve("none")).list().stream().map(DocumentInfo::getName).toList());
    }

    @Test
    void shouldReadWholeDocument() throws DocumentException {
        assertArrayEquals("hello".getBytes(StandardCharsets.US_ASCII), store.read("a.txt"));
    }

    @Test
    void shouldReadRangeAndStopAtEndOfDocument() throws DocumentException {
        assertArrayEquals("345".getBytes(StandardCharsets.US_ASCII), store.readRange("b.txt", 3, 3));
        assertArrayEquals("89".getBytes(StandardCharsets.US_ASCII), store.readRange("b.txt", 8, 100));
        assertEquals(0, store.readRange("b.txt", 10, 5).length);
    }

    @ParameterizedTest
    @ValueSource(strings = {"../secret", "..", ".", "", "sub/x", "/etc/passwd", "a\\b", "a\0b", "x\ny"})
    void shouldRejectNamesThatCouldLeaveTheFolder(String name) {
        DocumentException e = assertThrows(DocumentException.class, () -> store.read(name));
        assertEquals(DocumentException.Reason.INVALID_NAME, e.reason());
    }

    @Test
    void shouldNotFollowSymbolicLinkOutOfTheFolder() {
        DocumentException e = assertThrows(DocumentException.class, () -> store.read("link"));
        assertEquals(DocumentException.Reason.NOT_FOUND, e.reason());
    }

    @Test
    void shouldReportMissingDocumentAndDirectoryAsNotFound() {
        assertEquals(DocumentException.Reason.NOT_FOUND,
                assertThrows(DocumentException.class, () -> store.read("nope")).reason());
        assertEquals(DocumentException.Reason.NOT_FOUND,
                assertThrows(DocumentException.class, () -> store.read("sub")).reason());
    }

    @Test
    void shouldRejectNegativeOrOversizedOrPastTheEndRanges() {
        for (long[] r : new long[][] {{-1, 1}, {0, -1}, {0, DocumentStore.MAX_RANGE + 1L}, {11, 1}}) {
            DocumentException e = assertThrows(DocumentException.class, () -> store.readRange("b.txt", r[0], (int) r[1]));
            assertEquals(DocumentException.Reason.INVALID_RANGE, e.reason());
        }
    }
}
