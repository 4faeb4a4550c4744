package org.vanycast.soap.it;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/** Deterministic documents of any size, the same on every node: byte i depends only on the name and i. */
final class Documents {
    private Documents() {
    }

    static byte at(String name, long i) {
        long z = (i >>> 3) + name.hashCode() * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        return (byte) (z >>> ((i & 7) * 8));
    }

    static void fill(String name, long from, byte[] b, int off, int len) {
        for (int k = 0; k < len; k++) {
            b[off + k] = at(name, from + k);
        }
    }

    /** Bytes {@code offset .. offset+length} of the document, what getRange answers. */
    static byte[] range(String name, long offset, int length) {
        byte[] b = new byte[length];
        fill(name, offset, b, 0, length);
        return b;
    }

    /** The bytes a getRange SOAP response carries: its {@code <return>} element, base64-decoded. */
    static byte[] soapReturn(byte[] envelope) {
        String xml = new String(envelope, StandardCharsets.UTF_8);
        return Base64.getMimeDecoder().decode(xml.substring(xml.indexOf("<return>") + 8, xml.indexOf("</return>")));
    }

    static InputStream open(String name, long from, long size) {
        return new InputStream() {
            private long pos = from;

            @Override
            public int read() {
                return pos < size ? at(name, pos++) & 0xff : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (pos >= size) {
                    return -1;
                }
                int n = (int) Math.min(len, size - pos);
                fill(name, pos, b, off, n);
                pos += n;
                return n;
            }
        };
    }

    static byte[] sha256(String name, long size) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        byte[] buf = new byte[65536];
        try (InputStream in = open(name, 0, size)) {
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        return md.digest();
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
