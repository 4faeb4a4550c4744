package org.vanycast.mipv6.internal.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The little JSON the {@code mh} command needs: objects (insertion-ordered maps), arrays,
 * strings, integers, booleans and null. Not a general-purpose library: no fractions or
 * exponents, nesting limited to 32 levels.
 */
final class Json {
    /** Bad JSON text; {@link #offset} is the character index. */
    static final class ParseException extends Exception {
        private static final long serialVersionUID = 1L;
        final int offset;

        ParseException(String message, int offset) {
            super(message + " at character " + offset);
            this.offset = offset;
        }
    }

    private final String s;
    private int i;

    private Json(String s) {
        this.s = s;
    }

    static Object parse(String text) throws ParseException {
        Json p = new Json(text);
        Object v = p.value(0);
        p.ws();
        if (p.i != text.length()) {
            throw new ParseException("unexpected text after the JSON value", p.i);
        }
        return v;
    }

    private Object value(int depth) throws ParseException {
        if (depth > 32) {
            throw new ParseException("nested too deeply", i);
        }
        ws();
        if (i >= s.length()) {
            throw new ParseException("unexpected end of input", i);
        }
        char c = s.charAt(i);
        if (c == '{') {
            i++;
            Map<String, Object> m = new LinkedHashMap<>();
            ws();
            if (peek('}')) {
                return m;
            }
            do {
                ws();
                int at = i;
                String k = string();
                ws();
                expect(':');
                if (m.put(k, value(depth + 1)) != null) {
                    throw new ParseException("duplicate key \"" + k + "\"", at);
                }
                ws();
            } while (peek(','));
            expect('}');
            return m;
        } else if (c == '[') {
            i++;
            List<Object> l = new ArrayList<>();
            ws();
            if (peek(']')) {
                return l;
            }
            do {
                l.add(value(depth + 1));
                ws();
            } while (peek(','));
            expect(']');
            return l;
        } else if (c == '"') {
            return string();
        } else if (s.startsWith("true", i)) {
            i += 4;
            return Boolean.TRUE;
        } else if (s.startsWith("false", i)) {
            i += 5;
            return Boolean.FALSE;
        } else if (s.startsWith("null", i)) {
            i += 4;
            return null;
        } else if (c == '-' || (c >= '0' && c <= '9')) {
            int start = i++;
            while (i < s.length() && Character.isDigit(s.charAt(i))) {
                i++;
            }
            try {
                return Long.parseLong(s.substring(start, i));
            } catch (NumberFormatException e) {
                throw new ParseException("bad integer", start);
            }
        }
        throw new ParseException("unexpected character '" + c + "'", i);
    }

    private String string() throws ParseException {
        expect('"');
        StringBuilder b = new StringBuilder();
        while (true) {
            if (i >= s.length()) {
                throw new ParseException("unterminated string", i);
            }
            char c = s.charAt(i++);
            if (c == '"') {
                return b.toString();
            }
            if (c != '\\') {
                b.append(c);
                continue;
            }
            if (i >= s.length()) {
                throw new ParseException("unterminated escape", i);
            }
            char e = s.charAt(i++);
            switch (e) {
                case '"', '\\', '/' -> b.append(e);
                case 'b' -> b.append('\b');
                case 'f' -> b.append('\f');
                case 'n' -> b.append('\n');
                case 'r' -> b.append('\r');
                case 't' -> b.append('\t');
                case 'u' -> {
                    if (i + 4 > s.length()) {
                        throw new ParseException("short \\u escape", i);
                    }
                    try {
                        b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                    } catch (NumberFormatException x) {
                        throw new ParseException("bad \\u escape", i);
                    }
                    i += 4;
                }
                default -> throw new ParseException("bad escape \\" + e, i - 1);
            }
        }
    }

    private void ws() {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
    }

    private boolean peek(char c) {
        if (i < s.length() && s.charAt(i) == c) {
            i++;
            return true;
        }
        return false;
    }

    private void expect(char c) throws ParseException {
        if (!peek(c)) {
            throw new ParseException("expected '" + c + "'", i);
        }
    }

    /** Compact JSON text for maps, lists, strings, numbers, booleans and null. */
    static String write(Object v) {
        StringBuilder b = new StringBuilder();
        write(b, v);
        return b.toString();
    }

    private static void write(StringBuilder b, Object v) {
        if (v == null || v instanceof Boolean || v instanceof Number) {
            b.append(v);
        } else if (v instanceof Map<?, ?> m) {
            b.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                b.append(first ? "" : ",");
                first = false;
                quote(b, e.getKey().toString());
                b.append(':');
                write(b, e.getValue());
            }
            b.append('}');
        } else if (v instanceof List<?> l) {
            b.append('[');
            for (int k = 0; k < l.size(); k++) {
                b.append(k == 0 ? "" : ",");
                write(b, l.get(k));
            }
            b.append(']');
        } else {
            quote(b, v.toString());
        }
    }

    private static void quote(StringBuilder b, String s) {
        b.append('"');
        for (int k = 0; k < s.length(); k++) {
            char c = s.charAt(k);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        b.append('"');
    }
}
