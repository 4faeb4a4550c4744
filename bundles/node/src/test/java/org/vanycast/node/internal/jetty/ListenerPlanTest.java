package org.vanycast.node.internal.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ListenerPlanTest {

    private static ListenerPlan plan(Map<String, String> properties) throws Exception {
        return ListenerPlan.from(properties::get);
    }

    @Test
    void shouldLeaveFirstOwnAddressToHttpServiceAndServeOthersAndLogicalAddress() throws Exception {
        ListenerPlan plan = plan(Map.of("vanycast.node.addresses", "fd00:1::2,fd00:2::2",
                "vanycast.node.logical.address", "fd00:ff::1", "vanycast.node.port", "8081"));
        assertEquals(8081, plan.port());
        assertEquals(List.of(InetAddress.getByName("fd00:2::2"), InetAddress.getByName("fd00:ff::1")),
                plan.vanycastAddresses());
    }

    @Test
    void shouldNeedNoVanycastListenerForOneAddressWithoutLogicalAddress() throws Exception {
        ListenerPlan plan = plan(Map.of("vanycast.node.addresses", "::1"));
        assertEquals(List.of(), plan.vanycastAddresses());
        assertNull(plan.logicalAddress());
    }

    @Test
    void shouldFallBackToHttpServicePortProperty() throws Exception {
        assertEquals(9000, plan(Map.of("org.osgi.service.http.port", "9000")).port());
        assertEquals(8080, plan(Map.of()).port());
    }
}
