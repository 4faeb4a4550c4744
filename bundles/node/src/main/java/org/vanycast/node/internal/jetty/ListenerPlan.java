package org.vanycast.node.internal.jetty;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

import org.vanycast.node.api.NodeProperties;

/**
 * Which listeners the node opens itself. The OSGi HTTP service's own connector serves the
 * node's first address; Vanycast's connectors serve the other addresses and the logical
 * address X (free-bind). Plain data, built from the framework properties the launcher set.
 */
record ListenerPlan(int port, List<InetAddress> ownAddresses, InetAddress logicalAddress) {

    /** Addresses that need a Vanycast connector: the node's other addresses and X. */
    List<InetAddress> vanycastAddresses() {
        List<InetAddress> addresses = new ArrayList<>(ownAddresses.subList(Math.min(1, ownAddresses.size()),
                ownAddresses.size()));
        if (logicalAddress != null) {
            addresses.add(logicalAddress);
        }
        return addresses;
    }

    interface Properties {
        String get(String key);
    }

    static ListenerPlan from(Properties properties) throws UnknownHostException {
        String port = properties.get(NodeProperties.PORT);
        if (port == null) {
            port = properties.get("org.osgi.service.http.port");
        }
        List<InetAddress> own = new ArrayList<>();
        String addresses = properties.get(NodeProperties.ADDRESSES);
        if (addresses != null) {
            for (String a : addresses.split(",")) {
                if (!a.isBlank()) {
                    own.add(InetAddress.getByName(a.trim())); // literals only: the launcher validated them
                }
            }
        }
        String logical = properties.get(NodeProperties.LOGICAL_ADDRESS);
        return new ListenerPlan(port == null ? 8080 : Integer.parseInt(port.trim()), own,
                logical == null || logical.isBlank() ? null : InetAddress.getByName(logical.trim()));
    }
}
