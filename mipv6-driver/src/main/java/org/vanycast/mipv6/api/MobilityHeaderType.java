package org.vanycast.mipv6.api;

/**
 * Mobility Header type, the MH Type field (RFC 6275 §6.1.1, IANA "Mobility Header Types").
 *
 * <p>An open enum (as in Netty's codec-dns): {@link #valueOf(int)} returns the constant for a
 * registered code and a fresh instance for any other code, so unknown codes survive
 * decode and encode unchanged. Instances compare equal by {@link #value()}.
 */
public final class MobilityHeaderType extends OpenCode<MobilityHeaderType> {
    /** Binding Refresh Request (0). */
    public static final MobilityHeaderType BINDING_REFRESH_REQUEST = new MobilityHeaderType(0, "Binding Refresh Request");
    /** Home Test Init (1). */
    public static final MobilityHeaderType HOME_TEST_INIT = new MobilityHeaderType(1, "Home Test Init");
    /** Care-of Test Init (2). */
    public static final MobilityHeaderType CARE_OF_TEST_INIT = new MobilityHeaderType(2, "Care-of Test Init");
    /** Home Test (3). */
    public static final MobilityHeaderType HOME_TEST = new MobilityHeaderType(3, "Home Test");
    /** Care-of Test (4). */
    public static final MobilityHeaderType CARE_OF_TEST = new MobilityHeaderType(4, "Care-of Test");
    /** Binding Update (5). */
    public static final MobilityHeaderType BINDING_UPDATE = new MobilityHeaderType(5, "Binding Update");
    /** Binding Acknowledgement (6). */
    public static final MobilityHeaderType BINDING_ACKNOWLEDGEMENT = new MobilityHeaderType(6, "Binding Acknowledgement");
    /** Binding Error (7). */
    public static final MobilityHeaderType BINDING_ERROR = new MobilityHeaderType(7, "Binding Error");

    private MobilityHeaderType(int value, String name) {
        super(value, name);
    }

    /**
     * The constant for {@code value}, or a new instance named {@code Unknown(value)}.
     *
     * @throws IllegalArgumentException if {@code value} is outside 0..255
     */
    public static MobilityHeaderType valueOf(int value) {
        switch (value) {
            case 0: return BINDING_REFRESH_REQUEST;
            case 1: return HOME_TEST_INIT;
            case 2: return CARE_OF_TEST_INIT;
            case 3: return HOME_TEST;
            case 4: return CARE_OF_TEST;
            case 5: return BINDING_UPDATE;
            case 6: return BINDING_ACKNOWLEDGEMENT;
            case 7: return BINDING_ERROR;
            default:
                return new MobilityHeaderType(value, unknownName(value, MobilityHeaderType.class));
        }
    }
}
