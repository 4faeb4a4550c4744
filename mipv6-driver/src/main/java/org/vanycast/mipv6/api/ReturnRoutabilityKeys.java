package org.vanycast.mipv6.api;

import java.net.Inet6Address;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Return routability cryptography, RFC 6275 §5.2.5 and §6.2.7, with the JDK's HMAC-SHA1 and
 * SHA-1 (no hand-written crypto).
 *
 * <pre>
 * home keygen token    = First(64, HMAC_SHA1(Kcn, (home address | nonce | 0)))
 * care-of keygen token = First(64, HMAC_SHA1(Kcn, (care-of address | nonce | 1)))
 * Kbm                  = SHA1(home keygen token | care-of keygen token)
 * Kbm (deregistration) = SHA1(home keygen token)
 * Mobility Data        = care-of address | correspondent | MH data
 * Authenticator        = First(96, HMAC_SHA1(Kbm, Mobility Data))
 * </pre>
 *
 * MH data is the Mobility Header with the Checksum field taken as zero and without the
 * Authenticator octets themselves (the Binding Authorization Data option's type and length
 * are included). Thread-safe.
 */
public final class ReturnRoutabilityKeys {
    /** Length of Kcn in octets (§5.2.3: 20 octets). */
    public static final int KCN_LENGTH = 20;
    /** Authenticator length in octets (96 bits). */
    public static final int AUTHENTICATOR_LENGTH = 12;

