package org.vanycast.mipv6.api;

/**
 * Base of the protocol's "open enums" (as in Netty's codec-dns): an 8-bit code with a name.
 * Each subclass keeps constants for the registered codes and a {@code valueOf(int)} that
 * returns a fresh, {@code Unknown(n)}-named instance for any other code, so unknown codes
 * survive decode and encode unchanged (RFC 6275 requires skipping what is not understood).
 * Instances of one subclass compare equal by {@link #value()}.
 *
 * @param <T> the concrete code type
 */
public abstract class OpenCode<T extends OpenCode<T>> implements Comparable<T> {
    private static final String UNKNOWN = "Unknown(";

    private final int value;
    private final String name;

    protected OpenCode(int value, String name) {
        this.value = value;
        this.name = name;
    }

    /**
     * The name an unregistered code gets, after checking it fits the 8-bit field.
     *
     * @throws IllegalArgumentException if {@code value} is outside 0..255
     */
    protected static String unknownName(int value, Class<?> type) {
        if (value < 0 || value > 255) {
            throw new IllegalArgumentException(type.getSimpleName() + " out of range: " + value);
        }
        return UNKNOWN + value + ")";
    }

    /** The code as carried on the wire. */
    public final int value() {
        return value;
    }

    /** Human-readable name as in RFC 6275, or {@code Unknown(n)}. */
    public final String name() {
        return name;
    }

    /** Whether this code is one this implementation interprets. */
    public final boolean isKnown() {
        return !name.startsWith(UNKNOWN);
    }

    @Override
    public final int compareTo(T o) {
        return Integer.compare(value, o.value());
    }

    @Override
    public final boolean equals(Object o) {
        return o != null && o.getClass() == getClass() && ((OpenCode<?>) o).value == value;
    }

    @Override
    public final int hashCode() {
        return value;
    }

    @Override
    public final String toString() {
        return name + "(" + value + ")";
    }
}
