package org.vanycast.mipv6.api;

import java.net.Inet6Address;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

/**
 * A correspondent node's return-routability secrets (RFC 6275 §5.2.3–5.2.4): the node key Kcn
 * and a series of nonces, each with a 16-bit index. A new nonce is generated every
 * {@code regenerationInterval}; a nonce is accepted for {@link MobilityConstants#MAX_NONCE_LIFETIME}
 * after it was generated, which is what makes stale nonce indices expire (statuses 136–138).
 *
 * <p>Not thread-safe: owned by one {@link CorrespondentNode}. Time is passed in.
 */
public final class NonceTable {
    /** Default interval between new nonces. */
    public static final long DEFAULT_REGENERATION_INTERVAL = TimeUnit.SECONDS.toNanos(30);
    /** Nonce size in octets (64 bits). */
    public static final int NONCE_LENGTH = 8;

    private final byte[] kcn;
    private final RandomGenerator random;
    private final long regenerationInterval;
    private final long nonceLifetime;
    private final Deque<Nonce> nonces = new ArrayDeque<>();
    private int nextIndex;

    /** One nonce: its index, value and when it was generated. */
    public record Nonce(int index, byte[] value, long createdNanos) {
        public Nonce {
            value = value.clone();
        }

        @Override
        public byte[] value() {
            return value.clone();
        }
    }

    /**
     * @param random source of Kcn and nonces (a {@link java.security.SecureRandom} in production)
     * @param regenerationInterval nanoseconds between nonces
     * @param nonceLifetime nanoseconds a nonce stays valid (at most MAX_NONCE_LIFETIME)
     */
    public NonceTable(RandomGenerator random, long regenerationInterval, long nonceLifetime) {
        if (regenerationInterval <= 0 || nonceLifetime <= 0 || nonceLifetime > MobilityConstants.MAX_NONCE_LIFETIME) {
            throw new IllegalArgumentException("intervals must be positive, lifetime at most MAX_NONCE_LIFETIME");
        }
        this.random = random;
        this.kcn = new byte[ReturnRoutabilityKeys.KCN_LENGTH];
        random.nextBytes(kcn);
        this.regenerationInterval = regenerationInterval;
        this.nonceLifetime = nonceLifetime;
        this.nextIndex = random.nextInt(0x10000);
    }

    /** Defaults: a new nonce every 30 s, valid for MAX_NONCE_LIFETIME. */
    public NonceTable(RandomGenerator random) {
        this(random, DEFAULT_REGENERATION_INTERVAL, MobilityConstants.MAX_NONCE_LIFETIME);
    }

    /** The nonce to hand out now, generating a fresh one when the current one is due. */
    public Nonce current(long nowNanos) {
        Nonce last = nonces.peekLast();
        if (last == null || nowNanos - last.createdNanos() >= regenerationInterval) {
            byte[] v = new byte[NONCE_LENGTH];
            random.nextBytes(v);
            last = new Nonce(nextIndex, v, nowNanos);
            nextIndex = (nextIndex + 1) & 0xffff;
            nonces.addLast(last);
        }
        prune(nowNanos);
        return last;
    }

    /** The nonce with {@code index} if it is still valid at {@code nowNanos}, else null. */
    public Nonce lookup(int index, long nowNanos) {
        prune(nowNanos);
        for (Nonce n : nonces) {
            if (n.index() == index && nowNanos - n.createdNanos() <= nonceLifetime) {
                return n;
            }
        }
        return null;
    }

    /** Home keygen token for {@code home} from the valid nonce {@code index}, if any. */
    public OptionalLong homeKeygenToken(Inet6Address home, int index, long nowNanos) {
        Nonce n = lookup(index, nowNanos);
        return n == null ? OptionalLong.empty()
                : OptionalLong.of(ReturnRoutabilityKeys.homeKeygenToken(kcn, home, n.value));
    }

    /** Care-of keygen token for {@code careOf} from the valid nonce {@code index}, if any. */
    public OptionalLong careOfKeygenToken(Inet6Address careOf, int index, long nowNanos) {
        Nonce n = lookup(index, nowNanos);
        return n == null ? OptionalLong.empty()
                : OptionalLong.of(ReturnRoutabilityKeys.careOfKeygenToken(kcn, careOf, n.value));
    }

    /** Kcn (copy); exposed for tests and for a standby correspondent agent taking over. */
    public byte[] kcn() {
        return kcn.clone();
    }

    private void prune(long nowNanos) {
        // Keep the newest nonce even when old, so current() never loops on an empty table.
        while (nonces.size() > 1 && nowNanos - nonces.peekFirst().createdNanos() > nonceLifetime) {
            nonces.removeFirst();
        }
    }

    @Override
    public String toString() {
        return "NonceTable[" + nonces.size() + " nonces]";
    }
}