    private static final ThreadLocal<Mac> HMAC = ThreadLocal.withInitial(() -> {
        try {
            return Mac.getInstance("HmacSHA1");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is mandatory in every JDK", e);
        }
    });
    private static final ThreadLocal<MessageDigest> SHA1 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-1 is mandatory in every JDK", e);
        }
    });

    private ReturnRoutabilityKeys() {
    }

    /** Home keygen token for {@code homeAddress} from {@code nonce}. */
    public static long homeKeygenToken(byte[] kcn, Inet6Address homeAddress, byte[] nonce) {
        return keygenToken(kcn, homeAddress, nonce, 0);
    }

    /** Care-of keygen token for {@code careOfAddress} from {@code nonce}. */
    public static long careOfKeygenToken(byte[] kcn, Inet6Address careOfAddress, byte[] nonce) {
        return keygenToken(kcn, careOfAddress, nonce, 1);
    }

    private static long keygenToken(byte[] kcn, Inet6Address address, byte[] nonce, int which) {
        Mac mac = mac(kcn);
        mac.update(address.getAddress());
        mac.update(nonce);
        mac.update((byte) which);
        byte[] h = mac.doFinal();
        return OptionCodec.u64(h, 0);
    }

    /** Kbm = SHA1(home keygen token | care-of keygen token), 20 octets. */
    public static byte[] kbm(long homeKeygenToken, long careOfKeygenToken) {
        byte[] in = new byte[16];
        OptionCodec.put64(in, 0, homeKeygenToken);
        OptionCodec.put64(in, 8, careOfKeygenToken);
        return SHA1.get().digest(in);
    }

    /** Kbm for deregistration when the care-of address is the home address: SHA1(home keygen token). */
    public static byte[] kbmDeregistration(long homeKeygenToken) {
        byte[] in = new byte[8];
        OptionCodec.put64(in, 0, homeKeygenToken);
        return SHA1.get().digest(in);
    }

    /**
     * The authenticator over an encoded Binding Update or Acknowledgement in
     * {@code mh[offset, offset+length)} whose last non-padding option is Binding Authorization Data.
     *
     * @throws IllegalArgumentException if there is no Binding Authorization Data option
     */
    public static byte[] authenticator(byte[] kbm, Inet6Address careOfAddress, Inet6Address correspondent,
            byte[] mh, int offset, int length) {
        int[] auth = findAuthenticator(mh, offset, length);
        if (auth == null) {
            throw new IllegalArgumentException("no Binding Authorization Data option");
        }
        return compute(kbm, careOfAddress, correspondent, mh, offset, length, auth[0], auth[1]);
    }

    /**
     * Whether the Binding Authorization Data in the encoded header carries the right
     * authenticator (constant-time comparison). False when the option is missing or not 96 bits.
     */
    public static boolean verify(byte[] kbm, Inet6Address careOfAddress, Inet6Address correspondent,
            byte[] mh, int offset, int length) {
        int[] auth = findAuthenticator(mh, offset, length);
        if (auth == null || auth[1] - auth[0] != AUTHENTICATOR_LENGTH) {
            return false;
        }
        byte[] expected = compute(kbm, careOfAddress, correspondent, mh, offset, length, auth[0], auth[1]);
        byte[] carried = java.util.Arrays.copyOfRange(mh, auth[0], auth[1]);
        return MessageDigest.isEqual(expected, carried);
    }

    /**
     * Returns {@code message} (a Binding Update or Acknowledgement) with a Binding Authorization
     * Data option holding the correct authenticator, appended at 8n+2 if absent or replaced if present.
     */
    @SuppressWarnings("unchecked")
    public static <M extends MobilityMessage> M sign(M message, byte[] kbm, Inet6Address careOfAddress,
            Inet6Address correspondent) {
        List<MobilityOption> opts = new ArrayList<>();
        for (MobilityOption o : message.options()) {
            if (!(o instanceof MobilityOption.BindingAuthorizationData)) {
                opts.add(o);
            }
        }
        opts.add(new MobilityOption.BindingAuthorizationData(new byte[AUTHENTICATOR_LENGTH]));
        opts = MobilityOptions.aligned(message.fixedLength(), opts);
        M unsigned = (M) withOptions(message, opts);
        byte[] wire = MobilityHeaderCodec.encode(MobilityHeader.of(unsigned));
        byte[] a = authenticator(kbm, careOfAddress, correspondent, wire, 0, wire.length);
        List<MobilityOption> signed = new ArrayList<>(opts.size());
        for (MobilityOption o : opts) {
            signed.add(o instanceof MobilityOption.BindingAuthorizationData ? new MobilityOption.BindingAuthorizationData(a) : o);
        }
        return (M) withOptions(message, signed);
    }

    private static MobilityMessage withOptions(MobilityMessage m, List<MobilityOption> opts) {
        if (m instanceof BindingUpdate u) {
            return new BindingUpdate(u.sequence(), u.flags(), u.lifetime(), opts);
        }
        if (m instanceof BindingAcknowledgement a) {
            return new BindingAcknowledgement(a.status(), a.flags(), a.sequence(), a.lifetime(), opts);
        }
        throw new IllegalArgumentException("only Binding Updates and Acknowledgements carry an authenticator");
    }

    private static byte[] compute(byte[] kbm, Inet6Address careOf, Inet6Address cn, byte[] mh, int offset,
            int length, int authStart, int authEnd) {
        Mac mac = mac(kbm);
        mac.update(careOf.getAddress());
        mac.update(cn.getAddress());
        mac.update(mh, offset, MobilityHeader.OFFSET_CHECKSUM);
        mac.update(new byte[2]);
        int afterChecksum = offset + MobilityHeader.OFFSET_CHECKSUM + 2;
        mac.update(mh, afterChecksum, authStart - afterChecksum);
        mac.update(mh, authEnd, offset + length - authEnd);
        byte[] h = mac.doFinal();
        return java.util.Arrays.copyOf(h, AUTHENTICATOR_LENGTH);
    }

    /** [start, end) of the last Binding Authorization Data option's data, or null. */
    private static int[] findAuthenticator(byte[] mh, int offset, int length) {
        if (length < 12) {
            return null;
        }
        int type = mh[offset + MobilityHeader.OFFSET_MH_TYPE] & 0xff;
        if (type != MobilityHeaderType.BINDING_UPDATE.value() && type != MobilityHeaderType.BINDING_ACKNOWLEDGEMENT.value()) {
            return null;
        }
        int end = offset + Math.min(length, ((mh[offset + 1] & 0xff) + 1) * 8);
        int i = offset + 12;
        int[] found = null;
        while (i < end) {
            int t = mh[i] & 0xff;
            if (t == 0) {
                i++;
                continue;
            }
            if (i + 2 > end || i + 2 + (mh[i + 1] & 0xff) > end) {
                return null;
            }
            int len = mh[i + 1] & 0xff;
            if (t == MobilityOptionType.BINDING_AUTHORIZATION_DATA.value()) {
                found = new int[] {i + 2, i + 2 + len};
            } else if (t != 1 && found != null) {
                return null; // §6.2.7: the Binding Authorization Data option must be the last option
            }
            i += 2 + len;
        }
        return found;
    }

    private static Mac mac(byte[] key) {
        Mac mac = HMAC.get();
        try {
            mac.init(new SecretKeySpec(key, "HmacSHA1"));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("HMAC-SHA1 key rejected", e);
        }
        return mac;
    }
}
