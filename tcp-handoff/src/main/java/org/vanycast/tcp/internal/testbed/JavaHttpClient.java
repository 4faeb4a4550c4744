package org.vanycast.tcp.internal.testbed;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** The plain-socket client: reads a Content-Length response to the end and hashes the body. */
final class JavaHttpClient {
    private JavaHttpClient() {
    }

    /**
     * @param pauseAt  body bytes after which the client stops reading until {@code mayRead}
     *                 opens (-1: never pauses)
     */
    static String[] readResponse(SocketChannel c, long pauseAt, CountDownLatch mayRead) throws IOException {
        boolean paused = pauseAt < 0;
        ByteBuffer b = ByteBuffer.allocate(65536);
        StringBuilder head = new StringBuilder();
        MessageDigest md = Download.digest();
        long length = -1;
        long got = 0;
        boolean inBody = false;
        while (true) {
            if (!paused && inBody && got >= pauseAt) {
                paused = true;
                try {
                    if (!mayRead.await(30, TimeUnit.SECONDS)) {
                        return new String[] {"1", "", "never told to read on"};
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return new String[] {"1", "", "interrupted"};
                }
            }
            int n = c.read(b);
            if (n < 0) {
                break;
            }
            b.flip();
            if (!inBody) {
                while (b.hasRemaining() && !inBody) {
                    head.append((char) (b.get() & 0xff));
                    if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
                        inBody = true;
                        length = contentLength(head.toString());
                    }
                }
            }
            if (inBody) {
                got += b.remaining();
                md.update(b);
            }
            b.clear();
            if (inBody && got >= length) {
                break;
            }
        }
        if (!inBody || got != length) {
            return new String[] {"1", "", "short response: " + got + " of " + length + " body bytes"};
        }
        return new String[] {"0", HexFormat.of().formatHex(md.digest()), ""};
    }

    private static long contentLength(String head) throws IOException {
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:")) {
                return Long.parseLong(line.substring(15).strip());
            }
        }
        throw new IOException("no Content-Length in " + head.lines().findFirst().orElse("") .getBytes(StandardCharsets.US_ASCII).length + "-byte head");
    }
}
