package org.vanycast.mipv6.api;

/**
 * Mobility option type (RFC 6275 §6.2, IANA "Mobility Options").
 *
 * <p>An open enum (as in Netty's codec-dns): {@link #valueOf(int)} returns the constant for a
 * registered code and a fresh instance for any other code, so unknown codes survive
 * decode and encode unchanged. Instances compare equal by {@link #value()}.
 */
public final class MobilityOptionType extends OpenCode<MobilityOptionType> {
    /** Pad1 (0). */
    public static final MobilityOptionType PAD1 = new MobilityOptionType(0, "Pad1");
    /** PadN (1). */
    public static final MobilityOptionType PADN = new MobilityOptionType(1, "PadN");
    /** Binding Refresh Advice (2). */
    public static final MobilityOptionType BINDING_REFRESH_ADVICE = new MobilityOptionType(2, "Binding Refresh Advice");
    /** Alternate Care-of Address (3). */
    public static final MobilityOptionType ALTERNATE_CARE_OF_ADDRESS = new MobilityOptionType(3, "Alternate Care-of Address");
    /** Nonce Indices (4). */
    public static final MobilityOptionType NONCE_INDICES = new MobilityOptionType(4, "Nonce Indices");
    /** Binding Authorization Data (5). */
    public static final MobilityOptionType BINDING_AUTHORIZATION_DATA = new MobilityOptionType(5, "Binding Authorization Data");

    private MobilityOptionType(int value, String name) {
        super(value, name);
    }

    /**
     * The constant for {@code value}, or a new instance named {@code Unknown(value)}.
     *
     * @throws IllegalArgumentException if {@code value} is outside 0..255
     */
    public static MobilityOptionType valueOf(int value) {
        switch (value) {
            case 0: return PAD1;
            case 1: return PADN;
            case 2: return BINDING_REFRESH_ADVICE;
            case 3: return ALTERNATE_CARE_OF_ADDRESS;
            case 4: return NONCE_INDICES;
            case 5: return BINDING_AUTHORIZATION_DATA;
            default:
                return new MobilityOptionType(value, unknownName(value, MobilityOptionType.class));
        }
    }
}
