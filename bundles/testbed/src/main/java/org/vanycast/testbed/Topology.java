package org.vanycast.testbed;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Names and addresses derived from a testbed id. ULA only: the /48 is {@code fd} + 40 bits
 * of SHA-256(id) (RFC 4193 picks them at random; a hash keeps them stable per id). Link
 * subnets: client {@code :1::/64}, ha {@code :2::/64}, node K {@code :1K::/64} (hex), the
 * home network of {@code ha} {@code :100::/64}. The router is {@code ::1} on every link,
 * the host {@code ::2}; the home agent is {@code :100::1} and the logical address X
 * {@code :100::a}.
 */
public final class Topology {
    public static final String NS_PREFIX = "vct-";
    private final String id;
    private final String prefix48;

    public Topology(String id) {
        this.id = id;
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
            prefix48 = "fd" + String.format("%02x", h[0]) + ":" + Integer.toHexString(((h[1] & 0xff) << 8) | (h[2] & 0xff))
                    + ":" + Integer.toHexString(((h[3] & 0xff) << 8) | (h[4] & 0xff));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public String id() {
        return id;
    }

    /** Namespace of {@code host}. */
    public String ns(String host) {
        return NS_PREFIX + id + "-" + host;
    }

    /** Prefix every namespace of this testbed starts with (for the crash sweep). */
    public String nsPrefix() {
        return NS_PREFIX + id + "-";
    }

    /** The router's interface towards {@code link}. */
    public static String routerIf(String link) {
        return "r-" + link;
    }

    int subnet(String link) {
        if (link.equals("client")) {
            return 0x1;
        }
        if (link.equals("ha")) {
            return 0x2;
        }
        if (link.startsWith("node")) {
            return 0x10 + Integer.parseInt(link.substring(4));
        }
        if (link.equals("home")) {
            return 0x100;
        }
        throw new IllegalArgumentException("unknown link " + link);
    }

    public String subnetPrefix(String link) {
        return prefix48 + ":" + Integer.toHexString(subnet(link)) + "::";
    }

    /** The host's address on its link to the router. */
    public Inet6Address hostAddress(String link) {
        return v6(subnetPrefix(link) + "2");
    }

    public Inet6Address routerAddress(String link) {
        return v6(subnetPrefix(link) + "1");
    }

    public Inet6Address homeAgent() {
        return v6(subnetPrefix("home") + "1");
    }

    public Inet6Address logicalAddress() {
        return v6(subnetPrefix("home") + "a");
    }

    public String homePrefix() {
        return subnetPrefix("home") + "/64";
    }

    public String sitePrefix() {
        return prefix48 + "::/48";
    }

    static Inet6Address v6(String s) {
        try {
            return (Inet6Address) InetAddress.getByName(s);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(s, e);
        }
    }

    /** RFC 5952 text form (longest run of zero groups compressed), no scope. */
    public static String str(InetAddress a) {
        return org.vanycast.mipv6.internal.kernel.Addresses.text(a);
    }
}
