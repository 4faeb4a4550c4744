package org.vanycast.testbed;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vanycast.mipv6.internal.kernel.NetNs;
import org.vanycast.mipv6.internal.kernel.NfQueue;

/**
 * Wide-area emulation in the router namespace without netem (not in this kernel).
 *
 * <p>Latency: forwarded packets between links whose configured delay is non-zero are queued
 * to user space (ip6tables-legacy NFQUEUE in mangle FORWARD, one rule per delayed link
 * pair); the verdict is held and given when the packet is due, counted from the kernel's
 * stamp of its arrival. Per pair the delay is constant, so order is kept. Packets between
 * undelayed links never leave the kernel.
 * Bandwidth: {@code tbf} on both ends of a link (router side and host side egress).
 *
 * <p>Reconfigurable while running ({@link #reconfigure}); held packets keep their due time.
 */
public final class WanEmulator implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WanEmulator.class);
    private static final String CHAIN = "VCT_WAN";
    private static final long MAX_COMPENSATION_NANOS = 1_000_000;
    /** A kernel stamp older than this when read is not believed (see {@link #stampAgeNanos}). */
    static final long MAX_STAMP_AGE_MICROS = 100_000;
    private static final Pattern LINK_LINE = Pattern.compile("^(\\d+): (r-[a-z0-9]+)[@:]");

    private final Topology topo;
    private final int queueNumber;
    private final AtomicReference<TestbedConfig> config;
    private final Map<Integer, String> linkByIfindex = new HashMap<>();
    private final AtomicLong forwarded = new AtomicLong();
    private final AtomicLong delayed = new AtomicLong();
    private final AtomicLong released = new AtomicLong();
    private final AtomicLong lateNanos = new AtomicLong();
    /** Delayed packets timed from the kernel's stamp, and how long after it the emulator read them in total. */
    private final AtomicLong stamped = new AtomicLong();
    private final AtomicLong stampAgeNanos = new AtomicLong();
    private volatile boolean running = true;
    private Thread worker;
    private final CountDownLatch stopped = new CountDownLatch(1);

    private WanEmulator(Topology topo, TestbedConfig config, int queueNumber) {
        this.topo = topo;
        this.config = new AtomicReference<>(config);
        this.queueNumber = queueNumber;
    }

    /** Starts the emulator for testbed {@code config} (in the router namespace). */
    public static WanEmulator start(TestbedConfig config, int queueNumber) throws IOException {
        Topology topo = new Topology(config.id());
        WanEmulator w = new WanEmulator(topo, config, queueNumber);
        String router = topo.ns("router");
        for (String line : Sh.run("ip", "-n", router, "-o", "link", "show").split("\n")) {
            Matcher m = LINK_LINE.matcher(line.strip());
            if (m.find()) {
                w.linkByIfindex.put(Integer.parseInt(m.group(1)), m.group(2).substring(2));
            }
        }
        Sh.inNs(router, "ip6tables-legacy", "-t", "mangle", "-N", CHAIN);
        Sh.inNs(router, "ip6tables-legacy", "-t", "mangle", "-A", "FORWARD", "-j", CHAIN);
        CountDownLatch ready = new CountDownLatch(1);
        AtomicReference<Exception> failure = new AtomicReference<>();
        w.worker = NetNs.start(router, "wan-emulator-" + config.id(), () -> w.loop(ready, failure), e -> {
            failure.set(e);
            ready.countDown();
        });
        try {
            if (!ready.await(10, TimeUnit.SECONDS)) {
                throw new IOException("WAN emulator did not start");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        if (failure.get() != null) {
            throw new IOException("WAN emulator: " + failure.get().getMessage(), failure.get());
        }
        w.apply(config);
        return w;
    }

    public TestbedConfig config() {
        return config.get();
    }

    /** Applies new latencies and bandwidths; packets already held keep their release time. */
    public synchronized void reconfigure(TestbedConfig next) throws IOException {
        if (!next.id().equals(topo.id()) || next.nodes() != config.get().nodes()) {
            throw new IllegalArgumentException("reconfigure may only change latency and bandwidth");
        }
        apply(next);
    }

    private void apply(TestbedConfig next) throws IOException {
        config.set(next);
        String router = topo.ns("router");
        Sh.inNs(router, "ip6tables-legacy", "-t", "mangle", "-F", CHAIN);
        List<String> links = next.links();
        for (String in : links) {
            for (String out : links) {
                if (!in.equals(out) && next.delayMs(in, out) > 0) {
                    Sh.inNs(router, "ip6tables-legacy", "-t", "mangle", "-A", CHAIN, "-i", Topology.routerIf(in),
                            "-o", Topology.routerIf(out), "-j", "NFQUEUE", "--queue-num", Integer.toString(queueNumber),
                            "--queue-bypass");
                }
            }
        }
        for (String link : links) {
            int kbit = next.bandwidthKbit().getOrDefault(link, 0);
            shape(router, Topology.routerIf(link), kbit, next.queueMs(link));
            shape(topo.ns(link), "eth0", kbit, next.queueMs(link));
        }
    }

    private static void shape(String ns, String dev, int kbit, int queueMs) throws IOException {
        if (kbit <= 0) {
            Sh.tryRun(List.of("ip", "netns", "exec", ns, "tc", "qdisc", "del", "dev", dev, "root"));
            return;
        }
        Sh.inNs(ns, "tc", "qdisc", "replace", "dev", dev, "root", "tbf", "rate", kbit + "kbit",
                "burst", Integer.toString(burstBytes(kbit)), "latency", queueMs + "ms");
    }

    /**
     * Bucket: at least one full-size frame, else about 5 ms worth of the rate. tbf's queue
     * ({@code latency}) comes on top: a packet waits at most that long behind earlier ones, so a
     * shallow queue keeps a handoff's Binding Update from queueing behind a deep backlog of data.
     */
    static int burstBytes(int kbit) {
        return Math.max(3200, kbit * 1000 / 8 / 200);
    }

    private record Held(long dueNanos, long seq, int id) {
    }

    private void loop(CountDownLatch ready, AtomicReference<Exception> failure) {
        NfQueue q;
        try {
            q = NfQueue.open(queueNumber, 64, 20_000);
        } catch (IOException e) {
            failure.set(e);
            ready.countDown();
            return;
        }
        ready.countDown();
        if (!q.stampArrivals()) {
            LOG.info("WAN emulator times packets from when it reads them: each held packet waits its reading's delay longer");
        }
        NfQueue.setTimerSlackNanos(1_000);
        // The paper's NISTnet router was a machine of its own; here the emulator shares two
        // cores with everything else, so it gets real-time priority to release packets on time.
        if (!NfQueue.setRealtimePriority(10)) {
            LOG.info("WAN emulator runs without real-time priority: release times will suffer under load");
        }
        PriorityQueue<Held> held = new PriorityQueue<>((a, b) -> a.dueNanos != b.dueNanos
                ? Long.compare(a.dueNanos, b.dueNanos) : Long.compare(a.seq, b.seq));
        long seq = 0;
        // This kernel is built without preemption (CONFIG_PREEMPT_NONE) and runs in a VM, so
        // even a real-time thread wakes up 100-300 µs after its timer. We learn that lateness
        // and wake up that much earlier, so that releases are on time on average.
        long compensation = 0;
        try (q) {
            while (running) {
                long now = System.nanoTime();
                // Release everything due (within 10 µs: waking up again costs more than that).
                while (!held.isEmpty() && held.peek().dueNanos <= now + 10_000 + compensation) {
                    Held h = held.poll();
                    q.accept(h.id);
                    long late = System.nanoTime() - h.dueNanos;
                    lateNanos.addAndGet(late);
                    compensation = Math.max(0, Math.min(MAX_COMPENSATION_NANOS, compensation + late / 16));
                    released.incrementAndGet();
                    forwarded.incrementAndGet();
                }
                // Sleep until the next release is due or a packet arrives, whichever is first:
                // arrivals are stamped as soon as they are readable.
                long timeout = held.isEmpty() ? 100_000_000L
                        : Math.max(0, held.peek().dueNanos - now - 10_000 - compensation);
                List<NfQueue.QueuedPacket> got = q.pollNanos(Math.min(timeout, 100_000_000L));
                long read = System.nanoTime();
                long readReal = got.isEmpty() ? 0 : realtimeMicros(); // only packets need the wall clock
                TestbedConfig cfg = config.get();
                for (NfQueue.QueuedPacket p : got) {
                    String in = linkByIfindex.get(p.inIfindex());
                    String out = linkByIfindex.get(p.outIfindex());
                    double ms = in == null || out == null ? 0 : cfg.delayMs(in, out);
                    if (ms <= 0) {
                        q.accept(p.id());
                        forwarded.incrementAndGet();
                    } else {
                        long age = stampAgeNanos(p.kernelStampMicros(), readReal);
                        long arrived = age < 0 ? read : read - age;
                        if (age >= 0) {
                            stamped.incrementAndGet();
                            stampAgeNanos.addAndGet(age);
                        }
                        held.add(new Held(arrived + (long) (ms * 1_000_000), seq++, p.id()));
                        delayed.incrementAndGet();
                    }
                }
            }
            // Never strand packets: let everything still held go.
            while (!held.isEmpty()) {
                q.accept(held.poll().id);
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("WAN emulator stopped: {}", e.toString());
            failure.set(e);
        } finally {
            stopped.countDown();
        }
    }

    /**
     * How long before {@code readRealMicros} (the instant the emulator read it) a packet reached
     * the router, from the kernel's stamp ({@code stampMicros}, both CLOCK_REALTIME), or -1 when
     * there is no stamp or one that cannot be this packet's (in the future, or older than
     * {@link #MAX_STAMP_AGE_MICROS}: the wall clock was set). A held packet's delay counts from
     * its arrival, as netem's does, not from the emulator's wake-up, which comes 0.1-0.3 ms after
     * the packet on this machine (a VM without kernel preemption) and would lengthen every delayed
     * hop by that; a packet without a usable stamp counts from its read.
     */
    static long stampAgeNanos(long stampMicros, long readRealMicros) {
        if (stampMicros <= 0) {
            return -1;
        }
        long age = readRealMicros - stampMicros;
        return age < 0 || age > MAX_STAMP_AGE_MICROS ? -1 : age * 1000;
    }

    private static long realtimeMicros() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
    }

    /** Packets that were held for latency so far. */
    public long delayedPackets() {
        return delayed.get();
    }

    public Map<String, Object> describe() {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("queue", queueNumber);
        m.put("delayedPackets", delayed.get());
        long r = released.get();
        // How late held packets were let go, on average (the emulator's own share of the error;
        // the rest is the way from the kernel to user space and back).
        m.put("meanReleaseLatenessUs", r == 0 ? 0.0 : lateNanos.get() / 1e3 / r);
        m.put("releasedPackets", r);
        long st = stamped.get();
        // How long after reaching the router the emulator read delayed packets, on average (their
        // delay counts from the kernel's stamp); packets without a stamp count from the read
        m.put("stampedPackets", st);
        m.put("meanReadAfterStampUs", st == 0 ? 0.0 : stampAgeNanos.get() / 1e3 / st);
        m.put("running", running && worker.isAlive());
        return m;
    }

    @Override
    public void close() {
        running = false;
        try {
            stopped.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        String router = topo.ns("router");
        if (NetNs.exists(router)) {
            try {
                Sh.tryRun(List.of("ip", "netns", "exec", router, "ip6tables-legacy", "-t", "mangle", "-D", "FORWARD", "-j", CHAIN));
                Sh.tryRun(List.of("ip", "netns", "exec", router, "ip6tables-legacy", "-t", "mangle", "-F", CHAIN));
                Sh.tryRun(List.of("ip", "netns", "exec", router, "ip6tables-legacy", "-t", "mangle", "-X", CHAIN));
            } catch (IOException e) {
                LOG.debug("removing WAN rules: {}", e.getMessage());
            }
        }
    }

}
