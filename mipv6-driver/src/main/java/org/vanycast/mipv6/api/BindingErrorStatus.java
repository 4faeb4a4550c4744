package org.vanycast.mipv6.api;

/**
 * Binding Error status (RFC 6275 §6.1.9).
 *
 * <p>An open enum (as in Netty's codec-dns): {@link #valueOf(int)} returns the constant for a
 * registered code and a fresh instance for any other code, so unknown codes survive
 * decode and encode unchanged. Instances compare equal by {@link #value()}.
 */
public final class BindingErrorStatus extends OpenCode<BindingErrorStatus> {
    /** Unknown binding for Home Address destination option (1). */
    public static final BindingErrorStatus UNKNOWN_BINDING_FOR_HOME_ADDRESS_OPTION = new BindingErrorStatus(1, "Unknown binding for Home Address destination option");
    /** Unrecognized MH Type value (2). */
    public static final BindingErrorStatus UNRECOGNIZED_MH_TYPE = new BindingErrorStatus(2, "Unrecognized MH Type value");

    private BindingErrorStatus(int value, String name) {
        super(value, name);
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
                return new BindingErrorStatus(value, unknownName(value, BindingErrorStatus.class));
        }
    }
}
