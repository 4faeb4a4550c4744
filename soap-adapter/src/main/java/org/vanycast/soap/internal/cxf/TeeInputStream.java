package org.vanycast.soap.internal.cxf;

import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Copies what the service reads, up to a byte limit, and reports it once the body was read
 * to its end or the stream closed. Never reads anything the service does not ask for.
 */
final class TeeInputStream extends FilterInputStream {

    /** Receives the copied body. */
    interface Sink {
        void body(byte[] body, boolean complete);
    }

    private final int limit;
    private final long declaredLength;
    private final Sink sink;
    private final ByteArrayOutputStream copy;
    private long total;
    private boolean overflow;
    private boolean reported;

    TeeInputStream(InputStream in, int limit, long declaredLength, Sink sink) {
        super(in);
        this.limit = limit;
        this.declaredLength = declaredLength;
        this.sink = sink;
        this.copy = new ByteArrayOutputStream((int) Math.min(limit, declaredLength > 0 ? declaredLength : 512));
    }

    @Override
    public int read() throws IOException {
        int c = in.read();
        if (c < 0) {
            report(true);
        } else {
            keep(new byte[] {(byte) c}, 0, 1);
        }
        return c;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n < 0) {
            report(true);
        } else {
            keep(b, off, n);
        }
        return n;
    }

    private void keep(byte[] b, int off, int n) {
        total += n;
        if (!overflow) {
            if (copy.size() + n > limit) {
                overflow = true;
            } else {
                copy.write(b, off, n);
            }
        }
        if (declaredLength >= 0 && total >= declaredLength) {
            report(true);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            super.close();
        } finally {
            report(declaredLength >= 0 && total >= declaredLength);
        }
    }

    private void report(boolean atEnd) {
        if (!reported) {
            reported = true;
            sink.body(overflow ? new byte[0] : copy.toByteArray(), atEnd && !overflow);
        }
    }
}
