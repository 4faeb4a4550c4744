package org.vanycast.mipv6.bench;

import static org.vanycast.mipv6.bench.MobilityHeaderBenchmark.CN;
import static org.vanycast.mipv6.bench.MobilityHeaderBenchmark.COA;
import static org.vanycast.mipv6.bench.MobilityHeaderBenchmark.HOME;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.vanycast.mipv6.api.BindingUpdate;
import org.vanycast.mipv6.api.Ipv6Packet;
import org.vanycast.mipv6.api.MalformedMobilityHeaderException;
import org.vanycast.mipv6.api.MobilityChecksum;
import org.vanycast.mipv6.api.MobilityHeaderCodec;
import org.vanycast.mipv6.api.MobilityOption;
import org.vanycast.mipv6.api.ReturnRoutabilityKeys;

/**
 * Binding Update authenticator (RFC 6275 §6.2.7) compute and verify, and what a correspondent
 * does per received update before touching its cache: checksum, decode, Kbm from two keygen
 * tokens, verify. Goal: decode + verify well under 5 µs.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class AuthenticatorBenchmark {
    private byte[] kbm;
    private byte[] wire;
    private Ipv6Packet packet;
    private final byte[] kcn = new byte[20];
    private final byte[] nonce = new byte[8];

    @Setup
    public void setUp() {
        kbm = ReturnRoutabilityKeys.kbm(ReturnRoutabilityKeys.homeKeygenToken(kcn, HOME, nonce),
                ReturnRoutabilityKeys.careOfKeygenToken(kcn, COA, nonce));
        BindingUpdate bu = MobilityHeaderBenchmark.signedBindingUpdate(kbm);
        wire = MobilityHeaderCodec.encode(bu, HOME, CN);
        packet = Ipv6Packet.mobility(COA, CN, HOME, null, bu);
    }

    @Benchmark
    public byte[] computeAuthenticator() {
        return ReturnRoutabilityKeys.authenticator(kbm, COA, CN, wire, 0, wire.length);
    }

    @Benchmark
    public boolean verifyAuthenticator() {
        return ReturnRoutabilityKeys.verify(kbm, COA, CN, wire, 0, wire.length);
    }

    /** Checksum + decode + Kbm derivation from the tokens + authenticator check. */
    @Benchmark
    public boolean decodeAndVerifyBindingUpdate() throws MalformedMobilityHeaderException {
        if (!MobilityChecksum.verify(HOME, CN, wire)) {
            return false;
        }
        BindingUpdate bu = (BindingUpdate) MobilityHeaderCodec.decode(wire).message();
        MobilityOption.NonceIndices ni = bu.option(MobilityOption.NonceIndices.class).orElseThrow();
        byte[] k = ReturnRoutabilityKeys.kbm(ReturnRoutabilityKeys.homeKeygenToken(kcn, HOME, nonce),
                ReturnRoutabilityKeys.careOfKeygenToken(kcn, COA, nonce));
        return ni.homeNonceIndex() >= 0 && ReturnRoutabilityKeys.verify(k, COA, CN, wire, 0, wire.length);
    }

    /** Decode of the whole IPv6 packet (with Home Address option) as the CN agent sees it. */
    @Benchmark
    public Ipv6Packet encodeAndDecodePacket() throws MalformedMobilityHeaderException {
        return org.vanycast.mipv6.api.Ipv6PacketCodec.decode(org.vanycast.mipv6.api.Ipv6PacketCodec.encode(packet));
    }
}
