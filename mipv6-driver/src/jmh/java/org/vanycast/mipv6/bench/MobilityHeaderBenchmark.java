package org.vanycast.mipv6.bench;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.vanycast.mipv6.api.BindingAckStatus;
import org.vanycast.mipv6.api.BindingAcknowledgement;
import org.vanycast.mipv6.api.BindingError;
import org.vanycast.mipv6.api.BindingErrorStatus;
import org.vanycast.mipv6.api.BindingRefreshRequest;
import org.vanycast.mipv6.api.BindingUpdate;
import org.vanycast.mipv6.api.CareOfTest;
import org.vanycast.mipv6.api.CareOfTestInit;
import org.vanycast.mipv6.api.HomeTest;
import org.vanycast.mipv6.api.HomeTestInit;
import org.vanycast.mipv6.api.MalformedMobilityHeaderException;
import org.vanycast.mipv6.api.MobilityHeader;
import org.vanycast.mipv6.api.MobilityHeaderCodec;
import org.vanycast.mipv6.api.MobilityMessage;
import org.vanycast.mipv6.api.MobilityOption;
import org.vanycast.mipv6.api.MobilityOptions;
import org.vanycast.mipv6.api.ReturnRoutabilityKeys;

/** Decode and encode cost per Mobility Header type (ns/op). */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MobilityHeaderBenchmark {
    static final Inet6Address CN = ip("fd00::1");
    static final Inet6Address HOME = ip("fd00:1::10");
    static final Inet6Address COA = ip("fd00:2::2");

    @Param({"BRR", "HoTI", "CoTI", "HoT", "CoT", "BU", "BA", "BE"})
    public String type;

    private MobilityMessage message;
    private byte[] wire;

    static Inet6Address ip(String s) {
        try {
            return (Inet6Address) InetAddress.getByName(s);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** A signed Binding Update as a mobile node sends it to a correspondent. */
    static BindingUpdate signedBindingUpdate(byte[] kbm) {
        return ReturnRoutabilityKeys.sign(new BindingUpdate(7, BindingUpdate.FLAG_ACK, 105,
                List.of(new MobilityOption.NonceIndices(1, 2))), kbm, COA, CN);
    }

    static MobilityMessage sample(String type) {
        switch (type) {
            case "BRR": return new BindingRefreshRequest(MobilityOptions.aligned(2, List.of()));
            case "HoTI": return new HomeTestInit(0x0102030405060708L);
            case "CoTI": return new CareOfTestInit(0x0102030405060708L);
            case "HoT": return new HomeTest(1, 0x0102030405060708L, 0x1112131415161718L);
            case "CoT": return new CareOfTest(2, 0x0102030405060708L, 0x1112131415161718L);
            case "BU": return signedBindingUpdate(ReturnRoutabilityKeys.kbm(1, 2));
            case "BA": return new BindingAcknowledgement(BindingAckStatus.ACCEPTED, 0, 7, 105,
                    MobilityOptions.aligned(6, List.of(new MobilityOption.BindingRefreshAdvice(100))));
            case "BE": return new BindingError(BindingErrorStatus.UNKNOWN_BINDING_FOR_HOME_ADDRESS_OPTION, HOME,
                    MobilityOptions.aligned(18, List.of()));
            default: throw new IllegalArgumentException(type);
        }
    }

    @Setup
    public void setUp() {
        message = sample(type);
        wire = MobilityHeaderCodec.encode(message, HOME, CN);
    }

    @Benchmark
    public MobilityHeader decode() throws MalformedMobilityHeaderException {
        return MobilityHeaderCodec.decode(wire);
    }

    @Benchmark
    public byte[] encode() {
        return MobilityHeaderCodec.encode(message, HOME, CN);
    }
}
