package org.vanycast.mipv6.api;

/**
 * Binding Error status (RFC 6275 §6.1.9).
 *
 * <p>An open enum (as in Netty's codec-dns): {@link #valueOf(int)} returns the constant for a
 * registered code and a fresh instance for any other code, so unknown codes survive
 * decode and encode unchanged. Instances compare equal by {@link #value()}.
 */
public final class BindingErrorStatus implements Comparable<BindingErrorStatus> {
    /** Unknown binding for Home Address destination option (1). */
    public static final BindingErrorStatus UNKNOWN_BINDING_FOR_HOME_ADDRESS_OPTION = new BindingErrorStatus(1, "Unknown binding for Home Address destination option");
    /** Unrecognized MH Type value (2). */
    public static final BindingErrorStatus UNRECOGNIZED_MH_TYPE = new BindingErrorStatus(2, "Unrecognized MH Type value");

    private final int value;
    private final String name;

    private BindingErrorStatus(int value, String name) {
        this.value = value;
        this.name = name;
    }

    /**
     * The constant for {@code value}, or a new instance named {@code Unknown(value)}.
     *
     * @throws IllegalArgumentException if {@code value} is outside 0..255
     */
    public static BindingErrorStatus valueOf(int value) {
        switch (value) {
            case 1: return UNKNOWN_BINDING_FOR_HOME_ADDRESS_OPTION;
            case 2: return UNRECOGNIZED_MH_TYPE;
            default:
                if (value < 0 || value > 255) {
                    throw new IllegalArgumentException("BindingErrorStatus out of range: " + value);
                }
                return new BindingErrorStatus(value, "Unknown(" + value + ")");
        }
    }

    /** The code as carried on the wire. */
    public int value() {
        return value;
    }

    /** Human-readable name as in RFC 6275, or {@code Unknown(n)}. */
    public String name() {
        return name;
    }

    /** Whether this code is one this implementation interprets. */
    public boolean isKnown() {
        return !name.startsWith("Unknown(");
    }

    @Override
    public int compareTo(BindingErrorStatus o) {
        return Integer.compare(value, o.value);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BindingErrorStatus && ((BindingErrorStatus) o).value == value;
    }

    @Override
    public int hashCode() {
        return value;
    }

    @Override
    public String toString() {
        return name + "(" + value + ")";
    }
}
