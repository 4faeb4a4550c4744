package org.vanycast.sample.internal;

/**
 * One byte range of an HTTP {@code Range} header (RFC 9110 §14.1.2), resolved against the
 * document size. Only single ranges are served; a multi-range request gets the whole document.
 */
public record ByteRange(long first, long last) {

    public long length() {
        return last - first + 1;
    }

    /** Thrown for a syntactically valid range that lies outside the document (HTTP 416). */
    public static final class UnsatisfiableException extends Exception {
        private static final long serialVersionUID = 1L;

        public UnsatisfiableException(String message) {
            super(message);
        }
    }

    /**
     * @return the range to serve, or {@code null} to serve the whole document (no header, a
     *         header we do not understand, or several ranges)
     */
    public static ByteRange parse(String header, long size) throws UnsatisfiableException {
        if (header == null || !header.startsWith("bytes=") || header.indexOf(',') >= 0) {
            return null;
        }
        String spec = header.substring("bytes=".length()).trim();
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return null;
        }
        try {
            String from = spec.substring(0, dash).trim();
            String to = spec.substring(dash + 1).trim();
            if (from.isEmpty()) { // suffix range: the last N bytes
                long suffix = Long.parseLong(to);
                if (suffix <= 0 || size == 0) {
                    throw new UnsatisfiableException("empty suffix range " + header);
                }
                return new ByteRange(Math.max(0, size - suffix), size - 1);
            }
            long first = Long.parseLong(from);
            long last = to.isEmpty() ? size - 1 : Math.min(Long.parseLong(to), size - 1);
            if (first < 0 || first >= size || (!to.isEmpty() && Long.parseLong(to) < first)) {
                throw new UnsatisfiableException("range " + header + " outside 0.." + (size - 1));
            }
            return new ByteRange(first, last);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
