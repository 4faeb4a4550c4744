package org.vanycast.soap.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.nio.channels.SocketChannel;

/**
 * The 4-tuple that names a TCP connection the same way on every layer: the socket, the HTTP
 * server's endpoint and the servlet request. Scope ids and IPv4-mapped forms are normalised
 * so that the layers agree.
 */
public record ConnectionKey(InetSocketAddress local, InetSocketAddress remote) {

    public ConnectionKey {
        local = normalise(local);
        remote = normalise(remote);
    }

    public static ConnectionKey of(SocketChannel channel) throws IOException {
        return new ConnectionKey(inet(channel.getLocalAddress()), inet(channel.getRemoteAddress()));
    }

    /** From the literal addresses a servlet request reports; never does a name lookup. */
    public static ConnectionKey ofLiterals(String localAddr, int localPort, String remoteAddr, int remotePort)
            throws UnknownHostException {
        return new ConnectionKey(new InetSocketAddress(literal(localAddr), localPort),
                new InetSocketAddress(literal(remoteAddr), remotePort));
    }

    private static InetAddress literal(String s) throws UnknownHostException {
        String t = s.startsWith("[") && s.endsWith("]") ? s.substring(1, s.length() - 1) : s;
        int pct = t.indexOf('%');
        if (pct >= 0) {
            t = t.substring(0, pct);
        }
        if (t.isEmpty() || !(Character.digit(t.charAt(0), 16) >= 0 || t.charAt(0) == ':')) {
            throw new UnknownHostException("not an address literal: " + s);
        }
        // A literal is parsed without a lookup.
        return InetAddress.getByName(t);
    }

    private static InetSocketAddress inet(SocketAddress a) throws IOException {
        if (a instanceof InetSocketAddress i) {
            return i;
        }
        throw new IOException("not an IP socket: " + a);
    }

    private static InetSocketAddress normalise(InetSocketAddress a) {
        if (a == null || a.getAddress() == null) {
            throw new IllegalArgumentException("unresolved address " + a);
        }
        try {
            // getByAddress drops the scope id and turns ::ffff:a.b.c.d into the IPv4 address.
            return new InetSocketAddress(InetAddress.getByAddress(a.getAddress().getAddress()), a.getPort());
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Override
    public String toString() {
        return remote + "->" + local;
    }
}
