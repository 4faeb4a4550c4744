package org.vanycast.mipv6.api;

/**
 * Binding Acknowledgement status (RFC 6275 §6.1.8). Values below 128 mean the binding was accepted.
 *
 * <p>An open enum (as in Netty's codec-dns): {@link #valueOf(int)} returns the constant for a
 * registered code and a fresh instance for any other code, so unknown codes survive
 * decode and encode unchanged. Instances compare equal by {@link #value()}.
 */
public final class BindingAckStatus extends OpenCode<BindingAckStatus> {
    /** Whether the status means the Binding Update was accepted (status below 128). */
    public boolean isAccepted() {
        return value() < 128;
    }

    /** Binding Update accepted (0). */
    public static final BindingAckStatus ACCEPTED = new BindingAckStatus(0, "Binding Update accepted");
    /** Accepted but prefix discovery necessary (1). */
    public static final BindingAckStatus ACCEPTED_PREFIX_DISCOVERY = new BindingAckStatus(1, "Accepted but prefix discovery necessary");
    /** Reason unspecified (128). */
    public static final BindingAckStatus REASON_UNSPECIFIED = new BindingAckStatus(128, "Reason unspecified");
    /** Administratively prohibited (129). */
    public static final BindingAckStatus ADMINISTRATIVELY_PROHIBITED = new BindingAckStatus(129, "Administratively prohibited");
    /** Insufficient resources (130). */
    public static final BindingAckStatus INSUFFICIENT_RESOURCES = new BindingAckStatus(130, "Insufficient resources");
    /** Home registration not supported (131). */
    public static final BindingAckStatus HOME_REGISTRATION_NOT_SUPPORTED = new BindingAckStatus(131, "Home registration not supported");
    /** Not home subnet (132). */
    public static final BindingAckStatus NOT_HOME_SUBNET = new BindingAckStatus(132, "Not home subnet");
    /** Not home agent for this mobile node (133). */
    public static final BindingAckStatus NOT_HOME_AGENT_FOR_THIS_MOBILE_NODE = new BindingAckStatus(133, "Not home agent for this mobile node");
    /** Duplicate Address Detection failed (134). */
    public static final BindingAckStatus DUPLICATE_ADDRESS_DETECTION_FAILED = new BindingAckStatus(134, "Duplicate Address Detection failed");
    /** Sequence number out of window (135). */
    public static final BindingAckStatus SEQUENCE_NUMBER_OUT_OF_WINDOW = new BindingAckStatus(135, "Sequence number out of window");
    /** Expired home nonce index (136). */
    public static final BindingAckStatus EXPIRED_HOME_NONCE_INDEX = new BindingAckStatus(136, "Expired home nonce index");
    /** Expired care-of nonce index (137). */
    public static final BindingAckStatus EXPIRED_CARE_OF_NONCE_INDEX = new BindingAckStatus(137, "Expired care-of nonce index");
    /** Expired nonces (138). */
    public static final BindingAckStatus EXPIRED_NONCES = new BindingAckStatus(138, "Expired nonces");
    /** Registration type change disallowed (139). */
    public static final BindingAckStatus REGISTRATION_TYPE_CHANGE_DISALLOWED = new BindingAckStatus(139, "Registration type change disallowed");

    private BindingAckStatus(int value, String name) {
        super(value, name);
    }

    /**
     * The constant for {@code value}, or a new instance named {@code Unknown(value)}.
     *
     * @throws IllegalArgumentException if {@code value} is outside 0..255
     */
    public static BindingAckStatus valueOf(int value) {
        switch (value) {
            case 0: return ACCEPTED;
            case 1: return ACCEPTED_PREFIX_DISCOVERY;
            case 128: return REASON_UNSPECIFIED;
            case 129: return ADMINISTRATIVELY_PROHIBITED;
            case 130: return INSUFFICIENT_RESOURCES;
            case 131: return HOME_REGISTRATION_NOT_SUPPORTED;
            case 132: return NOT_HOME_SUBNET;
            case 133: return NOT_HOME_AGENT_FOR_THIS_MOBILE_NODE;
            case 134: return DUPLICATE_ADDRESS_DETECTION_FAILED;
            case 135: return SEQUENCE_NUMBER_OUT_OF_WINDOW;
            case 136: return EXPIRED_HOME_NONCE_INDEX;
            case 137: return EXPIRED_CARE_OF_NONCE_INDEX;
            case 138: return EXPIRED_NONCES;
            case 139: return REGISTRATION_TYPE_CHANGE_DISALLOWED;
            default:
                return new BindingAckStatus(value, unknownName(value, BindingAckStatus.class));
        }
    }
}
