package org.vanycast.mipv6.internal.kernel;

import java.io.IOException;
import java.io.InputStream;
import java.net.Inet6Address;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

/**
 * Route optimization the way Linux MIPv6 daemons program it: XFRM states of protocol
 * {@code route2} (type 2 routing header, correspondent side) and {@code hao} (Home Address
 * option, mobile-node side) in mode {@code ro} with the care-of address, plus matching
 * policies. Only kernels with {@code CONFIG_IPV6_MIP6} accept these states.
 *
 * <p>The probe reads {@code /proc/config.gz}; on the build machines it reports the option
 * missing, so {@link NftBindingTranslator} is used there. This backend drives the
 * {@code ip xfrm} tool (forking, 7–40 ms per change): it is meant for hosts with kernel
 * MIPv6 where a binding change is rare, and is not exercised by the tests on this kernel.
 */
public final class XfrmRouteOptimization implements RouteOptimizationBackend {
    private static final Availability AVAILABILITY = Availability.probe(XfrmRouteOptimization::probe);
    private final List<List<String>> undo = new ArrayList<>();

    private XfrmRouteOptimization() {
    }

    public static boolean isAvailable() {
        return AVAILABILITY.isAvailable();
    }

    public static String unavailabilityCause() {
        return AVAILABILITY.cause().orElse(null);
    }

    static String probe() throws IOException {
        Path config = Path.of("/proc/config.gz");
        if (!Files.isReadable(config)) {
            return "cannot tell: /proc/config.gz not readable, CONFIG_IPV6_MIP6 unknown";
        }
        try (InputStream in = new GZIPInputStream(Files.newInputStream(config))) {
            String text = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            if (text.contains("\nCONFIG_IPV6_MIP6=y") || text.contains("\nCONFIG_IPV6_MIP6=m")) {
                return null;
            }
            return "kernel " + System.getProperty("os.version")
                    + " is built without CONFIG_IPV6_MIP6: no route2/hao XFRM types";
        }
    }

    public static XfrmRouteOptimization create() {
        AVAILABILITY.ensure("XFRM route optimization");
        return new XfrmRouteOptimization();
    }

    @Override
    public String name() {
        return "xfrm";
    }

    @Override
    public synchronized void bindCorrespondent(Inet6Address home, Inet6Address careOf) throws IOException {
        String h = a(home);
        String me = "::";
        ip("xfrm", "state", "update", "src", me, "dst", h, "proto", "route2", "mode", "ro", "coa", a(careOf));
        ip("xfrm", "policy", "update", "src", me + "/0", "dst", h + "/128", "dir", "out",
                "tmpl", "proto", "route2", "mode", "ro", "level", "use");
        undo.add(List.of("xfrm", "policy", "delete", "src", me + "/0", "dst", h + "/128", "dir", "out"));
        undo.add(List.of("xfrm", "state", "delete", "src", me, "dst", h, "proto", "route2"));
    }

    @Override
    public synchronized void unbindCorrespondent(Inet6Address home) throws IOException {
        String h = a(home);
        quietly(List.of("xfrm", "policy", "delete", "src", "::/0", "dst", h + "/128", "dir", "out"));
        quietly(List.of("xfrm", "state", "delete", "src", "::", "dst", h, "proto", "route2"));
    }

    @Override
    public synchronized void bindMobile(Inet6Address client, Inet6Address home, Inet6Address careOf) throws IOException {
        String c = a(client);
        String h = a(home);
        ip("xfrm", "state", "update", "src", h, "dst", c, "proto", "hao", "mode", "ro", "coa", a(careOf));
        ip("xfrm", "policy", "update", "src", h + "/128", "dst", c + "/128", "dir", "out",
                "tmpl", "proto", "hao", "mode", "ro", "level", "use");
        undo.add(List.of("xfrm", "policy", "delete", "src", h + "/128", "dst", c + "/128", "dir", "out"));
        undo.add(List.of("xfrm", "state", "delete", "src", h, "dst", c, "proto", "hao"));
    }

    @Override
    public synchronized void unbindMobile(Inet6Address client, Inet6Address home) throws IOException {
        quietly(List.of("xfrm", "policy", "delete", "src", a(home) + "/128", "dst", a(client) + "/128", "dir", "out"));
        quietly(List.of("xfrm", "state", "delete", "src", a(home), "dst", a(client), "proto", "hao"));
    }

    @Override
    public synchronized void close() {
        for (int i = undo.size() - 1; i >= 0; i--) {
            quietly(undo.get(i));
        }
        undo.clear();
    }

    private static void quietly(List<String> args) {
        try {
            ip(args.toArray(String[]::new));
        } catch (IOException e) {
            // Already gone: nothing to undo.
        }
    }

    private static void ip(String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add("ip");
        cmd.add("-6");
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", cmd) + ": timed out");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        if (p.exitValue() != 0) {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            throw new IOException(String.join(" ", cmd) + " failed: " + out);
        }
    }

    private static String a(Inet6Address address) {
        return Addresses.text(address);
    }
}
