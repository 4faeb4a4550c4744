package org.vanycast.mipv6.internal.node;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link Mipv6NodeConfig} checked: every address an IPv6 literal (never a DNS lookup), the
 * secret readable and long enough. A bad value is an {@link IllegalArgumentException} naming
 * the key, so the component fails to activate with one clear line.
 */
record NodeSettings(Inet6Address logicalAddress, Inet6Address careOf, Inet6Address homeAgent, byte[] secret,
                    String device, int queue, String table, int homeLifetimeUnits, Duration timeout,
                    InetSocketAddress relayListen, List<InetSocketAddress> relayPeers, boolean rrInAdvance) {
    static final String PID = "org.vanycast.mipv6.node";
    static final int MIN_SECRET = 16;

    static NodeSettings of(Mipv6NodeConfig c) {
        Inet6Address x = address("logical.address", c.logical_address());
        Inet6Address coa = address("care.of.address", c.care_of_address());
        Inet6Address ha = address("home.agent.address", c.home_agent_address());
        if (x.equals(coa)) {
            throw bad("care.of.address", "must differ from the logical address");
        }
        if (c.secret_file() == null || c.secret_file().isBlank()) {
            throw bad("secret.file", "missing");
        }
        byte[] secret;
        try {
            secret = Files.readAllBytes(Path.of(c.secret_file()));
        } catch (IOException e) {
            throw bad("secret.file", "cannot read " + c.secret_file() + ": " + e.getMessage());
        }
        if (secret.length < MIN_SECRET) {
            throw bad("secret.file", "shorter than " + MIN_SECRET + " bytes");
        }
        if (c.queue() < 0 || c.queue() > 65535) {
            throw bad("queue", "not a queue number: " + c.queue());
        }
        if (c.home_lifetime_units() <= 0 || c.home_lifetime_units() > 65535) {
            throw bad("home.lifetime.units", "must be 1..65535: " + c.home_lifetime_units());
        }
        if (c.timeout_ms() <= 0) {
            throw bad("timeout.ms", "must be positive: " + c.timeout_ms());
        }
        if (c.device() == null || !c.device().matches("[A-Za-z0-9_.-]{1,15}")) {
            throw bad("device", "not an interface name: " + c.device());
        }
        if (c.table() == null || !c.table().matches("[A-Za-z0-9_]{1,32}")) {
            throw bad("table", "not an nftables table name: " + c.table());
        }
        InetSocketAddress listen = hostPort("relay.listen", c.relay_listen());
        List<InetSocketAddress> peers = new ArrayList<>();
        for (String v : c.relay_peers() == null ? new String[0] : c.relay_peers()) {
            for (String part : v.split(",")) {
                if (!part.isBlank()) {
                    peers.add(hostPort("relay.peers", part.trim()));
                }
            }
        }
        return new NodeSettings(x, coa, ha, secret, c.device(), c.queue(), c.table(), c.home_lifetime_units(),
                Duration.ofMillis(c.timeout_ms()), listen, List.copyOf(peers), c.rr_in_advance());
    }

    static Inet6Address address(String key, String literal) {
        if (literal == null || literal.isBlank()) {
            throw bad(key, "missing");
        }
        String s = literal.trim();
        // An IPv6 literal has a colon; refusing everything else keeps InetAddress from resolving names.
        if (!s.contains(":") || !s.matches("[0-9A-Fa-f:.]+")) {
            throw bad(key, "not an IPv6 address: " + literal);
        }
        try {
            InetAddress a = InetAddress.getByName(s);
            if (a instanceof Inet6Address v6) {
                return v6;
            }
        } catch (UnknownHostException e) {
            // reported below
        }
        throw bad(key, "not an IPv6 address: " + literal);
    }

    static InetSocketAddress hostPort(String key, String value) {
        if (value == null || !value.startsWith("[") || value.indexOf("]:") < 0) {
            throw bad(key, "expected [address]:port, got '" + value + "'");
        }
        int end = value.indexOf("]:");
        Inet6Address a = address(key, value.substring(1, end));
        int port;
        try {
            port = Integer.parseInt(value.substring(end + 2));
        } catch (NumberFormatException e) {
            throw bad(key, "bad port in '" + value + "'");
        }
        if (port < 1 || port > 65535) {
            throw bad(key, "bad port in '" + value + "'");
        }
        return new InetSocketAddress(a, port);
    }

    private static IllegalArgumentException bad(String key, String why) {
        return new IllegalArgumentException("bad configuration " + PID + ": " + key + ": " + why);
    }
}
