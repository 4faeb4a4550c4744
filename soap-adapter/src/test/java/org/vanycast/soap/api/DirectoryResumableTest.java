package org.vanycast.soap.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vanycast.soap.api.RecordedRequest.Header;

class DirectoryResumableTest {
    @TempDir
    Path root;

    private static RecordedRequest get(String target, Header... headers) {
        return new RecordedRequest("GET", target, List.of(headers), new byte[0], true);
    }

    private byte[] document() throws IOException {
        byte[] b = new byte[100_000];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (i * 7 + i / 251);
        }
        Files.write(root.resolve("doc.bin"), b);
        return b;
    }

    private static byte[] readAll(InputStream in) throws IOException {
        try (in) {
            return in.readAllBytes();
        }
    }

    @Test
    void shouldContinueAWholeFileFromTheOffset() throws Exception {
        byte[] doc = document();
        DirectoryResumable r = new DirectoryResumable("files", "/files/", root);
        assertTrue(r.covers(get("/files/doc.bin")));
        assertArrayEquals(Arrays.copyOfRange(doc, 12_345, doc.length),
                readAll(r.openBody(get("/files/doc.bin"), 12_345)));
    }

    @Test
    void shouldContinueARangeRequestWithinItsRange() throws Exception {
        byte[] doc = document();
        DirectoryResumable r = new DirectoryResumable("files", "/files", root);
        RecordedRequest req = get("/files/doc.bin", new Header("Range", "bytes=1000-4999"));
        assertTrue(r.covers(req));
        assertArrayEquals(Arrays.copyOfRange(doc, 1500, 5000), readAll(r.openBody(req, 500)));
        RecordedRequest open = get("/files/doc.bin", new Header("Range", "bytes=99000-"));
        assertArrayEquals(Arrays.copyOfRange(doc, 99_010, doc.length), readAll(r.openBody(open, 10)));
    }

    @Test
    void shouldNotCoverOtherRequestsOrEscapeTheDirectory() throws Exception {
        document();
        Files.writeString(root.getParent().resolve("secret.txt"), "no");
        DirectoryResumable r = new DirectoryResumable("files", "/files/", root);
        assertFalse(r.covers(get("/files/missing.bin")));
        assertFalse(r.covers(get("/files/../secret.txt")));
        assertFalse(r.covers(get("/files/%2e%2e/secret.txt")));
        assertFalse(r.covers(get("/other/doc.bin")));
        assertFalse(r.covers(get("/files/doc.bin", new Header("Range", "bytes=0-1,5-9"))));
        assertFalse(r.covers(new RecordedRequest("POST", "/files/doc.bin", List.of(), new byte[0], true)));
        assertThrows(IOException.class, () -> r.openBody(get("/files/doc.bin"), 200_000));
    }
}
